-- Open data (metrics/publish.py): the charter's commitments and principles.
SELECT code, title, cross_cutting, false AS principle FROM commitment
UNION ALL
SELECT code, strapline, false, true FROM principle
