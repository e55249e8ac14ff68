-- The partnerships this install serves (docs/hosting.md): the database's own first, then those it hosts, each in
-- a database file of its own. In a hosted partnership's own file this lists that partnership alone.
CREATE OR REPLACE VIEW partnership AS
    SELECT code, name, lead_partner_code, home FROM (
        SELECT short_name AS code, name, lead_authority AS lead_partner_code, true AS home, 0 AS sort_order
        FROM core.partnership
        UNION ALL
        SELECT code, name, lead_partner_code, false AS home, 1 AS sort_order FROM core.hosted_partnership
    )
    ORDER BY sort_order, code;
