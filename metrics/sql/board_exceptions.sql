-- The board's exception list for one quarter: every objective that is off track, at risk or overdue for a
-- partner, forecast unlikely to meet its target, within two quarters of its deadline, or missing commentary
-- on an off-track or at-risk figure. One row per objective and partner (every partner of a listed
-- objective, so the board sees the whole picture), with the objective's reasons and the partner's last
-- four statuses. Annual objectives appear with the quarter that ends their financial year, as on every page.
-- An ended objective whose result is Missed or Not assessed is listed until the board records its decision.
-- `needs_decision`: off track, at risk two quarters running, or ended Missed or Not assessed without the board's
-- decision (what Board review opens with). `$everything` lists every objective, with or without a reason.
WITH prog AS (SELECT * FROM charter_progress(core.as_of(), $published)),
now AS (SELECT * FROM prog WHERE period = $period OR (period = $year AND $quarter = 4)),
ranked AS (
    SELECT p.objective_code, p.partner_code, p.period_index, p.period, p.status,
           row_number() OVER (PARTITION BY p.objective_code, p.partner_code ORDER BY p.period_index DESC) AS back
    FROM prog p
    JOIN now n ON n.objective_code = p.objective_code AND n.partner_code = p.partner_code
    WHERE p.period_index <= n.period_index
),
recent AS (
    SELECT objective_code, partner_code,
           list(status ORDER BY period_index) AS recent_statuses,
           list(period ORDER BY period_index) AS recent_periods
    FROM ranked WHERE back <= 4
    GROUP BY objective_code, partner_code
),
flagged AS (
    SELECT n.*, pa.name AS partner_name, pa.sort_order AS partner_order, rc.recent_periods, rc.recent_statuses,
           len(rc.recent_statuses) >= 2 AND rc.recent_statuses[-1] = core.status_word('at_risk')
               AND rc.recent_statuses[-2] = core.status_word('at_risk') AS at_risk_twice,
           n.status IN (core.status_word('off_track'), core.status_word('at_risk'))
               AND coalesce(trim(n.note), '') = '' AS missing_commentary,
           CAST(left(n.deadline_period, 4) AS INTEGER) * 4
               + CASE WHEN n.deadline_period LIKE '% Q%' THEN CAST(right(n.deadline_period, 1) AS INTEGER) - 1
                      ELSE 3 END
               - $idx AS quarters_to_deadline
    FROM now n JOIN core.partner pa ON pa.code = n.partner_code
    LEFT JOIN recent rc ON rc.objective_code = n.objective_code AND rc.partner_code = n.partner_code
),
by_objective AS (
    SELECT objective_code,
           list(partner_code ORDER BY partner_order) FILTER (WHERE status = core.status_word('off_track')) AS off_track,
           list(partner_code ORDER BY partner_order) FILTER (WHERE status = core.status_word('at_risk')) AS at_risk,
           list(partner_code ORDER BY partner_order) FILTER (WHERE at_risk_twice) AS at_risk_twice,
           list(partner_code ORDER BY partner_order) FILTER (WHERE status = core.status_word('overdue')) AS overdue,
           list(partner_code ORDER BY partner_order)
               FILTER (WHERE status = core.status_word('missed') AND result_source = 'computed') AS missed,
           list(partner_code ORDER BY partner_order)
               FILTER (WHERE status = core.status_word('not_assessed') AND result_source = 'computed') AS not_assessed,
           list(partner_code ORDER BY partner_order) FILTER (WHERE forecast = 'unlikely') AS forecast_unlikely,
           list(partner_code ORDER BY partner_order) FILTER (WHERE missing_commentary) AS missing_commentary,
           min(quarters_to_deadline) AS quarters_to_deadline,
           min(deadline_period) AS deadline
    FROM flagged GROUP BY objective_code
),
reasons AS (
    SELECT objective_code, off_track, at_risk, overdue, forecast_unlikely, missing_commentary, missed, not_assessed,
           quarters_to_deadline BETWEEN 0 AND 2 AS deadline_near,
           coalesce(off_track IS NOT NULL OR at_risk_twice IS NOT NULL OR missed IS NOT NULL
                    OR not_assessed IS NOT NULL, false) AS needs_decision,
           list_filter([
               CASE WHEN off_track IS NOT NULL
                    THEN core.status_word('off_track') || ': ' || array_to_string(off_track, ', ') END,
               CASE WHEN at_risk IS NOT NULL THEN core.status_word('at_risk') || ': ' || array_to_string(at_risk, ', ') END,
               CASE WHEN at_risk_twice IS NOT NULL
                    THEN core.status_word('at_risk') || ' two quarters running: ' || array_to_string(at_risk_twice, ', ')
                    END,
               CASE WHEN overdue IS NOT NULL THEN 'Figures overdue: ' || array_to_string(overdue, ', ') END,
               CASE WHEN missed IS NOT NULL THEN 'Ended, ' || lower(core.status_word('missed'))
                    || ' (no decision recorded): ' || array_to_string(missed, ', ') END,
               CASE WHEN not_assessed IS NOT NULL THEN 'Ended, ' || lower(core.status_word('not_assessed'))
                    || ' (no figure for the deadline; no decision recorded): ' || array_to_string(not_assessed, ', ') END,
               CASE WHEN forecast_unlikely IS NOT NULL
                    THEN 'Forecast unlikely to meet the target: ' || array_to_string(forecast_unlikely, ', ') END,
               CASE WHEN quarters_to_deadline BETWEEN 0 AND 2
                    THEN 'Deadline ' || deadline || CASE quarters_to_deadline WHEN 0 THEN ' (this quarter)'
                         WHEN 1 THEN ' (next quarter)' ELSE ' (in two quarters)' END END,
               CASE WHEN missing_commentary IS NOT NULL
                    THEN 'No commentary on an off-track or at-risk figure: ' || array_to_string(missing_commentary, ', ')
                    END
           ], lambda x: x IS NOT NULL) AS reasons
    FROM by_objective
)
SELECT c.code AS commitment_code, c.title AS commitment_title, c.sort_order AS commitment_order,
       f.objective_code, o.title AS objective_title, o.owner, o.sort_order AS objective_order,
       k.name AS kpi_name, k.unit, k.polarity,
       r.reasons, r.off_track IS NOT NULL AS any_off_track, r.at_risk IS NOT NULL AS any_at_risk,
       r.overdue IS NOT NULL AS any_overdue, r.forecast_unlikely IS NOT NULL AS any_forecast_unlikely,
       r.deadline_near, r.missing_commentary IS NOT NULL AS any_missing_commentary,
       r.missed IS NOT NULL AS any_missed, r.not_assessed IS NOT NULL AS any_not_assessed, r.needs_decision,
       f.partner_code, f.partner_name, f.partner_order, f.period, f.actual, f.target, f.status,
       f.direction, f.direction_year, f.forecast, f.forecast_value, f.final_target, f.deadline_period,
       f.quarters_to_deadline, f.note, f.missing_commentary, f.ended, f.result_source, f.at_risk_twice,
       f.recent_periods, f.recent_statuses
FROM flagged f
JOIN reasons r ON r.objective_code = f.objective_code
JOIN core.objective o ON o.code = f.objective_code
JOIN core.commitment c ON c.code = o.commitment_code
JOIN core.kpi k ON k.code = o.kpi_code
WHERE $everything OR len(r.reasons) > 0
ORDER BY c.sort_order, o.sort_order, f.partner_order
