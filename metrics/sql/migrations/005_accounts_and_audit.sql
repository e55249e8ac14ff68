-- Schema version 5: people who may sign in, with a role and (for officers) their councils; the audit trail.
CREATE TABLE core.account (
    email VARCHAR PRIMARY KEY,              -- lower case
    name VARCHAR NOT NULL DEFAULT '',
    role VARCHAR NOT NULL CHECK (role IN ('viewer', 'officer', 'board', 'admin')),
    partners VARCHAR[] NOT NULL DEFAULT [],
    password_hash VARCHAR,                  -- argon2; NULL for people who sign in with Microsoft 365
    disabled BOOLEAN NOT NULL DEFAULT false,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    last_sign_in TIMESTAMP
);

-- Every write: who, what, when, and the record before and after (JSON text).
CREATE SEQUENCE core.audit_id;
CREATE TABLE core.audit (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.audit_id'),
    recorded_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_key VARCHAR NOT NULL,
    before VARCHAR,
    after VARCHAR
);
