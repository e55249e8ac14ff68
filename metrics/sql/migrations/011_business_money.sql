-- Schema version 11: the partnership's money, options appraisal and agreement (docs/views.md, "The
-- partnership's business"). Every row names its partnership (core.partnership.short_name) and says whether
-- it is illustrative, so pages flag invented figures.
CREATE SCHEMA IF NOT EXISTS core;

-- Active users (or an agreed share) from a date: a new date starts a new apportionment; older ones stay.
CREATE TABLE core.cost_share (
    partnership_code VARCHAR NOT NULL,
    partner_code VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    basis VARCHAR NOT NULL CHECK (basis IN ('active users', 'agreed')),
    active_users INTEGER CHECK (active_users >= 0),
    agreed_share DOUBLE CHECK (agreed_share BETWEEN 0 AND 1),
    source VARCHAR NOT NULL DEFAULT '',
    illustrative BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (partnership_code, partner_code, as_of)
);

-- Each year's cost pool and each council's budget for the service (one row per council and year).
CREATE TABLE core.charge_budget (
    partnership_code VARCHAR NOT NULL,
    partner_code VARCHAR NOT NULL,
    financial_year VARCHAR NOT NULL,
    pool DOUBLE NOT NULL CHECK (pool >= 0),
    budget DOUBLE CHECK (budget >= 0),
    budget_note VARCHAR NOT NULL DEFAULT '',
    estimated_charge DOUBLE CHECK (estimated_charge >= 0),
    source VARCHAR NOT NULL DEFAULT '',
    illustrative BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (partnership_code, partner_code, financial_year)
);

CREATE TABLE core.one_off_cost (
    partnership_code VARCHAR NOT NULL,
    partner_code VARCHAR NOT NULL,
    item VARCHAR NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('revenue', 'capital')),
    financial_year VARCHAR NOT NULL,
    amount DOUBLE NOT NULL CHECK (amount >= 0),
    description VARCHAR NOT NULL DEFAULT '',
    source VARCHAR NOT NULL DEFAULT '',
    illustrative BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (partnership_code, partner_code, item, kind, financial_year)
);

CREATE TABLE core.saving (
    partnership_code VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    commitment_code VARCHAR,
    partner_code VARCHAR,
    financial_year VARCHAR NOT NULL,
    planned DOUBLE NOT NULL CHECK (planned >= 0),
    realised DOUBLE CHECK (realised >= 0),
    cashable BOOLEAN NOT NULL DEFAULT true,
    source VARCHAR NOT NULL DEFAULT '',
    illustrative BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (partnership_code, code, financial_year)
);

CREATE TABLE core.option_score (
    partnership_code VARCHAR NOT NULL,
    appraisal VARCHAR NOT NULL,
    option VARCHAR NOT NULL,
    factor VARCHAR NOT NULL,
    weight DOUBLE NOT NULL CHECK (weight >= 0),
    score DOUBLE NOT NULL CHECK (score >= 0),
    chosen BOOLEAN NOT NULL DEFAULT false,
    source VARCHAR NOT NULL DEFAULT '',
    illustrative BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (partnership_code, appraisal, option, factor)
);

CREATE TABLE core.agreement (
    partnership_code VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    review_on DATE,
    source VARCHAR NOT NULL DEFAULT '',
    illustrative BOOLEAN NOT NULL DEFAULT false
);  -- one row per review (review_on blank for a term with none): no key, as review_on may be blank
