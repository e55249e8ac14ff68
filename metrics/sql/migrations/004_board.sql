-- Schema version 4: the strategy board's meetings, its review of each objective, and the actions it agrees.
-- A target revision needs no table of its own: it is a new 'final' row in core.target whose
-- effective_from_index says from which quarter it applies (see metrics/board.py). The original row is
-- left in force, so the quarters before the revision keep the target they were judged against.

CREATE SEQUENCE core.board_meeting_id;
CREATE TABLE core.board_meeting (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.board_meeting_id'),
    held_on DATE NOT NULL,
    period VARCHAR NOT NULL,              -- the quarter reviewed, e.g. 2025/26 Q2
    period_index INTEGER NOT NULL,
    attendees VARCHAR[] NOT NULL,
    notes VARCHAR NOT NULL DEFAULT '',
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- The board's record for one objective at one meeting.
CREATE SEQUENCE core.board_review_id;
CREATE TABLE core.board_review (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.board_review_id'),
    meeting_id BIGINT NOT NULL,
    objective_code VARCHAR NOT NULL,
    assessment VARCHAR NOT NULL,
    decision VARCHAR NOT NULL CHECK (decision IN ('noted', 'action agreed', 'target revised', 'closed')),
    comment VARCHAR NOT NULL DEFAULT '',
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- Actions the board agrees: open until someone marks them done; overdue is worked out from due_on.
CREATE SEQUENCE core.board_action_id;
CREATE TABLE core.board_action (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.board_action_id'),
    objective_code VARCHAR NOT NULL,
    review_id BIGINT,                     -- the review that agreed it, if any
    description VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    due_on DATE NOT NULL,
    state VARCHAR NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    done_by VARCHAR,
    done_at TIMESTAMP,
    done_note VARCHAR
);
