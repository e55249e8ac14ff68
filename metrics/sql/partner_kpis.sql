-- One partner's figure for every KPI in a quarter (annual KPIs with Q4): the quarter before, a year ago,
-- its rank among the partners that reported (1 = best, by the KPI's polarity) and the partners' average.
WITH f AS (SELECT * FROM core.current_figures($published) WHERE value IS NOT NULL),
wanted AS (
    SELECT k.*, CASE WHEN k.frequency = 'annual' THEN true ELSE false END AS annual,
           CASE WHEN k.frequency = 'annual' THEN 4 ELSE 1 END AS step
    FROM core.kpi k
    WHERE k.frequency = 'quarterly' OR $quarter = 4
),
ranked AS (
    SELECT f.*, rank() OVER (PARTITION BY f.kpi_code
                             ORDER BY CASE WHEN w.polarity = 'higher' THEN -f.value ELSE f.value END) AS rank,
           count(*) OVER (PARTITION BY f.kpi_code) AS reporting,
           avg(f.value) OVER (PARTITION BY f.kpi_code) AS partners_average
    FROM f JOIN wanted w ON w.code = f.kpi_code AND f.is_annual = w.annual AND f.period_index = $idx
)
SELECT w.code AS kpi_code, w.name AS kpi_name, w.unit, w.decimals, w.polarity, w.category, w.sort_order,
       t.value, t.note, t.rank, t.reporting, t.partners_average, t.submission_id,
       prev.value AS previous, ly.value AS year_ago,
       core.direction(w.polarity, t.value, prev.value) AS direction,
       core.direction(w.polarity, t.value, ly.value) AS direction_year
FROM wanted w
LEFT JOIN ranked t ON t.kpi_code = w.code AND t.partner_code = $partner
LEFT JOIN f prev ON prev.kpi_code = w.code AND prev.partner_code = $partner AND prev.is_annual = w.annual
    AND prev.period_index = $idx - w.step
LEFT JOIN f ly ON ly.kpi_code = w.code AND ly.partner_code = $partner AND ly.is_annual = w.annual
    AND ly.period_index = $idx - 4
ORDER BY w.sort_order
