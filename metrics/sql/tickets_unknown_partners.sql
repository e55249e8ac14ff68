-- What a staged export calls partners that no partner code, name or saved mapping matches, most rows first.
SELECT partner_text AS value, count(*) AS rows
FROM ticket_stage
WHERE problem = 'unknown partner' AND partner_text IS NOT NULL
GROUP BY ALL
ORDER BY rows DESC, value
