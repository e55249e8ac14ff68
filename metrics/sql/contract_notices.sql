-- Contracts whose last day to give notice falls between `$today` and `$months` months on, soonest first.
SELECT c.*, p.name AS partner_name, datediff('day', $today, c.notice_on) AS days_to_notice
FROM contract c
LEFT JOIN core.partner p ON p.code = c.partner_code
WHERE c.notice_on >= $today AND c.notice_on <= $today + to_months($months)
ORDER BY c.notice_on, c.code
