-- The heat map: every likelihood x impact cell (likelihood 6 at the top), its score and rating, and the risks in
-- it now and after mitigation (their codes in the register's order).
WITH cells AS (
    SELECT l.level AS likelihood, l.word AS likelihood_word, i.level AS impact, i.word AS impact_word,
           l.level * i.level AS score, core.risk_rating(l.level * i.level) AS rating
    FROM core.risk_scale l, core.risk_scale i
    WHERE l.axis = 'likelihood' AND i.axis = 'impact'
)
SELECT c.*,
       coalesce((SELECT list(r.code ORDER BY r.sort_order, r.code) FROM risk r
                 WHERE r.likelihood = c.likelihood AND r.impact = c.impact), []) AS current_codes,
       coalesce((SELECT list(r.code ORDER BY r.sort_order, r.code) FROM risk r
                 WHERE r.target_likelihood = c.likelihood AND r.target_impact = c.impact), []) AS target_codes
FROM cells c
ORDER BY c.likelihood DESC, c.impact
