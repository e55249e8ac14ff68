-- Every service desk measure per partner, quarter and priority (0: all) from $first to $last, with the KPI
-- it feeds, if any (core.ticket_kpi_map, where the KPI exists, is quarterly and has the measure's unit).
SELECT m.partner_code, p.name AS partner_name, p.sort_order AS partner_order, m.period, m.period_index,
       m.measure, m.label, m.unit, m.priority, m.value, m.sort_order, k.code AS kpi_code
FROM ticket_measures($partners, $first, $last) m
JOIN core.partner p ON p.code = m.partner_code
LEFT JOIN core.ticket_kpi_map km ON km.measure = m.measure AND km.priority = m.priority
LEFT JOIN core.kpi k ON k.code = km.kpi_code AND k.frequency = 'quarterly' AND k.unit = m.unit
ORDER BY p.sort_order, m.period_index, m.sort_order, m.priority
