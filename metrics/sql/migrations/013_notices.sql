-- Schema version 13: notices by e-mail (metrics/remind.py, docs/reminders.md): what was sent to whom, what each
-- person chose to get, and the board's planned meetings (a digest goes out before each).

-- One row per notice and person once the e-mail holding it was accepted by the mail server: a second run sends
-- nothing new. A failed send writes no row, so the next run sends the notice again.
CREATE TABLE core.notice_sent (
    notice_key VARCHAR NOT NULL,          -- e.g. figures-overdue:MBC:2025/26 Q2 (metrics/notice_sources.py)
    email VARCHAR NOT NULL,               -- lower case, as core.account
    kind VARCHAR NOT NULL,                -- the source's kind, as people choose them on "My notices"
    title VARCHAR NOT NULL,
    as_of DATE NOT NULL,                  -- the day the run took as today
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (notice_key, email)
);

-- A person's choice for one kind of notice; no row means they get it.
CREATE TABLE core.notice_preference (
    email VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    wanted BOOLEAN NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (email, kind)
);

-- Board meetings to come (core.board_meeting records those held): the digest is sent some days before each.
CREATE TABLE core.board_meeting_plan (
    held_on DATE PRIMARY KEY,
    period VARCHAR,                       -- the quarter it will review; NULL: the latest whose figures are due by then
    planned_by VARCHAR NOT NULL,
    planned_at TIMESTAMP NOT NULL
);
