-- Open board actions due by $until, overdue ones included (due before $today), for reminding their owners
-- (metrics/notice_sources.py). Soonest due first.
SELECT a.id, a.objective_code, o.title AS objective_title, a.description, a.owner, a.due_on,
       a.due_on < $today AS overdue
FROM core.board_action a
JOIN core.objective o ON o.code = a.objective_code
WHERE a.state = 'open' AND a.due_on <= $until
ORDER BY a.due_on, a.id
