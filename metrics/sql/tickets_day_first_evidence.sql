-- Whether any date in an export is written day first with a day past 12 (29/2/2016), which settles that the
-- file is day-first. Read only when some date looked month first; parameters as in tickets_stage.sql.
WITH raw AS (
    SELECT * FROM (
        SELECT NULL::VARCHAR AS opened, NULL::VARCHAR AS resolved, NULL::VARCHAR AS closed, NULL::VARCHAR AS updated
        WHERE false
    )
    UNION ALL BY NAME
    SELECT * FROM read_csv($path, names = $names, header = true, all_varchar = true, null_padding = true,
                           encoding = $encoding, nullstr = $nullstr)
)
SELECT count(*) > 0
FROM raw
WHERE regexp_matches(concat_ws(' ', trim(opened), trim(resolved), trim(closed), trim(updated)),
                     '(^|\s)(1[3-9]|2\d|3[01])/\d{1,2}/\d{4}\b')
