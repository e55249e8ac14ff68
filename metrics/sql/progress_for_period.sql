-- Progress of every objective and partner in one quarter, with the objective's commitment and KPI.
-- Annual objectives appear with the quarter that ends their financial year (Q4).
SELECT p.objective_code, o.title AS objective_title, o.commitment_code, c.title AS commitment_title,
       c.cross_cutting, c.sort_order AS commitment_order, o.sort_order AS objective_order,
       p.partner_code, pa.name AS partner_name, pa.sort_order AS partner_order,
       p.period, p.actual, p.target, p.status, p.direction, p.direction_year, p.forecast,
       p.final_target, p.deadline_period, p.note, p.submission_id, k.name AS kpi_name, k.unit, k.decimals, k.polarity,
       p.ended, p.deadline_actual, p.result_source, p.decided_by, p.decided_on
FROM charter_progress(core.as_of(), $published) p
JOIN core.objective o ON o.code = p.objective_code
JOIN core.commitment c ON c.code = o.commitment_code
JOIN core.partner pa ON pa.code = p.partner_code
JOIN core.kpi k ON k.code = o.kpi_code
WHERE p.period = $period OR (p.period = $year AND $quarter = 4)
ORDER BY c.sort_order, o.sort_order, pa.sort_order
