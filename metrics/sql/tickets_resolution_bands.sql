-- How long the incidents fixed in quarter $idx took, per partner and priority, in bands of time.
WITH bands AS (
    SELECT * FROM (VALUES (1, 'under 4 hours', 0, 4), (2, '4 to 8 hours', 4, 8), (3, '8 to 24 hours', 8, 24),
                          (4, '1 to 3 days', 24, 72), (5, '3 to 7 days', 72, 168), (6, 'over 7 days', 168, NULL))
        AS b(band_order, band, low, high)
)
SELECT f.partner_code, p.name AS partner_name, p.sort_order AS partner_order,
       format('P{}', f.priority) AS priority, b.band, b.band_order, count(*) AS incidents
FROM ticket_fixed($partners, $idx, $idx) f
JOIN core.partner p ON p.code = f.partner_code
JOIN bands b ON f.hours >= b.low AND (b.high IS NULL OR f.hours < b.high)
GROUP BY ALL
ORDER BY partner_order, priority, band_order
