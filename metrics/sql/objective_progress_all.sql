-- One objective's progress for every partner and period, oldest first.
SELECT p.partner_code, pa.name AS partner_name, pa.sort_order AS partner_order, p.period, p.period_index,
       p.actual, p.target, p.status, p.direction, p.direction_year, p.forecast, p.forecast_value,
       p.final_target, p.deadline_period, p.tolerance, p.due_on, p.note, p.submission_id,
       p.ended, p.deadline_actual, p.result_source, p.decided_by, p.decided_on
FROM charter_progress(core.as_of(), $published) p
JOIN core.partner pa ON pa.code = p.partner_code
WHERE p.objective_code = $objective
ORDER BY pa.sort_order, p.period_index
