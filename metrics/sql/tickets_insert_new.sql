-- Store a staged export's good tickets that are not held already (new ones, and changed ones just taken out).
INSERT INTO core.ticket
SELECT s.partner_code, s.number, s.kind, s.priority, s.state, s.cancelled, s.opened_at, s.resolved_at, s.closed_at,
       s.made_sla, s.reassignments, s.category, $import_id, s.row_no
FROM ticket_stage s
WHERE s.problem IS NULL
  AND NOT EXISTS (SELECT 1 FROM core.ticket t WHERE t.partner_code = s.partner_code AND t.number = s.number)
