-- Schema version 12: the partnership's risk register (every scoring kept) and its systems and contracts roadmap
-- (docs/views.md: `risk`, `risk_history`, `contract`; docs/file-contract.md: the risk and contract files).

-- The rating bands a risk's score (likelihood x impact, 1 to 24) falls in: the band with the greatest
-- `min_score` not above the score. The defaults are set so that the LICTP register's scores 6 to 12 are all
-- "Medium Risk", as its report rates them; a framework file's `risk_bands` replaces them (docs/file-contract.md).
CREATE TABLE core.risk_band (
    rating VARCHAR PRIMARY KEY,
    min_score INTEGER NOT NULL UNIQUE CHECK (min_score BETWEEN 1 AND 24),
    sort_order INTEGER NOT NULL
);
INSERT INTO core.risk_band VALUES ('Low Risk', 1, 0), ('Medium Risk', 6, 1), ('High Risk', 13, 2);

-- One row per risk; its scores are in core.risk_score, one row per scoring.
CREATE TABLE core.risk (
    partnership_code VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    mitigation VARCHAR NOT NULL DEFAULT '',
    review_months INTEGER NOT NULL DEFAULT 3 CHECK (review_months BETWEEN 1 AND 24),
    illustrative VARCHAR NOT NULL DEFAULT '',   -- what in this risk is made up for a demonstration; '' for none
    sort_order INTEGER NOT NULL,
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (partnership_code, code)
);

-- Every scoring of a risk, current and target (after mitigation): never updated, so the trend is kept.
CREATE SEQUENCE core.risk_score_id;
CREATE TABLE core.risk_score (
    id BIGINT PRIMARY KEY DEFAULT nextval('core.risk_score_id'),
    partnership_code VARCHAR NOT NULL,
    risk_code VARCHAR NOT NULL,
    likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 6),
    impact INTEGER NOT NULL CHECK (impact BETWEEN 1 AND 4),
    target_likelihood INTEGER CHECK (target_likelihood BETWEEN 1 AND 6),
    target_impact INTEGER CHECK (target_impact BETWEEN 1 AND 4),
    reviewed_on DATE NOT NULL,
    review_due_on DATE NOT NULL,
    note VARCHAR NOT NULL DEFAULT '',
    source VARCHAR NOT NULL,                    -- a file's name, 'form' or 'demo'
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- The objectives a risk threatens.
CREATE TABLE core.risk_objective (
    partnership_code VARCHAR NOT NULL,
    risk_code VARCHAR NOT NULL,
    objective_code VARCHAR NOT NULL,
    PRIMARY KEY (partnership_code, risk_code, objective_code)
);

-- The systems and contracts each council runs, and when they end.
CREATE TABLE core.contract (
    partnership_code VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    system VARCHAR NOT NULL,
    supplier VARCHAR NOT NULL,
    partner_code VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    starts_on DATE,
    ends_on DATE NOT NULL,
    notice_months INTEGER NOT NULL DEFAULT 0 CHECK (notice_months BETWEEN 0 AND 60),
    annual_cost DECIMAL(14, 2),
    note VARCHAR NOT NULL DEFAULT '',
    illustrative VARCHAR NOT NULL DEFAULT '',   -- what in this contract is made up for a demonstration
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (partnership_code, code),
    CHECK (starts_on IS NULL OR starts_on <= ends_on)
);
