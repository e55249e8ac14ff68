-- Schema version 1: the framework (charter, partners, KPIs, objectives, targets) and the figures.
-- Tables live in schema `core`; the public views (docs/views.md) live in `main` (see views.sql).
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE core.partnership (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL,
    lead_authority VARCHAR NOT NULL,
    data_due_days INTEGER NOT NULL DEFAULT 30,
    illustrative BOOLEAN NOT NULL DEFAULT false,
    description VARCHAR NOT NULL DEFAULT '',
    framework_sha256 VARCHAR,
    loaded_at TIMESTAMP
);

CREATE TABLE core.partner (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    joined_on DATE NOT NULL,
    left_on DATE,
    sort_order INTEGER NOT NULL
);

CREATE TABLE core.partner_users (
    partner_code VARCHAR NOT NULL,
    on_date DATE NOT NULL,
    users INTEGER NOT NULL,
    PRIMARY KEY (partner_code, on_date)
);

CREATE TABLE core.commitment (
    code VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    commitment VARCHAR NOT NULL,
    description VARCHAR NOT NULL DEFAULT '',
    cross_cutting BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE core.principle (
    code VARCHAR PRIMARY KEY,
    strapline VARCHAR NOT NULL,
    description VARCHAR NOT NULL DEFAULT '',
    illustrative BOOLEAN NOT NULL DEFAULT false,
    sort_order INTEGER NOT NULL
);

CREATE TABLE core.outcome (
    code VARCHAR PRIMARY KEY,
    parent_code VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE core.kpi (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    polarity VARCHAR NOT NULL CHECK (polarity IN ('higher', 'lower')),
    category VARCHAR NOT NULL CHECK (category IN ('digital', 'ict', 'finance')),
    frequency VARCHAR NOT NULL CHECK (frequency IN ('quarterly', 'annual')),
    rollup VARCHAR NOT NULL,
    min_value DOUBLE,
    max_value DOUBLE,
    source VARCHAR NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL
);

CREATE TABLE core.objective (
    code VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    description VARCHAR NOT NULL DEFAULT '',
    commitment_code VARCHAR NOT NULL,
    kpi_code VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    deadline_period VARCHAR NOT NULL,
    tolerance_kind VARCHAR NOT NULL CHECK (tolerance_kind IN ('percent', 'absolute')),
    tolerance_amount DOUBLE NOT NULL,
    tolerance_set_by VARCHAR NOT NULL,
    tolerance_set_on DATE,
    sort_order INTEGER NOT NULL
);

CREATE TABLE core.objective_outcome (
    objective_code VARCHAR NOT NULL,
    outcome_code VARCHAR NOT NULL,
    PRIMARY KEY (objective_code, outcome_code)
);

-- Baselines, interim and final targets, one row per partner. Rows are never updated in place:
-- a change marks the old row superseded and adds a new one, so the original is always kept.
CREATE SEQUENCE core.target_id;
CREATE TABLE core.target (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.target_id'),
    objective_code VARCHAR NOT NULL,
    partner_code VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('baseline', 'interim', 'final')),
    period VARCHAR NOT NULL,
    period_index INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    effective_from_index INTEGER,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR NOT NULL,
    reason VARCHAR NOT NULL DEFAULT '',
    superseded_at TIMESTAMP
);

-- Every change to an objective's own fields (title, owner, tolerance, status, ...): before and after.
CREATE SEQUENCE core.objective_change_id;
CREATE TABLE core.objective_change (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.objective_change_id'),
    objective_code VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    old_value VARCHAR,
    new_value VARCHAR,
    changed_at TIMESTAMP NOT NULL,
    changed_by VARCHAR NOT NULL,
    reason VARCHAR NOT NULL DEFAULT ''
);

CREATE SEQUENCE core.submission_id;
CREATE TABLE core.submission (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.submission_id'),
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    submitted_by VARCHAR NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL,
    row_count INTEGER NOT NULL,
    partners VARCHAR[] NOT NULL,
    periods VARCHAR[] NOT NULL,
    source VARCHAR NOT NULL,
    illustrative BOOLEAN NOT NULL DEFAULT false
);

-- Every figure ever accepted. Append-only: the current one is the newest by submission.
CREATE SEQUENCE core.measurement_id;
CREATE TABLE core.measurement (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.measurement_id'),
    submission_id BIGINT NOT NULL,
    row_number INTEGER NOT NULL,
    partner_code VARCHAR NOT NULL,
    kpi_code VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    period_index INTEGER NOT NULL,
    is_annual BOOLEAN NOT NULL,
    value DOUBLE,
    note VARCHAR
);
