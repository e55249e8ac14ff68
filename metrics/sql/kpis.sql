-- Every KPI with its definition and how it is measured, in the framework's order.
SELECT code, name, definition, unit, decimals, polarity, category, frequency, rollup, min_value, max_value, source,
       EXISTS (SELECT 1 FROM core.objective o WHERE o.kpi_code = k.code AND o.status NOT IN ('draft', 'withdrawn'))
           AS targeted
FROM core.kpi k
ORDER BY sort_order
