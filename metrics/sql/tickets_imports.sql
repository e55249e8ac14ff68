-- Ticket imports, newest first: what each read, stored and left out, and the submission of its figures.
SELECT i.id, i.file_name, i.format, i.imported_by, i.imported_at, i.rows_read, i.tickets_new, i.tickets_changed,
       i.tickets_unchanged, i.bad_rows, i.first_opened, i.last_opened, i.submission_id, i.figures,
       s.status AS submission_status,
       (SELECT string_agg(format('{}: {}', reason, n), '; ' ORDER BY n DESC)
        FROM (SELECT reason, count(*) AS n FROM core.ticket_bad_row b WHERE b.import_id = i.id GROUP BY reason))
           AS left_out
FROM core.ticket_import i
LEFT JOIN core.submission s ON s.id = i.submission_id
ORDER BY i.id DESC
