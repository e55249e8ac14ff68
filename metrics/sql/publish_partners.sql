-- Open data (metrics/publish.py): the partner councils.
SELECT (SELECT short_name FROM core.partnership) AS partnership_code, code, name, joined_on, left_on FROM partner
