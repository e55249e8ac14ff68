-- The newest approved figures, for the "Last updated" line on members' pages: the submission approved last,
-- one of its figures (the latest period, then the framework's order of councils and KPIs), how many figures
-- it brought and when it was approved.
WITH newest AS (
    SELECT id, reviewed_at FROM core.submission
    WHERE status = 'approved' AND reviewed_at IS NOT NULL
    ORDER BY reviewed_at DESC, id DESC
    LIMIT 1
)
SELECT n.reviewed_at AS approved_at, m.partner_code, pa.name AS partner_name, m.kpi_code, k.name AS kpi_name,
       m.period, count(*) OVER () AS figures
FROM newest n
JOIN core.measurement m ON m.submission_id = n.id
JOIN core.partner pa ON pa.code = m.partner_code
JOIN core.kpi k ON k.code = m.kpi_code
ORDER BY m.period_index DESC, m.is_annual, pa.sort_order, k.sort_order
LIMIT 1
