-- Chances to align: pairs of partners' contracts in one category ending within 18 months of each other, the
-- earlier not yet ended (the `contract_alignment` view, as of the connection's day), with the councils' names.
SELECT a.*, p1.name AS first_partner_name, p2.name AS second_partner_name
FROM contract_alignment a
LEFT JOIN core.partner p1 ON p1.code = a.first_partner
LEFT JOIN core.partner p2 ON p2.code = a.second_partner
ORDER BY a.first_ends_on, a.category, a.second_ends_on
