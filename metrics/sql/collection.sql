-- For one quarter, each partner x KPI due: its state (approved, submitted, missing, overdue).
-- Annual KPIs are due with Q4. Only partners who were members during the quarter are listed.
WITH expected AS (
    SELECT p.code AS partner_code, p.name AS partner_name, p.sort_order AS partner_order,
           k.code AS kpi_code, k.name AS kpi_name, k.sort_order AS kpi_order, k.unit, k.decimals,
           CASE WHEN k.frequency = 'annual' THEN $year ELSE $period END AS period
    FROM core.partner p
    CROSS JOIN core.kpi k
    WHERE p.joined_on <= $end AND coalesce(p.left_on, DATE '9999-12-31') >= $start
      AND (k.frequency = 'quarterly' OR $quarter = 4)
),
live AS (SELECT partner_code, kpi_code, period, submission_status, submission_id, value, note
         FROM core.current_figures(false)),
published AS (SELECT partner_code, kpi_code, period FROM core.current_figures(true))
SELECT e.*, l.value, l.note, l.submission_id,
       CASE WHEN l.submission_status = 'approved' THEN 'approved'
            WHEN l.submission_status = 'submitted' AND p.kpi_code IS NOT NULL THEN 'correction awaiting approval'
            WHEN l.submission_status = 'submitted' THEN 'submitted'
            WHEN $overdue THEN 'overdue'
            ELSE 'missing' END AS state
FROM expected e
LEFT JOIN live l ON l.partner_code = e.partner_code AND l.kpi_code = e.kpi_code AND l.period = e.period
LEFT JOIN published p ON p.partner_code = e.partner_code AND p.kpi_code = e.kpi_code AND p.period = e.period
ORDER BY e.partner_order, e.kpi_order
