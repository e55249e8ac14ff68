-- Bad rows of a staged export: the first $examples of each reason, with the reason's count, in file order.
SELECT problem AS reason, count(*) OVER (PARTITION BY problem) AS rows, min(row_no) OVER (PARTITION BY problem) AS first_row,
       row_no, field, message
FROM ticket_stage
WHERE problem IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY problem ORDER BY row_no) <= $examples
ORDER BY first_row, row_no
