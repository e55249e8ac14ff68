-- Open data (metrics/publish.py): the partner councils.
SELECT partnership_code, code, name, joined_on, left_on FROM partner
