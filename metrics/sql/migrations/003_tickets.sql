-- Schema version 3: service desk tickets imported from the desk's own exports (issue 7), the imports
-- themselves, the rows they left out, and the mappings that turn an export into figures.

-- Every import of a ticket export, whether or not it changed anything.
CREATE SEQUENCE core.ticket_import_id;
CREATE TABLE core.ticket_import (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.ticket_import_id'),
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    format VARCHAR NOT NULL,             -- canonical, ServiceNow, or the name of a saved column mapping
    partner_code VARCHAR,                -- the partner given for the whole file, if one was
    imported_by VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    rows_read BIGINT NOT NULL,
    tickets_new BIGINT NOT NULL,
    tickets_changed BIGINT NOT NULL,
    tickets_unchanged BIGINT NOT NULL,
    bad_rows BIGINT NOT NULL,            -- rows left out; non-zero only when the importer accepted that
    first_opened TIMESTAMP,
    last_opened TIMESTAMP,
    submission_id BIGINT,                -- the figures it brought, if any changed
    figures INTEGER NOT NULL DEFAULT 0
);

-- One row per ticket, keyed by partner and ticket number; the latest import of a ticket wins.
-- No primary key on purpose: an index over a million tickets slows every import, and the import
-- (metrics/sql/tickets_*.sql) keeps the key unique itself.
CREATE TABLE core.ticket (
    partner_code VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('incident', 'request')),
    priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    state VARCHAR,
    cancelled BOOLEAN NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    closed_at TIMESTAMP,
    made_sla BOOLEAN,
    reassignments INTEGER,
    category VARCHAR,
    import_id BIGINT NOT NULL,
    row_number BIGINT NOT NULL
);

-- The rows an import left out, and why (recorded only when the importer chose to leave them out).
CREATE TABLE core.ticket_bad_row (
    import_id BIGINT NOT NULL,
    row_number BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    number VARCHAR,
    message VARCHAR NOT NULL
);

-- Column mappings for other tools' exports, saved per source: which header holds each canonical field.
CREATE TABLE core.ticket_column_map (
    source VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    header VARCHAR NOT NULL,
    saved_by VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source, field)
);

-- What an export calls a partner (a company or location), matched case-insensitively, and its code.
CREATE TABLE core.ticket_partner_map (
    value_key VARCHAR PRIMARY KEY,       -- lower(trim(value))
    value VARCHAR NOT NULL,
    partner_code VARCHAR NOT NULL,
    saved_by VARCHAR NOT NULL,
    saved_at TIMESTAMP NOT NULL
);

-- Which computed measure becomes a figure of which KPI. A measure feeds a KPI only when the KPI exists
-- and has the measure's unit; measures with no KPI are still computed and shown on the ICT page.
CREATE TABLE core.ticket_kpi_map (
    kpi_code VARCHAR PRIMARY KEY,
    measure VARCHAR NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0 -- 0: every priority
);
INSERT INTO core.ticket_kpi_map VALUES
    ('ICT01', 'tickets_logged', 0),
    ('ICT02', 'sla_pct', 0),
    ('ICT03', 'first_time_fix_pct', 0),
    ('ICT04', 'resolve_hours_mean', 1),
    ('ICT06', 'p1_incidents', 0);
