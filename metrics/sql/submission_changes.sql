-- The figures a submission brought, each with the figure in force before it (for the same partner,
-- KPI and period, from an earlier live submission) and whether it differs.
WITH mine AS (SELECT * FROM core.measurement WHERE submission_id = $id),
earlier AS (
    SELECT m.partner_code, m.kpi_code, m.period_index, m.is_annual, m.value, m.note, m.submission_id
    FROM core.measurement m JOIN core.submission s ON s.id = m.submission_id
    WHERE s.status IN ('submitted', 'approved') AND m.submission_id < $id
    QUALIFY row_number() OVER (PARTITION BY m.partner_code, m.kpi_code, m.period_index, m.is_annual
                               ORDER BY m.submission_id DESC, m.id DESC) = 1
)
SELECT mine.row_number, mine.partner_code, mine.period, mine.kpi_code, k.name AS kpi_name, k.unit,
       mine.value, mine.note, e.value AS previous_value, e.note AS previous_note, e.submission_id AS previous_submission,
       round(100 * (mine.value - e.value) / nullif(abs(e.value), 0), 1) AS change_percent,
       CASE WHEN e.submission_id IS NULL THEN 'new'
            WHEN e.value IS NOT DISTINCT FROM mine.value AND e.note IS NOT DISTINCT FROM mine.note THEN 'unchanged'
            ELSE 'changed' END AS change
FROM mine
JOIN core.kpi k ON k.code = mine.kpi_code
LEFT JOIN earlier e ON e.partner_code = mine.partner_code AND e.kpi_code = mine.kpi_code
    AND e.period_index = mine.period_index AND e.is_annual = mine.is_annual
ORDER BY mine.row_number
