-- Every scoring of every risk (or of `$code`), oldest first: the trend of its score.
SELECT h.*, r.title
FROM risk_history h
JOIN core.risk r ON r.partnership_code = h.partnership_code AND r.code = h.code
WHERE $code IS NULL OR h.code = $code
ORDER BY r.sort_order, h.reviewed_on, h.scoring_id
