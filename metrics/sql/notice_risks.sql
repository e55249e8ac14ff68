-- Risks whose review date has passed (metrics/notice_sources.py).
SELECT code, title, owner, score, rating, review_due_on
FROM risk
WHERE review_due_on < CAST($today AS DATE)
ORDER BY review_due_on, sort_order;
