-- Planned board meetings from $today to $until (a digest goes to the board before each), soonest first.
SELECT held_on, period FROM core.board_meeting_plan
WHERE held_on BETWEEN $today AND $until
ORDER BY held_on
