-- Every partner with its dates and latest active-user count, in the framework's order.
SELECT p.code, p.name, p.joined_on, p.left_on, p.left_on IS NULL AS current,
       (SELECT users FROM core.partner_users u WHERE u.partner_code = p.code ORDER BY on_date DESC LIMIT 1) AS users
FROM core.partner p
ORDER BY p.sort_order
