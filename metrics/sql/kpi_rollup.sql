-- The partnership figure for each KPI and period, rolled up as the KPI says (sum, mean, or a mean
-- weighted by each partner's active users at the period's end), with how many partners reported.
WITH f AS (
    SELECT f.*, k.rollup FROM core.current_figures($published) f JOIN core.kpi k ON k.code = f.kpi_code
    WHERE f.value IS NOT NULL AND ($kpi IS NULL OR k.code = $kpi) AND ($category IS NULL OR k.category = $category)
),
weighted AS (
    SELECT f.*, u.users
    FROM f ASOF LEFT JOIN core.partner_users u
        ON u.partner_code = f.partner_code AND u.on_date <= core.period_end(f.period_index, f.is_annual)
),
members AS (
    SELECT k.code AS kpi_code, q.period_index, q.is_annual, count(*) AS expected
    FROM core.kpi k
    JOIN (SELECT DISTINCT period_index, is_annual FROM f) q ON (k.frequency = 'annual') = q.is_annual
    JOIN core.partner p ON p.joined_on <= core.period_end(q.period_index, q.is_annual)
        AND coalesce(p.left_on, DATE '9999-12-31') >= core.period_start(q.period_index, q.is_annual)
    GROUP BY ALL
)
SELECT w.kpi_code, any_value(w.period) AS period, w.period_index, w.is_annual,
       CASE any_value(w.rollup)
           WHEN 'sum' THEN sum(w.value)
           WHEN 'mean' THEN avg(w.value)
           ELSE coalesce(sum(w.value * w.users) / nullif(sum(w.users), 0), avg(w.value)) END AS value,
       count(*) AS reporting, any_value(m.expected) AS expected, any_value(w.rollup) AS rollup
FROM weighted w
LEFT JOIN members m ON m.kpi_code = w.kpi_code AND m.period_index = w.period_index AND m.is_annual = w.is_annual
GROUP BY w.kpi_code, w.period_index, w.is_annual
ORDER BY w.kpi_code, w.period_index
