-- Changes to an objective's own fields (owner, tolerance, status, ...), newest first.
SELECT field, old_value, new_value, changed_at, changed_by, reason
FROM core.objective_change WHERE objective_code = $objective ORDER BY changed_at DESC, id DESC
