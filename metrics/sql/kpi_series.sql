-- Every KPI's figures by partner and period, with the KPI's unit, polarity and category.
-- `$published`: approved figures only. Blank figures (a note saying why) are left out.
SELECT k.code AS kpi_code, k.name AS kpi_name, k.unit, k.decimals, k.polarity, k.category, k.frequency,
       k.sort_order AS kpi_order, f.partner_code, pa.name AS partner_name, pa.sort_order AS partner_order,
       f.period, f.period_index, f.is_annual, f.value, f.note, f.submission_id,
       f.submission_status = 'approved' AS approved
FROM core.current_figures($published) f
JOIN core.kpi k ON k.code = f.kpi_code
JOIN core.partner pa ON pa.code = f.partner_code
WHERE f.value IS NOT NULL
  AND ($kpi IS NULL OR k.code = $kpi)
  AND ($category IS NULL OR k.category = $category)
ORDER BY k.sort_order, pa.sort_order, f.period_index, f.is_annual
