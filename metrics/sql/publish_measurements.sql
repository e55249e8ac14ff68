-- Open data (metrics/publish.py): approved figures only, each with the submission that brought it, exactly as held.
SELECT m.partnership_code, m.partner_code, m.period, m.kpi_code, m.value, m.note, m.submission_id, s.illustrative
FROM measurement m
JOIN core.submission s ON s.id = m.submission_id
WHERE m.approved
ORDER BY m.partner_code, m.kpi_code, m.period
