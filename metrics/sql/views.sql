-- Macros and the public views (docs/views.md). Re-created on every `charter init`, after migrations.
-- A period's index counts quarters: year * 4 + quarter - 1; a whole financial year takes its Q4's index.

CREATE OR REPLACE MACRO core.quarter_index(d) AS
    (year(d) - CAST(month(d) < 4 AS INTEGER)) * 4 + ((month(d) + 8) % 12) // 3;

CREATE OR REPLACE MACRO core.period_start(idx, annual) AS
    CASE WHEN annual THEN make_date(CAST(idx // 4 AS BIGINT), 4, 1)
         ELSE make_date(CAST(idx // 4 + CAST(idx % 4 = 3 AS INTEGER) AS BIGINT), CAST(((idx % 4) * 3 + 3) % 12 + 1 AS BIGINT), 1) END;

CREATE OR REPLACE MACRO core.period_end(idx, annual) AS
    CASE WHEN annual THEN make_date(CAST(idx // 4 + 1 AS BIGINT), 3, 31)
         ELSE CAST(core.period_start(idx + 1, false) - INTERVAL 1 DAY AS DATE) END;

CREATE OR REPLACE MACRO core.period_label(idx, annual) AS
    format('{}/{:02d}', idx // 4, (idx // 4 + 1) % 100)
    || CASE WHEN annual THEN '' ELSE format(' Q{}', idx % 4 + 1) END;

CREATE OR REPLACE MACRO core.as_of() AS coalesce(getvariable('charter_as_of'), current_date);

-- The figures in force for each partner, KPI and period: the newest submission that is still live.
-- `published_only`: approved figures only (what members and the public see).
CREATE OR REPLACE MACRO core.current_figures(published_only) AS TABLE
    SELECT m.*, s.status AS submission_status, s.submitted_at, s.submitted_by, s.illustrative
    FROM core.measurement m
    JOIN core.submission s ON s.id = m.submission_id
    WHERE s.status = 'approved' OR (NOT published_only AND s.status = 'submitted')
    QUALIFY row_number() OVER (
        PARTITION BY m.partner_code, m.kpi_code, m.period_index, m.is_annual ORDER BY s.id DESC, m.id DESC) = 1;

-- Progress (docs/progress-rules.md) for every targeted objective, partner and period from the baseline to `as_of`.
CREATE OR REPLACE MACRO core.progress(p_as_of, p_published_only) AS TABLE
WITH
settings AS (
    SELECT CAST(p_as_of AS DATE) AS as_of,
           coalesce((SELECT max(data_due_days) FROM core.partnership), 30) AS due_days,
           core.quarter_index(CAST(p_as_of AS DATE)) AS cur
),
obj AS (
    SELECT o.code, o.kpi_code, o.tolerance_kind, o.tolerance_amount, k.polarity, o.status AS objective_status,
           k.frequency = 'annual' AS annual, CASE WHEN k.frequency = 'annual' THEN 4 ELSE 1 END AS step
    FROM core.objective o JOIN core.kpi k ON k.code = o.kpi_code
    WHERE o.status NOT IN ('draft', 'withdrawn')
),
live AS (SELECT * FROM core.target WHERE superseded_at IS NULL),
baseline AS (
    SELECT objective_code, partner_code, period_index AS b_idx, value AS b_val FROM live WHERE kind = 'baseline'
    QUALIFY row_number() OVER (PARTITION BY objective_code, partner_code ORDER BY id DESC) = 1
),
grid AS (
    SELECT o.*, b.partner_code, b.b_idx, b.b_val, g.idx
    FROM obj o
    JOIN baseline b ON b.objective_code = o.code
    JOIN core.partner p ON p.code = b.partner_code
    CROSS JOIN settings s
    CROSS JOIN LATERAL (
        SELECT unnest(generate_series(b.b_idx + o.step,
                                      CASE WHEN o.annual THEN (s.cur // 4) * 4 + 3 ELSE s.cur END,
                                      o.step)) AS idx
    ) g
    WHERE core.period_start(g.idx, o.annual) <= coalesce(p.left_on, DATE '9999-12-31')
      AND core.period_end(g.idx, o.annual) >= p.joined_on
),
final AS (
    -- Each final target holds from its quarter (the framework's from the start) until the next revision's.
    SELECT objective_code, partner_code, coalesce(effective_from_index, -1) AS eff,
           lead(coalesce(effective_from_index, -1), 1, 2147483647) OVER (
               PARTITION BY objective_code, partner_code ORDER BY coalesce(effective_from_index, -1), id) AS until,
           period_index AS d_idx, value AS f_val
    FROM live WHERE kind = 'final'
),
interim AS (
    SELECT objective_code, partner_code, period_index, value AS i_val FROM live WHERE kind = 'interim'
    QUALIFY row_number() OVER (
        PARTITION BY objective_code, partner_code, period_index
        ORDER BY coalesce(effective_from_index, -1) DESC, id DESC) = 1
),
figures AS (SELECT * FROM core.current_figures(p_published_only)),
deadline_figures AS (
    -- The figure for each deadline a final target sets, which an ended objective's result is judged on: joined
    -- to the few deadlines, not to every row, so that no hash table of every figure is built for it.
    SELECT d.objective_code, d.partner_code, d.d_idx, fig.value
    FROM (SELECT DISTINCT objective_code, partner_code, d_idx FROM final) d
    JOIN obj o ON o.code = d.objective_code
    JOIN figures fig ON fig.partner_code = d.partner_code AND fig.kpi_code = o.kpi_code
        AND fig.period_index = d.d_idx AND fig.is_annual = o.annual
),
decided AS (
    -- Who set the objective's status to the board's result, and when: the newest change to that status.
    -- A status that came with the framework file as first loaded has no change recorded (NULL).
    SELECT objective_code, changed_by AS decided_by, CAST(changed_at AS DATE) AS decided_on
    FROM core.objective_change WHERE field = 'status'
    QUALIFY row_number() OVER (PARTITION BY objective_code ORDER BY changed_at DESC, id DESC) = 1
        AND new_value IN ('achieved', 'missed')
),
series AS (
    -- Straight-line fit over each partner's last four figures of a KPI, up to and including each one.
    SELECT partner_code, kpi_code, is_annual, period_index,
           regr_slope(value, period_index) OVER w AS slope,
           -- The line passes through the points' mean; extending it from there (not from an intercept
           -- at period index 0, thousands of quarters away) keeps the arithmetic exact enough that
           -- 10, 10.1, 10.2, 10.3 forecasts 10.7, not 10.6999...
           regr_avgx(value, period_index) OVER w AS mean_index,
           regr_avgy(value, period_index) OVER w AS mean_value,
           count(value) OVER w AS points
    FROM figures WHERE value IS NOT NULL
    WINDOW w AS (PARTITION BY partner_code, kpi_code, is_annual ORDER BY period_index
                 ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)
),
targeted AS (
    SELECT g.*, f.d_idx, f.f_val, i.i_val,
           round(CASE WHEN i.i_val IS NOT NULL THEN i.i_val
                      WHEN g.idx >= f.d_idx THEN f.f_val
                      ELSE g.b_val + (f.f_val - g.b_val) * (g.idx - g.b_idx) / (f.d_idx - g.b_idx) END, 2) AS target
    FROM grid g
    LEFT JOIN final f
        ON f.objective_code = g.code AND f.partner_code = g.partner_code AND g.idx >= f.eff AND g.idx < f.until
    LEFT JOIN interim i
        ON i.objective_code = g.code AND i.partner_code = g.partner_code AND i.period_index = g.idx
),
measured AS (
    SELECT t.*, cur.value AS actual, cur.note, cur.submission_id, prev.value AS previous, ly.value AS year_ago,
           dl.value AS deadline_actual,
           core.period_end(t.idx, t.annual) + (SELECT due_days FROM settings) AS due_on,
           CASE WHEN t.tolerance_kind = 'absolute' THEN t.tolerance_amount
                ELSE abs(t.target) * t.tolerance_amount / 100 END AS tolerance
    FROM targeted t
    LEFT JOIN figures cur ON cur.partner_code = t.partner_code AND cur.kpi_code = t.kpi_code
        AND cur.period_index = t.idx AND cur.is_annual = t.annual
    LEFT JOIN figures prev ON prev.partner_code = t.partner_code AND prev.kpi_code = t.kpi_code
        AND prev.period_index = t.idx - t.step AND prev.is_annual = t.annual
    LEFT JOIN figures ly ON ly.partner_code = t.partner_code AND ly.kpi_code = t.kpi_code
        AND ly.period_index = t.idx - 4 AND ly.is_annual = t.annual
    LEFT JOIN deadline_figures dl
        ON dl.objective_code = t.code AND dl.partner_code = t.partner_code AND dl.d_idx = t.d_idx
),
forecast AS (
    SELECT m.*, CASE WHEN s.points >= 2 AND m.idx < m.d_idx
                     THEN round(s.mean_value + s.slope * (m.d_idx - s.mean_index), 2) END AS forecast_value
    FROM measured m
    ASOF LEFT JOIN series s
        ON s.partner_code = m.partner_code AND s.kpi_code = m.kpi_code AND s.is_annual = m.annual
        AND s.period_index <= m.idx
),
judged AS (
    -- A period after the deadline in force shows the objective's result, not a fresh status
    -- (docs/progress-rules.md, 5): the board's decision if it recorded one, else the figure for the deadline
    -- period against the final target, with no tolerance.
    SELECT f.*, coalesce(f.idx > f.d_idx, false) AS ended,
           CASE WHEN f.objective_status = 'achieved' THEN core.status_word('met')
                WHEN f.objective_status = 'missed' THEN core.status_word('missed')
                WHEN f.deadline_actual IS NULL THEN core.status_word('not_assessed')
                WHEN (f.polarity = 'higher' AND f.deadline_actual >= f.f_val - 1e-9)
                  OR (f.polarity = 'lower' AND f.deadline_actual <= f.f_val + 1e-9) THEN core.status_word('met')
                ELSE core.status_word('missed') END AS result,
           f.objective_status IN ('achieved', 'missed') AS by_board
    FROM forecast f
)
SELECT
    code AS objective_code,
    partner_code,
    core.period_label(idx, annual) AS period,
    idx AS period_index,
    actual,
    target,
    CASE WHEN ended THEN result
         WHEN actual IS NULL THEN
             CASE WHEN (SELECT as_of FROM settings) > due_on THEN core.status_word('overdue')
                  ELSE core.status_word('no_data') END
         WHEN (polarity = 'higher' AND actual >= target - 1e-9) OR (polarity = 'lower' AND actual <= target + 1e-9)
             THEN core.status_word('on_track')
         WHEN abs(actual - target) <= tolerance + 1e-9 THEN core.status_word('at_risk')
         ELSE core.status_word('off_track') END AS status,
    core.direction(polarity, actual, previous) AS direction,
    core.direction(polarity, actual, year_ago) AS direction_year,
    forecast_value,
    -- Judged on the forecast as shown (2 dp), as status is judged on the target as shown.
    CASE WHEN forecast_value IS NULL THEN NULL
         WHEN (polarity = 'higher' AND forecast_value >= f_val - 1e-9)
           OR (polarity = 'lower' AND forecast_value <= f_val + 1e-9)
             THEN 'likely' ELSE 'unlikely' END AS forecast,
    f_val AS final_target,
    core.period_label(d_idx, annual) AS deadline_period,
    round(tolerance, 4) AS tolerance,
    due_on,
    note,
    submission_id,
    polarity,
    kpi_code,
    ended,
    CASE WHEN ended THEN deadline_actual END AS deadline_actual,
    CASE WHEN ended THEN CASE WHEN by_board THEN 'board' ELSE 'computed' END END AS result_source,
    CASE WHEN ended AND by_board THEN d.decided_by END AS decided_by,
    CASE WHEN ended AND by_board THEN d.decided_on END AS decided_on
FROM judged
LEFT JOIN decided d ON d.objective_code = judged.code;

-- What the queries in metrics/sql read progress through. The app answers it on a connection from rows it has
-- worked out already, with a temporary macro of the same name (metrics/store.py `use_progress`).
CREATE OR REPLACE MACRO charter_progress(p_as_of, p_published) AS TABLE
    SELECT * FROM core.progress(p_as_of, p_published);

-- ---- Public views (docs/views.md): stable names and columns -------------------------------------
-- Each starts with `partnership_code`: the partnership this database holds (docs/hosting.md), so that a view's
-- rows say whose they are wherever they are copied to.

CREATE OR REPLACE MACRO core.partnership_code() AS (SELECT short_name FROM core.partnership);

CREATE OR REPLACE VIEW partner AS
    SELECT core.partnership_code() AS partnership_code, code, name, joined_on, left_on
    FROM core.partner ORDER BY sort_order;

CREATE OR REPLACE VIEW commitment AS
    SELECT core.partnership_code() AS partnership_code, code, title, cross_cutting
    FROM core.commitment ORDER BY sort_order;

CREATE OR REPLACE VIEW principle AS
    SELECT core.partnership_code() AS partnership_code, code, strapline FROM core.principle ORDER BY sort_order;

CREATE OR REPLACE VIEW outcome AS
    SELECT core.partnership_code() AS partnership_code, code, parent_code, text
    FROM core.outcome ORDER BY sort_order;

CREATE OR REPLACE VIEW kpi AS
    SELECT core.partnership_code() AS partnership_code, code, name, unit, polarity, category, decimals
    FROM core.kpi ORDER BY sort_order;

CREATE OR REPLACE VIEW objective AS
    SELECT core.partnership_code() AS partnership_code, code, title, commitment_code, kpi_code, deadline_period, status
    FROM core.objective ORDER BY sort_order;

CREATE OR REPLACE VIEW measurement AS
    SELECT core.partnership_code() AS partnership_code, partner_code, period, kpi_code, value, note, submission_id,
           submission_status = 'approved' AS approved
    FROM core.current_figures(false);

CREATE OR REPLACE VIEW measurement_history AS
    SELECT core.partnership_code() AS partnership_code, m.partner_code, m.period, m.kpi_code, m.value, m.note,
           m.submission_id, m.row_number,
           s.status AS submission_status, s.submitted_by, s.submitted_at,
           cur.id IS NULL AS superseded
    FROM core.measurement m
    JOIN core.submission s ON s.id = m.submission_id
    LEFT JOIN core.current_figures(false) cur ON cur.id = m.id
    ORDER BY m.partner_code, m.kpi_code, m.period_index, m.is_annual, m.id;

CREATE OR REPLACE VIEW submission AS
    SELECT core.partnership_code() AS partnership_code, id, file_name, sha256, submitted_by, submitted_at, status,
           row_count
    FROM core.submission ORDER BY id;

CREATE OR REPLACE VIEW objective_progress AS
    SELECT core.partnership_code() AS partnership_code, objective_code, partner_code, period, actual, target, status,
           direction, result_source, decided_by, decided_on
    FROM core.progress(core.as_of(), true)
    ORDER BY objective_code, partner_code, period_index;

-- Every write: who, their role, what, when, and the record before and after (JSON). Never a password.
CREATE OR REPLACE VIEW audit AS
    SELECT core.partnership_code() AS partnership_code, id, recorded_at, actor, role, action, entity, entity_key,
           before, after
    FROM core.audit ORDER BY id;
