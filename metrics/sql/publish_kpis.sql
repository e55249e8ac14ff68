-- Open data (metrics/publish.py): the indicators.
SELECT partnership_code, code, name, unit, polarity, category FROM kpi
