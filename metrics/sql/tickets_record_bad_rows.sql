-- Record every row of a staged export that was left out, and why.
INSERT INTO core.ticket_bad_row
SELECT $import_id, row_no, problem, field, number, message FROM ticket_stage WHERE problem IS NOT NULL
