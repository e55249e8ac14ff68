-- Schema version 8: the status words, colours and the direction rule come from metrics/status.py, which makes
-- `core.status_style`, `core.status_word` and `core.direction` with the views (metrics/store.py `migrate`).
-- Nothing to change in the tables: this version makes `charter init` re-apply them and the views on a
-- database made before they existed.
CREATE SCHEMA IF NOT EXISTS core;
