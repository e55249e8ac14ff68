-- Texts in a staged export's bad rows that look like a marker for a blank cell (ServiceNow's event log writes
-- ?): no letter or digit, or a word such as NULL or N/A; with the rows each makes bad, most first.
SELECT bad_text, count(*) AS rows
FROM ticket_stage
WHERE problem IS NOT NULL AND bad_text <> ''
  AND (NOT regexp_matches(bad_text, '[[:alnum:]]') OR lower(bad_text) IN ('null', 'n/a', 'na', 'none', 'nil'))
GROUP BY ALL
ORDER BY rows DESC, bad_text
