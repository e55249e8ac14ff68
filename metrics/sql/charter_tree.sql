-- The charter as a tree: each commitment and principle, its outcomes, and the objectives serving each.
WITH parents AS (
    SELECT code, title, commitment AS statement, description, cross_cutting, 'commitment' AS kind, sort_order
    FROM core.commitment
    UNION ALL
    SELECT code, strapline, strapline, description, false, 'principle', 100 + sort_order FROM core.principle
)
SELECT p.kind, p.code AS parent_code, p.title AS parent_title, p.statement, p.description, p.cross_cutting,
       p.sort_order AS parent_order, oc.code AS outcome_code, oc.text AS outcome_text, oc.sort_order AS outcome_order,
       o.code AS objective_code, o.title AS objective_title, o.status AS objective_status, o.owner,
       o.deadline_period, o.sort_order AS objective_order
FROM parents p
LEFT JOIN core.outcome oc ON oc.parent_code = p.code
LEFT JOIN core.objective_outcome oo ON oo.outcome_code = oc.code
LEFT JOIN core.objective o ON o.code = oo.objective_code
ORDER BY p.sort_order, oc.sort_order, o.sort_order
