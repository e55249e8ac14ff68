-- Objectives and partners whose status moved between the previous quarter and this one.
-- Better or worse by the statuses' grades (metrics/status.py); to or from a missing figure is only "changed";
-- from a running status to the objective's result (its deadline has passed) is "ended".
WITH prog AS (SELECT * FROM charter_progress(core.as_of(), $published)),
rank AS (SELECT status, grade AS r FROM core.status_style)
SELECT now.objective_code, o.title AS objective_title, now.partner_code, pa.name AS partner_name,
       before.status AS was, now.status AS now,
       CASE WHEN now.ended AND NOT before.ended THEN 'ended'
            WHEN rn.r < rb.r THEN 'better' WHEN rn.r > rb.r THEN 'worse' ELSE 'changed' END AS movement
FROM prog now
JOIN prog before ON before.objective_code = now.objective_code AND before.partner_code = now.partner_code
    AND before.period = $previous
JOIN core.objective o ON o.code = now.objective_code
JOIN core.partner pa ON pa.code = now.partner_code
LEFT JOIN rank rn ON rn.status = now.status
LEFT JOIN rank rb ON rb.status = before.status
WHERE now.period = $period AND now.status <> before.status
ORDER BY CASE WHEN rn.r > rb.r AND NOT now.ended THEN 0 ELSE 1 END, o.sort_order, pa.sort_order
