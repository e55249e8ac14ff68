-- Every note ever sent with a KPI's figures (including superseded ones), newest period first.
SELECT m.partner_code, m.period, m.period_index, m.value, m.note, s.submitted_by, s.submitted_at, s.status,
       m.submission_id
FROM core.measurement m
JOIN core.submission s ON s.id = m.submission_id
WHERE m.kpi_code = $kpi AND m.note IS NOT NULL AND trim(m.note) <> ''
  AND s.status IN ('submitted', 'approved') AND ($published = false OR s.status = 'approved')
ORDER BY m.period_index DESC, m.partner_code, m.id DESC
