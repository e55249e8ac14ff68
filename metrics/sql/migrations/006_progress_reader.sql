-- Schema version 6: queries read progress through the macro `charter_progress` (metrics/sql/views.sql), which
-- the app may answer from rows it worked out already. Nothing to change in the tables: this version makes
-- `charter init` re-apply the views on a database made before the macro existed.
CREATE SCHEMA IF NOT EXISTS core;
