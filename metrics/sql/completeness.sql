-- For one quarter, each partner's figures: expected, received (any status), approved (the figure in force
-- is approved), awaiting approval (new figures or corrections), still owed. approved + awaiting + missing = expected.
-- Annual KPIs are expected with Q4. Only partners who were members during the quarter are listed.
WITH expected AS (
    SELECT p.code AS partner_code, p.name AS partner_name, p.sort_order, k.code AS kpi_code,
           CASE WHEN k.frequency = 'annual' THEN $year ELSE $period END AS period
    FROM core.partner p
    CROSS JOIN core.kpi k
    WHERE p.joined_on <= $end AND coalesce(p.left_on, DATE '9999-12-31') >= $start
      AND (k.frequency = 'quarterly' OR $quarter = 4)
),
received AS (SELECT partner_code, kpi_code, period, submission_status FROM core.current_figures(false)),
SELECT e.partner_code, e.partner_name,
       count(*) AS expected,
       count(r.kpi_code) AS received,
       count(*) FILTER (WHERE r.submission_status = 'approved') AS approved,
       count(*) FILTER (WHERE r.submission_status = 'submitted') AS awaiting_approval,
       count(*) - count(r.kpi_code) AS missing
FROM expected e
LEFT JOIN received r ON r.partner_code = e.partner_code AND r.kpi_code = e.kpi_code AND r.period = e.period
GROUP BY e.partner_code, e.partner_name, e.sort_order
ORDER BY e.sort_order
