-- The board's reviews, newest first, with the meeting that made each and the actions it agreed;
-- optionally of one objective, and only from meetings that reviewed `$upto` (a quarter index) or earlier.
SELECT r.id, r.objective_code, o.title AS objective_title, m.id AS meeting_id, m.held_on, m.period,
       r.assessment, r.decision, r.comment, r.recorded_by, r.recorded_at,
       (SELECT string_agg(a.description || ' (' || a.owner || ', due ' || strftime(a.due_on, '%-d %b %Y') || ')', '; '
                          ORDER BY a.id)
        FROM core.board_action a WHERE a.review_id = r.id) AS actions
FROM core.board_review r
JOIN core.board_meeting m ON m.id = r.meeting_id
JOIN core.objective o ON o.code = r.objective_code
WHERE ($objective IS NULL OR r.objective_code = $objective) AND ($upto IS NULL OR m.period_index <= $upto)
ORDER BY m.held_on DESC, r.id DESC
