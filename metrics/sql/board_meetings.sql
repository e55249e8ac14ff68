-- The board's meetings, newest first, with how many objectives each reviewed; optionally one quarter's.
SELECT m.id, m.held_on, m.period, m.period_index, array_to_string(m.attendees, ', ') AS attendees, m.notes,
       m.recorded_by, m.recorded_at,
       (SELECT count(*) FROM core.board_review r WHERE r.meeting_id = m.id) AS reviews
FROM core.board_meeting m
WHERE $period IS NULL OR m.period = $period
ORDER BY m.held_on DESC, m.id DESC
