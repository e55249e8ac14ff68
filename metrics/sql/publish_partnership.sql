-- Open data (metrics/publish.py): the partnership named by its code, and whether its figures are illustrative.
SELECT name, short_name,
       illustrative OR EXISTS (SELECT 1 FROM core.submission WHERE illustrative) AS illustrative
FROM core.partnership
WHERE short_name = $code
