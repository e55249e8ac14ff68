-- Every baseline, interim and final target an objective has had, the superseded ones too.
SELECT t.partner_code, t.kind, t.period, t.period_index, t.value, t.recorded_at, t.recorded_by, t.reason,
       t.superseded_at, t.superseded_at IS NULL AS in_force,
       CASE WHEN t.effective_from_index IS NULL THEN NULL ELSE core.period_label(t.effective_from_index, false) END
           AS applies_from
FROM core.target t
JOIN core.partner pa ON pa.code = t.partner_code
WHERE t.objective_code = $objective
ORDER BY pa.sort_order, CASE t.kind WHEN 'baseline' THEN 0 WHEN 'interim' THEN 1 ELSE 2 END, t.period_index, t.id
