-- Take out the stored tickets that a staged export changes (same partner and number, different content);
-- the insert that follows puts the export's version in. Identical tickets are left as they are.
DELETE FROM core.ticket t
USING ticket_stage s
WHERE s.problem IS NULL AND t.partner_code = s.partner_code AND t.number = s.number
  AND (t.kind, t.priority, t.state, t.cancelled, t.opened_at, t.resolved_at, t.closed_at, t.made_sla, t.reassignments,
       t.category)
      IS DISTINCT FROM
      (s.kind, s.priority, s.state, s.cancelled, s.opened_at, s.resolved_at, s.closed_at, s.made_sla, s.reassignments,
       s.category)
