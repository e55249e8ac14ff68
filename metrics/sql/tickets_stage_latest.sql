-- An event log (one row per update of each ticket): keep each ticket's latest update, the row with the most
-- updates (ServiceNow's sys_mod_count), then the latest update time, then the last in the file; the count
-- of rows taken out comes back. A row whose update count or time cannot be read may be the latest, so it
-- ranks first (NULLS FIRST): its ticket is then left out as bad, never read from an earlier update. A ticket
-- is its number, whatever partner a row names, so a row naming another partner cannot keep an older update.
-- Rows without a number stay, each a bad row of its own.
DELETE FROM ticket_stage
WHERE row_no IN (
    SELECT row_no
    FROM ticket_stage
    WHERE number IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY number
                               ORDER BY updates DESC NULLS FIRST, updated_at DESC NULLS FIRST, row_no DESC) > 1
)
