-- Every action the board agreed, with its state on `$today`: open, overdue (open and past its due date) or
-- done; optionally only some states, one owner or one objective. Overdue first, then by due date.
WITH a AS (
    SELECT a.id, a.objective_code, o.title AS objective_title, a.description, a.owner, a.due_on,
           CASE WHEN a.state = 'done' THEN 'done' WHEN a.due_on < $today THEN 'overdue' ELSE 'open' END AS state,
           a.review_id, m.held_on AS agreed_on, m.period AS agreed_quarter, a.recorded_by, a.recorded_at,
           a.done_by, a.done_at, a.done_note
    FROM core.board_action a
    JOIN core.objective o ON o.code = a.objective_code
    LEFT JOIN core.board_review r ON r.id = a.review_id
    LEFT JOIN core.board_meeting m ON m.id = r.meeting_id
)
SELECT * FROM a
WHERE ($states IS NULL OR list_contains($states, state))
  AND ($owner IS NULL OR owner = $owner)
  AND ($objective IS NULL OR objective_code = $objective)
ORDER BY CASE state WHEN 'overdue' THEN 0 WHEN 'open' THEN 1 ELSE 2 END, due_on, id
