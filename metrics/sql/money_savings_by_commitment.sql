-- Savings and benefits planned and realised, by the charter's commitment they serve (metrics/money.py).
SELECT coalesce(s.commitment_code, '–') AS commitment_code, coalesce(c.title, 'No commitment named') AS title,
       sum(s.planned) AS planned, sum(s.realised) AS realised,
       count(*) FILTER (WHERE s.realised IS NULL) AS not_yet_known, bool_or(s.illustrative) AS illustrative
FROM saving s
LEFT JOIN commitment c ON c.code = s.commitment_code
GROUP BY ALL
ORDER BY 1
