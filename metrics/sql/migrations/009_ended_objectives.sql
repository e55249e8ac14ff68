-- Schema version 9: an objective past its deadline shows its result (Met, Missed or Not assessed), and
-- `objective_progress` says whether the result is computed or the board's, who decided and when
-- (docs/progress-rules.md, 5). Nothing to change in the tables: this version makes `charter init` re-apply
-- the views on a database made before they had these columns.
CREATE SCHEMA IF NOT EXISTS core;
