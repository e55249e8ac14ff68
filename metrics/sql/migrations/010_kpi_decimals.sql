-- Schema version 10: each KPI says how many decimals its figures are written with (the framework's
-- `decimals`, else its unit's default in metrics/formatting.py: % 1, count 0, GBP 0, others 1), so every
-- page, chart, export and the board pack writes a figure the same way (docs/file-contract.md).
ALTER TABLE core.kpi ADD COLUMN decimals INTEGER;
UPDATE core.kpi SET decimals = CASE unit WHEN 'count' THEN 0 WHEN 'GBP' THEN 0 ELSE 1 END;
