-- The systems and contracts roadmap: every contract with its council's name, notice day and state on `$today` (notice due: within `$months` months).
SELECT c.*, p.name AS partner_name, p.sort_order AS partner_order,
       CASE WHEN c.ends_on < $today THEN 'ended'
            WHEN c.notice_on < $today THEN 'notice passed'
            WHEN c.notice_on <= $today + to_months($months) THEN 'notice due'
            ELSE 'running' END AS state
FROM contract c
LEFT JOIN core.partner p ON p.code = c.partner_code
ORDER BY p.sort_order, c.ends_on, c.code
