-- The partnership, whether it is illustrative demo data, and its data due days.
SELECT name, short_name, lead_authority, data_due_days, description,
       illustrative OR EXISTS (SELECT 1 FROM core.submission WHERE illustrative) AS illustrative
FROM core.partnership
