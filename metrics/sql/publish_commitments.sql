-- Open data (metrics/publish.py): the charter's commitments and principles.
SELECT partnership_code, code, title, cross_cutting, false AS principle FROM commitment
UNION ALL
SELECT partnership_code, code, strapline, false, true FROM principle
