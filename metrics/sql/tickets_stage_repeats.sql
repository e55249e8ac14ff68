-- Mark the rows of a staged export that repeat a ticket number given earlier in the file for the same
-- partner (the first row is the one kept), unless they have another problem already. An aggregate, not a
-- window over a million rows: far cheaper, and repeats are few.
UPDATE ticket_stage SET
    problem = 'duplicate ticket number',
    field = 'ticket',
    message = format('ticket {} is already on row {}', ticket_stage.number, r.first_row)
FROM (
    SELECT partner_code, number, min(row_no) AS first_row
    FROM ticket_stage
    WHERE partner_code IS NOT NULL AND number IS NOT NULL
    GROUP BY ALL
    HAVING count(*) > 1
) r
WHERE ticket_stage.partner_code = r.partner_code AND ticket_stage.number = r.number
  AND ticket_stage.row_no > r.first_row AND ticket_stage.problem IS NULL
