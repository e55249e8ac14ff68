-- Which principles each objective serves (through its outcomes).
SELECT DISTINCT oo.objective_code, pr.code AS principle_code, pr.strapline, pr.sort_order AS principle_order
FROM core.objective_outcome oo
JOIN core.outcome oc ON oc.code = oo.outcome_code
JOIN core.principle pr ON pr.code = oc.parent_code
ORDER BY pr.sort_order, oo.objective_code
