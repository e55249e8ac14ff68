-- The staged rows of a figures CSV (figures_stage.sql) checked as sets by metrics/checks.py's rules, each row
-- kept with its figure if it passes every one: its partner, period and KPI texts were judged one by one in
-- Python (figure_partner_texts, figure_period_texts, figure_kpi_texts); its value read here in the usual forms
-- (72.5, -3, .5, 72.5%), else judged in Python too (figure_value_texts); then, as checks._check_keys and
-- _check_value say: a partner at the time, the KPI's frequency, the sign's unit, the KPI's range, and a blank
-- value only with a note. `ok` is false on a row with any problem; a figure given twice (one per partner, period
-- and KPI) is found by metrics/setcheck.py once every row is ok.
CREATE OR REPLACE TEMP TABLE figure_stage AS
WITH valued AS (
    SELECT r.*,
           regexp_full_match(r.value, '[+-]?([0-9]{1,15}(\.[0-9]{1,15})?|\.[0-9]{1,15})%?') AS usual
    FROM figure_rows r
),
joined AS (
    SELECT v.row_no, p.code AS partner_code, k.code AS kpi_code, t.label AS period, t.period_index, t.is_annual,
           CASE WHEN v.value = '' THEN NULL
                WHEN v.usual THEN CAST(rtrim(v.value, '%') AS DOUBLE) ELSE x.number END AS number,
           CASE WHEN v.value = '' THEN '' WHEN v.usual THEN (CASE WHEN v.value LIKE '%\%' ESCAPE '\' THEN '%' ELSE '' END)
                ELSE x.sign END AS sign,
           v.value = '' AS blank, nullif(v.note, '') AS note,
           p.joined_on, p.left_on, t.starts, t.ends, k.annual, k.unit, k.min_value, k.max_value
    FROM valued v
    LEFT JOIN figure_partner_texts p ON p.text = v.partner
    LEFT JOIN figure_period_texts t ON t.text = v.period
    LEFT JOIN figure_kpi_texts k ON k.text = v.kpi
    LEFT JOIN figure_value_texts x ON NOT v.usual AND x.text = v.value
)
SELECT row_no, partner_code, kpi_code, period, period_index, is_annual, number AS value, note,
       partner_code IS NOT NULL AND kpi_code IS NOT NULL AND period IS NOT NULL
       AND NOT (starts > coalesce(left_on, DATE '9999-12-31') OR ends < joined_on)
       AND annual = is_annual
       AND (CASE WHEN blank THEN note IS NOT NULL
                 ELSE number IS NOT NULL
                      AND (sign = '' OR (sign = '%' AND unit = '%') OR (sign = '£' AND unit = 'GBP'))
                      AND NOT coalesce(number < min_value, false) AND NOT coalesce(number > max_value, false) END)
       AS ok
FROM joined
