-- The KPI figures that service desk measures give (core.ticket_kpi_map) for the quarters $first to $last of
-- the partners $partners, each beside the figure held now; `changed` when there is none or its value differs.
-- A measure feeds a KPI only if the KPI is quarterly and has the measure's unit.
SELECT m.partner_code, m.period, m.period_index, k.code AS kpi_code, m.value,
       CASE WHEN m.value IS NULL THEN
           'No ' || CASE WHEN m.priority > 0 THEN format('priority {} ', m.priority) ELSE '' END
           || 'incidents were resolved in the quarter, so the service desk export gives no figure.' END AS note,
       cur.value AS held_value,
       cur.id IS NULL OR cur.value IS DISTINCT FROM m.value AS changed
FROM ticket_measures($partners, $first, $last) m
JOIN core.ticket_kpi_map km ON km.measure = m.measure AND km.priority = m.priority
JOIN core.kpi k ON k.code = km.kpi_code AND k.frequency = 'quarterly' AND k.unit = m.unit
LEFT JOIN core.current_figures(false) cur
    ON cur.partner_code = m.partner_code AND cur.kpi_code = k.code AND cur.period_index = m.period_index
       AND NOT cur.is_annual
ORDER BY m.partner_code, m.period_index, k.sort_order
