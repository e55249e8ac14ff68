-- The partnership's risks and contracts (docs/views.md; migration 012): re-created after views.sql on every
-- `charter init` (metrics/store.py runs every views_*.sql).


-- The words of the risk matrix (the LICTP report, section 15); metrics/risks.py holds the same (a test checks).
CREATE OR REPLACE VIEW core.risk_scale AS SELECT * FROM (VALUES
    ('likelihood', 1, 'Almost impossible'), ('likelihood', 2, 'Very Low'), ('likelihood', 3, 'Low'),
    ('likelihood', 4, 'Significant'), ('likelihood', 5, 'High'), ('likelihood', 6, 'Very High'),
    ('impact', 1, 'Negligible'), ('impact', 2, 'Marginal'), ('impact', 3, 'Critical'), ('impact', 4, 'Catastrophic')
) t(axis, level, word);

-- The rating of a score: the band with the greatest min_score not above it (core.risk_band).
CREATE OR REPLACE MACRO core.risk_rating(p_score) AS
    (SELECT rating FROM core.risk_band WHERE min_score <= p_score ORDER BY min_score DESC LIMIT 1);

-- Every scoring of every risk, oldest first, with its scores, ratings and the words of its scale.
CREATE OR REPLACE VIEW risk_history AS
    SELECT s.partnership_code, s.risk_code AS code, s.id AS scoring_id, s.reviewed_on,
           s.likelihood, lw.word AS likelihood_word, s.impact, iw.word AS impact_word,
           s.likelihood * s.impact AS score, core.risk_rating(s.likelihood * s.impact) AS rating,
           s.target_likelihood, s.target_impact, s.target_likelihood * s.target_impact AS target_score,
           core.risk_rating(s.target_likelihood * s.target_impact) AS target_rating,
           s.review_due_on, s.note, s.source, s.recorded_by, s.recorded_at,
           row_number() OVER (PARTITION BY s.partnership_code, s.risk_code ORDER BY s.reviewed_on, s.id) AS scoring
    FROM core.risk_score s
    JOIN core.risk_scale lw ON lw.axis = 'likelihood' AND lw.level = s.likelihood
    JOIN core.risk_scale iw ON iw.axis = 'impact' AND iw.level = s.impact
    ORDER BY s.partnership_code, s.risk_code, s.reviewed_on, s.id;

-- The register: each risk with its latest scoring, its score before that, and whether its review is past due.
CREATE OR REPLACE VIEW risk AS
    WITH latest AS (
        SELECT *, lag(score) OVER (PARTITION BY partnership_code, code ORDER BY reviewed_on, scoring_id) AS previous_score,
               count(*) OVER (PARTITION BY partnership_code, code) AS scorings
        FROM risk_history
        QUALIFY row_number() OVER (PARTITION BY partnership_code, code ORDER BY reviewed_on DESC, scoring_id DESC) = 1
    )
    SELECT r.partnership_code, r.code, r.title, r.owner, l.likelihood, l.impact, l.score, l.rating, r.mitigation,
           l.reviewed_on, l.likelihood_word, l.impact_word, l.target_likelihood, l.target_impact, l.target_score,
           l.target_rating, l.review_due_on, l.review_due_on < core.as_of() AS review_past_due,
           l.previous_score, l.scorings, r.review_months, r.illustrative, r.sort_order,
           coalesce((SELECT list(objective_code ORDER BY objective_code) FROM core.risk_objective o
                     WHERE o.partnership_code = r.partnership_code AND o.risk_code = r.code), []) AS objective_codes
    FROM core.risk r
    JOIN latest l ON l.partnership_code = r.partnership_code AND l.code = r.code
    ORDER BY r.partnership_code, r.sort_order, r.code;

-- The objectives each risk threatens.
CREATE OR REPLACE VIEW risk_objective AS
    SELECT partnership_code, risk_code, objective_code FROM core.risk_objective ORDER BY ALL;

-- The systems and contracts roadmap: when each ends and the last day to give notice (ends_on less notice_months).
CREATE OR REPLACE VIEW contract AS
    SELECT partnership_code, code, system, supplier, partner_code, category, starts_on, ends_on, notice_months,
           annual_cost, CAST(ends_on - to_months(notice_months) AS DATE) AS notice_on, note, illustrative
    FROM core.contract
    ORDER BY partnership_code, ends_on, partner_code, code;

-- Pairs of partners' contracts in one category that end within 18 months of each other, the earlier of the two
-- not yet ended: a chance to align them (a joint procurement, one system).
CREATE OR REPLACE VIEW contract_alignment AS
    SELECT a.partnership_code, a.category, a.code AS first_code, a.partner_code AS first_partner,
           a.system AS first_system, a.ends_on AS first_ends_on, b.code AS second_code,
           b.partner_code AS second_partner, b.system AS second_system, b.ends_on AS second_ends_on,
           datediff('day', a.ends_on, b.ends_on) AS days_apart
    FROM core.contract a
    JOIN core.contract b
      ON b.partnership_code = a.partnership_code AND b.category = a.category AND b.partner_code <> a.partner_code
     AND (b.ends_on > a.ends_on OR (b.ends_on = a.ends_on AND b.code > a.code))
     AND b.ends_on <= a.ends_on + INTERVAL 18 MONTH
    WHERE a.ends_on >= core.as_of()
    ORDER BY a.partnership_code, a.ends_on, a.category, b.ends_on;
