-- Open data (metrics/publish.py): the SMART objectives.
SELECT partnership_code, code, title, commitment_code, kpi_code, deadline_period, status FROM objective
