-- Temporary macros for service desk tickets (README "Service desk exports"): reading an export's text
-- cells, and the measures computed per partner and quarter. Created on the connection before use.

-- A date and time as service desk tools write it: ISO (2025-04-01 09:30[:00]) or UK day-first (01/04/2025 09:30).
CREATE OR REPLACE TEMP MACRO ticket_time(t) AS try_strptime(t, [
    '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', '%Y-%m-%d %H:%M:%S.%f',
    '%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%d', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y']);

-- 1 to 5 from "1", "P1", "Priority 1", "1 - Critical", or the words ServiceNow uses; NULL otherwise.
CREATE OR REPLACE TEMP MACRO ticket_priority(t) AS
    CASE WHEN regexp_matches(t, '^(?i)(p|priority\s*)?[1-5](\D.*)?$') THEN CAST(regexp_extract(t, '[1-5]') AS INTEGER)
         ELSE CASE lower(t) WHEN 'critical' THEN 1 WHEN 'high' THEN 2 WHEN 'moderate' THEN 3 WHEN 'medium' THEN 3
                            WHEN 'low' THEN 4 WHEN 'planning' THEN 5 END END;

-- incident or request from a type column (ServiceNow's sys_class_name too); blank: from the number's
-- prefix (ServiceNow's REQ, RITM and SCTASK are requests); anything else NULL (not a ticket we count).
CREATE OR REPLACE TEMP MACRO ticket_kind(type_text, number) AS
    CASE WHEN type_text IN ('incident', 'incidents', 'inc') THEN 'incident'
         WHEN type_text IN ('request', 'requests', 'service request', 'req', 'ritm', 'sc_request', 'sc_req_item',
                            'sc_task', 'requested item', 'catalog task') THEN 'request'
         WHEN type_text = '' THEN
             CASE WHEN regexp_matches(upper(number), '^(REQ|RITM|SCTASK)') THEN 'request' ELSE 'incident' END END;

-- yes/no as exports write it; '' is unknown (NULL); anything else is unreadable (the text 'bad').
CREATE OR REPLACE TEMP MACRO ticket_flag(t) AS
    CASE WHEN t IN ('true', 'yes', 'y', '1', 't') THEN 'yes' WHEN t IN ('false', 'no', 'n', '0', 'f') THEN 'no'
         WHEN t = '' THEN NULL ELSE 'bad' END;

-- The measures, with their names and units. priority 0 means every priority.
CREATE OR REPLACE TEMP MACRO ticket_measure_info() AS TABLE
    SELECT * FROM (VALUES
        (1, 'tickets_logged', 'Tickets logged (incidents and requests)', 'count'),
        (2, 'incidents_logged', 'Incidents logged', 'count'),
        (3, 'requests_logged', 'Requests logged', 'count'),
        (4, 'tickets_per_user', 'Tickets logged per active user', 'per user'),
        (5, 'p1_incidents', 'Priority 1 incidents logged', 'count'),
        (6, 'incidents_resolved', 'Incidents resolved', 'count'),
        (7, 'sla_pct', 'Incidents resolved within SLA', '%'),
        (8, 'first_time_fix_pct', 'Incidents fixed first time (no reassignment)', '%'),
        (9, 'resolve_hours_mean', 'Mean time to resolve an incident', 'hours'),
        (10, 'resolve_hours_median', 'Median time to resolve an incident', 'hours'),
        (11, 'resolve_hours_p90', '90th percentile time to resolve an incident', 'hours'),
        (12, 'backlog_open', 'Tickets open at quarter end', 'count'),
        (13, 'backlog_mean_age_days', 'Mean age of tickets open at quarter end', 'days'),
        (14, 'backlog_over_30_days', 'Tickets open at quarter end for over 30 days', 'count')
    ) AS m(sort_order, measure, label, unit);

-- The stored tickets of `partners` (NULL: every partner) with the quarter each was opened in, when it was
-- fixed (a cancelled ticket never is) and when it ended (left the backlog, fixed or cancelled).
CREATE OR REPLACE TEMP MACRO ticket_base(partners) AS TABLE
    SELECT partner_code, kind, priority, opened_at, made_sla, reassignments,
           core.quarter_index(opened_at) AS opened_idx,
           CASE WHEN NOT cancelled THEN coalesce(resolved_at, closed_at) END AS fixed_at,
           coalesce(resolved_at, closed_at) AS ended_at
    FROM core.ticket
    WHERE partners IS NULL OR list_contains(partners, partner_code);

-- Incidents fixed in each quarter from `first_idx` to `last_idx`, with the hours each took.
CREATE OR REPLACE TEMP MACRO ticket_fixed(partners, first_idx, last_idx) AS TABLE
    SELECT partner_code, core.quarter_index(fixed_at) AS idx, priority, made_sla, reassignments,
           date_diff('second', opened_at, fixed_at) / 3600.0 AS hours
    FROM ticket_base(partners)
    WHERE kind = 'incident' AND fixed_at IS NOT NULL AND core.quarter_index(fixed_at) BETWEEN first_idx AND last_idx;

-- Tickets open at the end of each quarter from `first_idx` to `last_idx`, with their age then in days.
-- A ticket is open at a quarter's end when it was opened before the next quarter began and had not ended
-- by then: once for each quarter from the one it was opened in to the one before it ended.
CREATE OR REPLACE TEMP MACRO ticket_open_at_end(partners, first_idx, last_idx) AS TABLE
    SELECT partner_code, idx, kind, priority,
           date_diff('second', opened_at, CAST(core.period_start(idx + 1, false) AS TIMESTAMP)) / 86400.0 AS age_days
    FROM (
        SELECT partner_code, kind, priority, opened_at,
               unnest(generate_series(opened_idx,
                                      least(coalesce(core.quarter_index(ended_at) - 1, last_idx), last_idx))) AS idx
        FROM ticket_base(partners)
        WHERE opened_idx <= last_idx AND (ended_at IS NULL OR core.quarter_index(ended_at) > opened_idx)
    )
    WHERE idx >= first_idx;

-- Every measure for each partner and quarter from `first_idx` to `last_idx` (quarter indexes) in which the
-- partner logged tickets; `partners` NULL means every partner. Counts and the backlog cover incidents and
-- requests; SLA, first-time fix and time to resolve cover incidents fixed in the quarter.
CREATE OR REPLACE TEMP MACRO ticket_measures(partners, first_idx, last_idx) AS TABLE
WITH
grid AS (
    SELECT partner_code, opened_idx AS idx,
           count(*) AS tickets_logged,
           count(*) FILTER (kind = 'incident') AS incidents_logged,
           count(*) FILTER (kind = 'request') AS requests_logged,
           count(*) FILTER (kind = 'incident' AND priority = 1) AS p1_incidents
    FROM ticket_base(partners) WHERE opened_idx BETWEEN first_idx AND last_idx
    GROUP BY ALL
),
users AS (
    -- Active users on the last day of the quarter (the earliest count, before any was recorded).
    SELECT g.partner_code, g.idx,
           coalesce((SELECT u.users FROM core.partner_users u WHERE u.partner_code = g.partner_code
                     AND u.on_date <= core.period_end(g.idx, false) ORDER BY u.on_date DESC LIMIT 1),
                    (SELECT u.users FROM core.partner_users u WHERE u.partner_code = g.partner_code
                     ORDER BY u.on_date LIMIT 1)) AS users
    FROM grid g
),
by_priority AS (
    SELECT partner_code, idx, coalesce(priority, 0) AS priority,
           count(*) AS incidents_resolved,
           100.0 * count(*) FILTER (made_sla) / nullif(count(made_sla), 0) AS sla_pct,
           100.0 * count(*) FILTER (reassignments = 0) / nullif(count(reassignments), 0) AS first_time_fix_pct,
           avg(hours) AS resolve_hours_mean,
           quantile_cont(hours, 0.5) AS resolve_hours_median,
           quantile_cont(hours, 0.9) AS resolve_hours_p90
    FROM ticket_fixed(partners, first_idx, last_idx)
    GROUP BY GROUPING SETS ((partner_code, idx, priority), (partner_code, idx))
),
backlog AS (
    SELECT partner_code, idx, count(*) AS backlog_open, avg(age_days) AS backlog_mean_age_days,
           count(*) FILTER (age_days > 30) AS backlog_over_30_days
    FROM ticket_open_at_end(partners, first_idx, last_idx) GROUP BY ALL
),
wide AS (
    SELECT g.partner_code, g.idx, 0 AS priority,
           CAST(g.tickets_logged AS DOUBLE) AS tickets_logged,
           CAST(g.incidents_logged AS DOUBLE) AS incidents_logged,
           CAST(g.requests_logged AS DOUBLE) AS requests_logged,
           g.tickets_logged / nullif(u.users, 0) AS tickets_per_user,
           CAST(g.p1_incidents AS DOUBLE) AS p1_incidents,
           CAST(coalesce(p.incidents_resolved, 0) AS DOUBLE) AS incidents_resolved,
           p.sla_pct, p.first_time_fix_pct, p.resolve_hours_mean, p.resolve_hours_median, p.resolve_hours_p90,
           CAST(coalesce(b.backlog_open, 0) AS DOUBLE) AS backlog_open,
           b.backlog_mean_age_days,
           CAST(coalesce(b.backlog_over_30_days, 0) AS DOUBLE) AS backlog_over_30_days
    FROM grid g
    JOIN users u USING (partner_code, idx)
    LEFT JOIN by_priority p ON p.partner_code = g.partner_code AND p.idx = g.idx AND p.priority = 0
    LEFT JOIN backlog b ON b.partner_code = g.partner_code AND b.idx = g.idx
    UNION ALL BY NAME
    SELECT g.partner_code, g.idx, x.priority,
           CAST(coalesce(p.incidents_resolved, 0) AS DOUBLE) AS incidents_resolved,
           p.sla_pct, p.first_time_fix_pct, p.resolve_hours_mean, p.resolve_hours_median, p.resolve_hours_p90
    FROM grid g
    CROSS JOIN (SELECT unnest([1, 2, 3, 4, 5]) AS priority) x
    LEFT JOIN by_priority p ON p.partner_code = g.partner_code AND p.idx = g.idx AND p.priority = x.priority
),
long AS (
    SELECT * FROM wide UNPIVOT INCLUDE NULLS (value FOR measure IN (COLUMNS(* EXCLUDE (partner_code, idx, priority))))
)
SELECT l.partner_code, l.idx AS period_index, core.period_label(l.idx, false) AS period, l.measure, l.priority,
       round(l.value, 2) AS value, i.label, i.unit, i.sort_order
FROM long l
JOIN ticket_measure_info() i ON i.measure = l.measure
-- By priority: only the measures of incidents resolved.
WHERE l.priority = 0 OR l.measure IN ('incidents_resolved', 'sla_pct', 'first_time_fix_pct', 'resolve_hours_mean',
                                      'resolve_hours_median', 'resolve_hours_p90');
