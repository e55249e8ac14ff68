-- Read a ticket export into typed rows, each with the first problem that rules it out (NULL: a good row);
-- tickets_stage_repeats.sql then marks ticket numbers repeated in the file.
-- DuckDB streams the CSV as text (a spreadsheet is written out as CSV first, with its row numbers in _row).
-- $path: the CSV file; $names: a name for each of its columns (a canonical field, or _unused_N);
-- $encoding: its text encoding; $partner: the partner of every row, or NULL to read the partner column
-- through the temporary table `ticket_partner_names` (lower-cased name or code -> partner code).
CREATE OR REPLACE TEMP TABLE ticket_stage AS
WITH
raw AS (
    -- The fields a file does not have come out NULL.
    SELECT * FROM (
        SELECT NULL::VARCHAR AS ticket, NULL::VARCHAR AS partner, NULL::VARCHAR AS type, NULL::VARCHAR AS priority,
               NULL::VARCHAR AS state, NULL::VARCHAR AS opened, NULL::VARCHAR AS resolved, NULL::VARCHAR AS closed,
               NULL::VARCHAR AS within_sla, NULL::VARCHAR AS reassignments, NULL::VARCHAR AS category,
               NULL::VARCHAR AS _row, NULL::BIGINT AS ordinality
        WHERE false
    )
    UNION ALL BY NAME
    SELECT * FROM read_csv($path, names = $names, header = true, all_varchar = true, null_padding = true,
                           encoding = $encoding) WITH ORDINALITY
),
text AS (
    SELECT coalesce(TRY_CAST(_row AS BIGINT), ordinality + 1) AS row_no,
           nullif(trim(ticket), '') AS number,
           nullif(trim(partner), '') AS partner_text,
           lower(trim(coalesce(type, ''))) AS type_text,
           trim(coalesce(priority, '')) AS priority_text,
           nullif(trim(state), '') AS state,
           nullif(trim(opened), '') AS opened_text,
           nullif(trim(resolved), '') AS resolved_text,
           nullif(trim(closed), '') AS closed_text,
           lower(trim(coalesce(within_sla, ''))) AS sla_text,
           trim(coalesce(reassignments, '')) AS reassign_text,
           nullif(trim(category), '') AS category
    FROM raw
),
typed AS (
    SELECT x.*,
           coalesce($partner, n.partner_code) AS partner_code,
           ticket_priority(x.priority_text) AS priority,
           ticket_kind(x.type_text, coalesce(x.number, '')) AS kind,
           lower(coalesce(x.state, '')) IN ('canceled', 'cancelled', '8') AS cancelled,
           ticket_time(x.opened_text) AS opened_at,
           ticket_time(x.resolved_text) AS resolved_at,
           ticket_time(x.closed_text) AS closed_at,
           ticket_flag(x.sla_text) AS sla_flag,
           CASE WHEN x.reassign_text = '' THEN NULL ELSE TRY_CAST(x.reassign_text AS INTEGER) END AS reassignments
    FROM text x
    LEFT JOIN ticket_partner_names n ON $partner IS NULL AND n.name_key = lower(x.partner_text)
),
checked AS (
    SELECT t.*, p.joined_on, p.left_on
    FROM typed t
    LEFT JOIN core.partner p ON p.code = t.partner_code
),
judged AS (
    SELECT *,
           CASE
               WHEN number IS NULL THEN 'no ticket number'
               WHEN partner_code IS NULL THEN 'unknown partner'
               WHEN priority IS NULL THEN 'unknown priority'
               WHEN kind IS NULL THEN 'unknown ticket type'
               WHEN opened_at IS NULL OR (resolved_text IS NOT NULL AND resolved_at IS NULL)
                    OR (closed_text IS NOT NULL AND closed_at IS NULL) THEN 'unreadable date'
               WHEN resolved_at < opened_at OR closed_at < opened_at THEN 'resolved before opened'
               WHEN joined_on IS NULL OR CAST(opened_at AS DATE) < joined_on
                    OR CAST(opened_at AS DATE) > coalesce(left_on, DATE '9999-12-31') THEN 'not a partner then'
               WHEN sla_flag = 'bad' OR (reassign_text <> '' AND (reassignments IS NULL OR reassignments < 0))
                   THEN 'unreadable value'
           END AS problem
    FROM checked
)
SELECT row_no, partner_code, number, kind, priority, state, cancelled, opened_at, resolved_at, closed_at,
       CASE sla_flag WHEN 'yes' THEN true WHEN 'no' THEN false END AS made_sla, reassignments, category, problem,
       CASE WHEN problem = 'unknown partner' THEN partner_text END AS partner_text,
       CASE problem
           WHEN 'no ticket number' THEN 'ticket'
           WHEN 'unknown partner' THEN 'partner'
           WHEN 'not a partner then' THEN 'opened'
           WHEN 'unknown priority' THEN 'priority'
           WHEN 'unknown ticket type' THEN 'type'
           WHEN 'unreadable date' THEN
               CASE WHEN opened_at IS NULL THEN 'opened' WHEN resolved_text IS NOT NULL AND resolved_at IS NULL
                    THEN 'resolved' ELSE 'closed' END
           WHEN 'resolved before opened' THEN CASE WHEN resolved_at < opened_at THEN 'resolved' ELSE 'closed' END
           WHEN 'unreadable value' THEN CASE WHEN sla_flag = 'bad' THEN 'within_sla' ELSE 'reassignments' END
       END AS field,
       CASE problem
           WHEN 'no ticket number' THEN 'the ticket number is blank; every ticket needs its number'
           WHEN 'unknown partner' THEN
               CASE WHEN partner_text IS NULL THEN 'the partner is blank; say which council the ticket is for'
                    ELSE format('''{}'' is not a partner council; map it to a partner''s code', partner_text) END
           WHEN 'not a partner then' THEN
               format('{} was not a partner on {}', partner_code, strftime(opened_at, '%-d %B %Y'))
           WHEN 'unknown priority' THEN
               format('''{}'' is not a priority; write 1 to 5, e.g. 1 or "1 - Critical"', priority_text)
           WHEN 'unknown ticket type' THEN
               format('''{}'' is neither an incident nor a request', type_text)
           WHEN 'unreadable date' THEN
               format('''{}'' is not a date and time; write e.g. 2025-04-01 09:30 or 01/04/2025 09:30',
                      CASE WHEN opened_at IS NULL THEN coalesce(opened_text, '')
                           WHEN resolved_text IS NOT NULL AND resolved_at IS NULL THEN resolved_text
                           ELSE closed_text END)
           WHEN 'resolved before opened' THEN
               format('{} {} is before it was opened ({})',
                      CASE WHEN resolved_at < opened_at THEN 'resolved' ELSE 'closed' END,
                      CASE WHEN resolved_at < opened_at THEN resolved_text ELSE closed_text END, opened_text)
           WHEN 'unreadable value' THEN
               CASE WHEN sla_flag = 'bad' THEN format('''{}'' is not yes or no', sla_text)
                    ELSE format('''{}'' is not a whole number of reassignments', reassign_text) END
       END AS message
FROM judged;
