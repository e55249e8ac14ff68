-- The risks that threaten objective `$objective`, highest score first.
SELECT r.code, r.title, r.owner, r.likelihood, r.impact, r.score, r.rating, r.target_score, r.target_rating,
       r.reviewed_on, r.review_due_on, r.review_past_due, r.illustrative
FROM risk r
JOIN core.risk_objective o ON o.partnership_code = r.partnership_code AND o.risk_code = r.code
WHERE o.objective_code = $objective
ORDER BY r.score DESC, r.sort_order
