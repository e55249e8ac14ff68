-- Which service desk measure feeds which KPI, and whether it can (the KPI exists, is quarterly, has the unit).
SELECT km.kpi_code, k.name AS kpi_name, km.measure, i.label, km.priority, i.unit AS measure_unit, k.unit AS kpi_unit,
       k.code IS NOT NULL AND k.frequency = 'quarterly' AND k.unit = i.unit AS applies
FROM core.ticket_kpi_map km
LEFT JOIN ticket_measure_info() i ON i.measure = km.measure
LEFT JOIN core.kpi k ON k.code = km.kpi_code
ORDER BY km.kpi_code
