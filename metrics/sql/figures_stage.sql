-- A plain figures CSV (metrics/setcheck.py: UTF-8, no quote marks, no blank line, the header on its first line)
-- read by DuckDB as text, one row per line after the header, each cell trimmed as Python's str.strip() trims it.
-- $path: the file (line ends written as \n); $delim: its delimiter; $columns: a name for each of its columns
-- (partner, period, kpi, value, note or _unused_N); $ws: the characters trimmed (Python's whitespace, or a
-- space alone when the file holds no other). Rows whose cells are all blank are left out, as the reader does.
CREATE OR REPLACE TEMP TABLE figure_rows AS
WITH raw AS (
    SELECT * FROM (SELECT NULL::VARCHAR AS note, NULL::BIGINT AS ordinality WHERE false)
    UNION ALL BY NAME
    SELECT * FROM read_csv($path, columns = $columns, header = false, auto_detect = false, delim = $delim,
                           quote = '', escape = '', comment = '', new_line = '\n', null_padding = true,
                           encoding = 'utf-8') WITH ORDINALITY
)
SELECT ordinality AS row_no,
       trim(coalesce(partner, ''), $ws) AS partner,
       trim(coalesce(period, ''), $ws) AS period,
       trim(coalesce(kpi, ''), $ws) AS kpi,
       trim(coalesce(value, ''), $ws) AS value,
       trim(coalesce(note, ''), $ws) AS note
FROM raw
WHERE ordinality > 1 AND trim(concat(*COLUMNS(* EXCLUDE (ordinality))), $ws) <> ''
