-- The first date of a staged export that could not be read and is written month first (US style: 2/29/2016,
-- the second number past 12), if there is one: row, field and text.
SELECT row_no, field, bad_text
FROM ticket_stage
WHERE problem = 'unreadable date' AND regexp_matches(bad_text, '^\d{1,2}/(1[3-9]|2\d|3[01])/\d{4}\b')
ORDER BY row_no
LIMIT 1
