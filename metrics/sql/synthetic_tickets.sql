-- A made-up ServiceNow-style incident list export (metrics.synthetic.write_ticket_export), generated from
-- hashes of the row number, so the same parameters give the same rows. Priorities 1-4 about 1% / 9% / 50% /
-- 40%; one ticket in $request_every a request (RITM); times to resolve up to $stretch tenths of each
-- priority's target (4, 8, 24, 72 hours); 1.5% still open, and so is any ticket not resolved by $now.
-- $rows tickets opened over the $seconds from $start; $salt picks another set of rows; each company takes
-- the rows whose bucket ((hash // $divisor) % $modulus) lies below its `$bounds` and at or above the one before;
-- numbers run from $first_number + 1, $digits digits; $bad_rows: an unreadable date every 100,000 rows and
-- a repeated number every 250,000, as in a real export.
WITH
c AS (SELECT unnest($companies) AS company, unnest($bounds) AS upper, unnest($stretch) AS stretch),
companies AS (SELECT *, coalesce(lag(upper) OVER (ORDER BY upper), 0) AS lower FROM c),
r AS (
    SELECT i, CAST(hash(i + $salt) >> 2 AS BIGINT) AS h1, CAST(hash(i + $salt + 1000003) >> 2 AS BIGINT) AS h2,
           CAST(hash((i + $salt) * 7 + 13) >> 2 AS BIGINT) AS h3
    FROM range($rows) t(i)
),
t AS (
    SELECT i, h1, h2, h3,
           CASE WHEN $bad_rows AND i % 250000 = 5 THEN i - 1 ELSE i END AS n,
           CASE WHEN h1 % 100 < 1 THEN 1 WHEN h1 % 100 < 10 THEN 2 WHEN h1 % 100 < 60 THEN 3 ELSE 4 END AS p,
           CAST($start AS TIMESTAMP) + to_seconds(CAST(h2 % $seconds AS BIGINT)) AS opened,
           (h1 // 1000) % 1000 < 15 AS never_resolved,
           (h1 // $divisor) % $modulus AS bucket
    FROM r
),
d AS (
    SELECT t.*, c.company, [4, 8, 24, 72][p] AS target_hours,
           to_seconds(CAST(h3 % ([4, 8, 24, 72][p] * c.stretch * 360) AS BIGINT)) AS took
    FROM t JOIN companies c ON t.bucket >= c.lower AND t.bucket < c.upper
),
e AS (
    SELECT *, never_resolved OR opened + took > $now AS still_open,
           NOT never_resolved AND (h3 // 11) % 3 <> 0 AND opened + took + INTERVAL 3 DAY <= $now AS closes
    FROM d
)
SELECT CASE WHEN n % $request_every = 7 % $request_every THEN 'RITM' ELSE 'INC' END
           || lpad(CAST(n + 1 + $first_number AS VARCHAR), $digits, '0') AS number,
       'Ticket ' || i AS short_description,
       ['1 - Critical', '2 - High', '3 - Moderate', '4 - Low'][p] AS priority,
       CASE WHEN still_open THEN 'In Progress' WHEN closes THEN 'Closed' ELSE 'Resolved' END AS state,
       CASE WHEN $bad_rows AND i % 100000 = 99 THEN 'not recorded' ELSE strftime(opened, '%Y-%m-%d %H:%M:%S') END
           AS opened_at,
       CASE WHEN NOT still_open THEN strftime(opened + took, '%Y-%m-%d %H:%M:%S') END AS resolved_at,
       CASE WHEN closes THEN strftime(opened + took + INTERVAL 3 DAY, '%Y-%m-%d %H:%M:%S') END AS closed_at,
       CASE WHEN still_open THEN '' WHEN took <= to_seconds(target_hours * 3600) THEN 'true' ELSE 'false' END
           AS made_sla,
       CASE WHEN (h3 // 7) % 10 < 7 THEN 0 ELSE (h3 // 70) % 4 + 1 END AS reassignment_count,
       company,
       ['software', 'hardware', 'network', 'inquiry', 'database'][(h2 // 7) % 5 + 1] AS category,
       ['Service Desk', 'Infrastructure', 'Applications'][(h3 // 13) % 3 + 1] AS assignment_group
FROM e
ORDER BY i
