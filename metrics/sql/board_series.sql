-- Some objectives' progress per partner over a span of quarters (the board pack's charts), oldest first.
SELECT p.objective_code, p.partner_code, pa.name AS partner_name, pa.sort_order AS partner_order,
       p.period, p.period_index, p.actual, p.target, p.status
FROM charter_progress(core.as_of(), $published) p
JOIN core.partner pa ON pa.code = p.partner_code
WHERE list_contains($objectives, p.objective_code) AND p.period_index BETWEEN $first AND $last
ORDER BY p.objective_code, pa.sort_order, p.period_index
