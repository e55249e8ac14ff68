-- Schema version 15: benchmarks (docs/views.md, "benchmark"): quartiles per KPI and period from a published
-- comparison (Socitm, LG Inform), or for the partnership as a whole where a source gives only that.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE core.benchmark (
    partnership_code VARCHAR NOT NULL,
    kpi_code VARCHAR,              -- NULL for a partnership-level measure that is no KPI (then `measure` says it)
    measure VARCHAR NOT NULL DEFAULT '',
    period VARCHAR NOT NULL,       -- a quarter (2025/26 Q2) or a financial year (2025/26), as written
    period_index INTEGER NOT NULL, -- as core.measurement's: a year takes its last quarter's
    is_annual BOOLEAN NOT NULL,
    source VARCHAR NOT NULL,
    group_name VARCHAR NOT NULL,
    scope VARCHAR NOT NULL DEFAULT 'council' CHECK (scope IN ('council', 'partnership')),
    lower_quartile DOUBLE,
    median DOUBLE,
    upper_quartile DOUBLE,
    sample_size INTEGER CHECK (sample_size > 0),
    illustrative BOOLEAN NOT NULL DEFAULT false,
    CHECK (coalesce(lower_quartile, median, upper_quartile) IS NOT NULL),
    CHECK (lower_quartile IS NULL OR median IS NULL OR lower_quartile <= median),
    CHECK (median IS NULL OR upper_quartile IS NULL OR median <= upper_quartile),
    CHECK (lower_quartile IS NULL OR upper_quartile IS NULL OR lower_quartile <= upper_quartile)
);
