-- Every objective with its commitment, KPI and tolerance, in the framework's order.
SELECT o.code, o.title, o.description, o.owner, o.status, o.deadline_period, o.commitment_code,
       c.title AS commitment_title, o.kpi_code, k.name AS kpi_name, k.definition AS kpi_definition, k.unit, k.decimals,
       k.polarity, k.frequency, o.tolerance_kind, o.tolerance_amount, o.tolerance_set_by, o.tolerance_set_on,
       (SELECT string_agg(oo.outcome_code, ', ' ORDER BY oo.outcome_code) FROM core.objective_outcome oo
        WHERE oo.objective_code = o.code) AS outcome_codes
FROM core.objective o
JOIN core.commitment c ON c.code = o.commitment_code
JOIN core.kpi k ON k.code = o.kpi_code
ORDER BY o.sort_order
