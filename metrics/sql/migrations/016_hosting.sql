-- Schema version 16: several partnerships in one install (docs/hosting.md). The install's own database keeps its
-- partnership as before and lists the further ones it hosts, each a Charter database file of its own; settings
-- that were install-wide become each partnership's own (NULL: the install's setting, CHARTER_PUBLIC and
-- CHARTER_MAX_UPLOAD_MB).
ALTER TABLE core.partnership ADD COLUMN public BOOLEAN;
ALTER TABLE core.partnership ADD COLUMN max_upload_mb INTEGER;

CREATE TABLE core.hosted_partnership (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    lead_partner_code VARCHAR NOT NULL,
    file VARCHAR NOT NULL UNIQUE,  -- relative to the install's database folder
    added_at TIMESTAMP NOT NULL,
    added_by VARCHAR NOT NULL
);
