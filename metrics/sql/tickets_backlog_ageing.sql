-- Tickets open at the end of each quarter from $first to $last, per partner, in bands of age.
WITH bands AS (
    SELECT * FROM (VALUES (1, 'up to 7 days', 0, 7), (2, '8 to 30 days', 7, 30), (3, '31 to 90 days', 30, 90),
                          (4, 'over 90 days', 90, NULL))
        AS b(band_order, band, low, high)
)
SELECT o.partner_code, p.name AS partner_name, p.sort_order AS partner_order,
       core.period_label(o.idx, false) AS period, o.idx AS period_index, b.band, b.band_order, count(*) AS tickets
FROM ticket_open_at_end($partners, $first, $last) o
-- Only quarters an export covers (tickets were logged in them): a later quarter's backlog is not known yet.
JOIN (SELECT DISTINCT partner_code, opened_idx AS idx FROM ticket_base($partners)) c
    ON c.partner_code = o.partner_code AND c.idx = o.idx
JOIN core.partner p ON p.code = o.partner_code
JOIN bands b ON o.age_days > b.low AND (b.high IS NULL OR o.age_days <= b.high)
GROUP BY ALL
ORDER BY partner_order, period_index, band_order
