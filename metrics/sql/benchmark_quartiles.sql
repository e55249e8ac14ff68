-- Each council's quartile for each KPI in one period, best first in the KPI's direction (metrics/benchmark_reads.py).
SELECT partner_code, kpi_code, value, quartile, quartile_name, source, group_name, benchmark_period, illustrative
FROM benchmark_position
WHERE period = $period AND quartile IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY partner_code, kpi_code ORDER BY source, group_name) = 1
ORDER BY partner_code, kpi_code;
