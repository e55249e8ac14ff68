-- Open data (metrics/publish.py): the indicators.
SELECT code, name, unit, polarity, category FROM kpi
