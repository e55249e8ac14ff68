-- Open data (metrics/publish.py): progress against targets from approved figures (the public view).
SELECT partnership_code, objective_code, partner_code, period, actual, target, status, direction, result_source
FROM objective_progress
