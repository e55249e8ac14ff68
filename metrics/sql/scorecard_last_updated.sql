-- One council's newest approved figures: the latest period it has an approved figure for, and when its newest
-- approved submission was approved (the day it reached members' pages).
SELECT arg_max(f.period, f.period_index) AS latest_period,
       max(coalesce(s.reviewed_at, s.submitted_at)) AS approved_at
FROM core.current_figures(true) f
JOIN core.submission s ON s.id = f.submission_id
WHERE f.partner_code = $partner AND f.value IS NOT NULL
