-- The partnership's money, options appraisal and agreement: public views (docs/views.md, "The partnership's
-- business"). Re-created on every `charter init` after views.sql (metrics/store.py runs every views_*.sql).

-- Shares from each date: by active users (a council's users over all users counted that day) or as agreed.
CREATE OR REPLACE VIEW cost_share AS
    SELECT partnership_code, partner_code, as_of, basis, active_users,
           CASE WHEN basis = 'agreed' THEN agreed_share
                ELSE active_users / nullif(sum(active_users) OVER (PARTITION BY partnership_code, as_of, basis), 0)
           END AS share,
           sum(active_users) OVER (PARTITION BY partnership_code, as_of, basis) AS total_users,
           source, illustrative
    FROM core.cost_share
    ORDER BY partnership_code, as_of, partner_code;

-- The apportionment in force for each year: the latest one dated on or before the year's end (31 March).
CREATE OR REPLACE VIEW charge AS
    WITH years AS (
        SELECT *, make_date(CAST(substr(financial_year, 1, 4) AS INTEGER) + 1, 3, 31) AS year_end
        FROM core.charge_budget
    ), in_force AS (
        SELECT y.partnership_code, y.financial_year, max(s.as_of) AS as_of
        FROM years y JOIN core.cost_share s ON s.partnership_code = y.partnership_code AND s.as_of <= y.year_end
        GROUP BY ALL
    )
    SELECT y.partnership_code, y.partner_code, y.financial_year, y.pool, s.share, y.pool * s.share AS charge,
           y.budget, y.pool * s.share - y.budget AS over_budget, y.budget_note, y.estimated_charge,
           f.as_of AS share_as_of, y.source, y.illustrative OR coalesce(s.illustrative, false) AS illustrative
    FROM years y
    LEFT JOIN in_force f USING (partnership_code, financial_year)
    LEFT JOIN cost_share s ON s.partnership_code = y.partnership_code AND s.partner_code = y.partner_code
                          AND s.as_of = f.as_of
    ORDER BY y.partnership_code, y.financial_year, y.partner_code;

CREATE OR REPLACE VIEW one_off_cost AS
    SELECT partnership_code, partner_code, item, kind, financial_year, amount, description, source, illustrative
    FROM core.one_off_cost
    ORDER BY partnership_code, partner_code, financial_year, kind, item;

CREATE OR REPLACE VIEW saving AS
    SELECT partnership_code, code, title, commitment_code, financial_year, planned, realised,
           realised - planned AS difference, partner_code, cashable, source, illustrative
    FROM core.saving
    ORDER BY partnership_code, code, financial_year;

-- Each option's score on each factor, and its weighted total and rank within the appraisal.
CREATE OR REPLACE VIEW option_score AS
    SELECT partnership_code, appraisal, option, factor, weight, score, weight * score AS weighted,
           sum(weight * score) OVER (PARTITION BY partnership_code, appraisal, option) AS option_total,
           chosen, source, illustrative
    FROM core.option_score
    ORDER BY partnership_code, appraisal, option, factor;

CREATE OR REPLACE VIEW option_ranking AS
    SELECT partnership_code, appraisal, option, sum(weight * score) AS total,
           rank() OVER (PARTITION BY partnership_code, appraisal ORDER BY sum(weight * score) DESC) AS rank,
           bool_or(chosen) AS chosen, bool_or(illustrative) AS illustrative
    FROM core.option_score
    GROUP BY partnership_code, appraisal, option
    ORDER BY partnership_code, appraisal, rank, option;

CREATE OR REPLACE VIEW agreement AS
    SELECT partnership_code, code, title, starts_on, ends_on, review_on, source, illustrative
    FROM core.agreement
    ORDER BY partnership_code, starts_on, review_on NULLS FIRST;

-- Objectives whose deadline (the last day of its period) falls after the latest agreement ends.
CREATE OR REPLACE VIEW objective_after_agreement AS
    WITH term AS (
        SELECT partnership_code, max(ends_on) AS agreement_ends FROM core.agreement GROUP BY partnership_code
    ), deadlines AS (
        SELECT code, title, deadline_period,
               CASE WHEN deadline_period LIKE '% Q%'
                    THEN core.period_end(CAST(substr(deadline_period, 1, 4) AS INTEGER) * 4
                                         + CAST(right(deadline_period, 1) AS INTEGER) - 1, false)
                    ELSE make_date(CAST(substr(deadline_period, 1, 4) AS INTEGER) + 1, 3, 31) END AS deadline_on
        FROM core.objective
    )
    SELECT t.partnership_code, d.code AS objective_code, d.title, d.deadline_period, d.deadline_on,
           t.agreement_ends, d.deadline_on > t.agreement_ends AS after_agreement
    FROM deadlines d CROSS JOIN term t
    ORDER BY d.code;
