-- Target revisions (final targets that apply from a given quarter), newest first, each with the target it
-- replaced from that quarter on; optionally of one objective. The original targets are never removed.
SELECT t.id, t.objective_code, o.title AS objective_title, t.partner_code, t.value,
       (SELECT p.value FROM core.target p
        WHERE p.objective_code = t.objective_code AND p.partner_code = t.partner_code AND p.kind = 'final'
          AND p.id < t.id AND coalesce(p.effective_from_index, -1) <= t.effective_from_index
          AND (p.superseded_at IS NULL OR p.superseded_at >= t.recorded_at)
        ORDER BY coalesce(p.effective_from_index, -1) DESC, p.id DESC LIMIT 1) AS was,
       t.period AS deadline, core.period_label(t.effective_from_index, false) AS applies_from,
       t.effective_from_index, t.reason, t.recorded_by, t.recorded_at, t.superseded_at,
       t.superseded_at IS NULL AS in_force
FROM core.target t
JOIN core.objective o ON o.code = t.objective_code
JOIN core.partner pa ON pa.code = t.partner_code
WHERE t.kind = 'final' AND t.effective_from_index IS NOT NULL AND ($objective IS NULL OR t.objective_code = $objective)
ORDER BY t.recorded_at DESC, pa.sort_order, t.id DESC
