-- Read a ticket export into typed rows, each with the first problem that rules it out (NULL: a good row);
-- tickets_stage_latest.sql then keeps each ticket's latest update of an event log, and
-- tickets_stage_repeats.sql marks ticket numbers repeated in the file.
-- DuckDB streams the CSV as text (a spreadsheet is written out as CSV first, with its row numbers in _row).
-- $path: the CSV file; $names: a name for each of its columns (a canonical field, or _unused_N);
-- $encoding: its text encoding; $nullstr: the texts read as a blank cell; $partner: the partner of every row,
-- or NULL to read the partner column through the temporary table `ticket_partner_names` (lower-cased name or
-- code -> partner code); $has_updated, $has_updates: the file has those columns, so every row needs them.
CREATE OR REPLACE TEMP TABLE ticket_stage AS
WITH
raw AS (
    -- The fields a file does not have come out NULL.
    SELECT * FROM (
        SELECT NULL::VARCHAR AS ticket, NULL::VARCHAR AS partner, NULL::VARCHAR AS type, NULL::VARCHAR AS priority,
               NULL::VARCHAR AS state, NULL::VARCHAR AS opened, NULL::VARCHAR AS resolved, NULL::VARCHAR AS closed,
               NULL::VARCHAR AS within_sla, NULL::VARCHAR AS reassignments, NULL::VARCHAR AS category,
               NULL::VARCHAR AS updated, NULL::VARCHAR AS updates, NULL::VARCHAR AS _row, NULL::BIGINT AS ordinality
        WHERE false
    )
    UNION ALL BY NAME
    SELECT * FROM read_csv($path, names = $names, header = true, all_varchar = true, null_padding = true,
                           encoding = $encoding, nullstr = $nullstr) WITH ORDINALITY
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
           trim(coalesce(within_sla, '')) AS sla_text,
           trim(coalesce(reassignments, '')) AS reassign_text,
           nullif(trim(category), '') AS category,
           nullif(trim(updated), '') AS updated_text,
           nullif(trim(updates), '') AS updates_text
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
           ticket_flag(lower(x.sla_text)) AS sla_flag,
           CASE WHEN x.reassign_text = '' THEN NULL ELSE TRY_CAST(x.reassign_text AS INTEGER) END AS reassignments,
           ticket_time(x.updated_text) AS updated_at,
           TRY_CAST(x.updates_text AS BIGINT) AS updates
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
                    OR (closed_text IS NOT NULL AND closed_at IS NULL) OR ($has_updated AND updated_at IS NULL)
                   THEN 'unreadable date'
               WHEN resolved_at < opened_at OR closed_at < opened_at THEN 'resolved before opened'
               WHEN joined_on IS NULL OR CAST(opened_at AS DATE) < joined_on
                    OR CAST(opened_at AS DATE) > coalesce(left_on, DATE '9999-12-31') THEN 'not a partner then'
               WHEN sla_flag = 'bad' OR (reassign_text <> '' AND (reassignments IS NULL OR reassignments < 0))
                    OR ($has_updates AND (updates IS NULL OR updates < 0)) THEN 'unreadable value'
           END AS problem
    FROM checked
),
located AS (
    SELECT *,
           CASE problem
               WHEN 'no ticket number' THEN 'ticket'
               WHEN 'unknown partner' THEN 'partner'
               WHEN 'not a partner then' THEN 'opened'
               WHEN 'unknown priority' THEN 'priority'
               WHEN 'unknown ticket type' THEN 'type'
               WHEN 'unreadable date' THEN
                   CASE WHEN opened_at IS NULL THEN 'opened' WHEN resolved_text IS NOT NULL AND resolved_at IS NULL
                        THEN 'resolved' WHEN closed_text IS NOT NULL AND closed_at IS NULL THEN 'closed'
                        ELSE 'updated' END
               WHEN 'resolved before opened' THEN CASE WHEN resolved_at < opened_at THEN 'resolved' ELSE 'closed' END
               WHEN 'unreadable value' THEN
                   CASE WHEN sla_flag = 'bad' THEN 'within_sla'
                        WHEN reassign_text <> '' AND (reassignments IS NULL OR reassignments < 0) THEN 'reassignments'
                        ELSE 'updates' END
           END AS field
    FROM judged
),
quoted AS (
    -- The text that could not be read: for the message, and to spot a blank marker such as ServiceNow's ?.
    SELECT *,
           CASE WHEN problem IN ('unreadable date', 'unreadable value', 'unknown priority') THEN
               CASE field WHEN 'opened' THEN coalesce(opened_text, '') WHEN 'resolved' THEN resolved_text
                          WHEN 'closed' THEN closed_text WHEN 'updated' THEN coalesce(updated_text, '')
                          WHEN 'within_sla' THEN sla_text WHEN 'priority' THEN priority_text
                          WHEN 'reassignments' THEN reassign_text ELSE coalesce(updates_text, '') END END AS bad_text
    FROM located
)
SELECT row_no, partner_code, number, kind, priority, state, cancelled, opened_at, resolved_at, closed_at,
       CASE sla_flag WHEN 'yes' THEN true WHEN 'no' THEN false END AS made_sla, reassignments, category, problem,
       CASE WHEN problem = 'unknown partner' THEN partner_text END AS partner_text,
       field,
       CASE problem
           WHEN 'no ticket number' THEN 'the ticket number is blank; every ticket needs its number'
           WHEN 'unknown partner' THEN
               CASE WHEN partner_text IS NULL THEN 'the partner is blank; say which council the ticket is for'
                    ELSE format('''{}'' is not a partner council; map it to a partner''s code', partner_text) END
           WHEN 'not a partner then' THEN
               format('{} was not a partner on {}', partner_code, strftime(opened_at, '%-d %B %Y'))
           WHEN 'unknown priority' THEN
               format('''{}'' is not a priority; write 1 to 5, e.g. 1 or "1 - Critical"', bad_text)
           WHEN 'unknown ticket type' THEN
               format('''{}'' is neither an incident nor a request', type_text)
           WHEN 'unreadable date' THEN
               format('''{}'' is not a date and time; write e.g. 2025-04-01 09:30 or 01/04/2025 09:30', bad_text)
           WHEN 'resolved before opened' THEN
               format('{} {} is before it was opened ({})', field,
                      CASE field WHEN 'resolved' THEN resolved_text ELSE closed_text END, opened_text)
           WHEN 'unreadable value' THEN
               format(CASE field WHEN 'within_sla' THEN '''{}'' is not yes or no'
                                 WHEN 'reassignments' THEN '''{}'' is not a whole number of reassignments'
                                 ELSE '''{}'' is not a whole number of updates' END, bad_text)
       END AS message,
       bad_text, updated_at, updates
FROM quoted;
