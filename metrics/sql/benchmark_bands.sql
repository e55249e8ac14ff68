-- One KPI's benchmark band for each quarter it covers (metrics/benchmark_reads.py): a year's benchmark is
-- spread over its four quarters, a quarter's own benchmark wins over its year's, and of several comparisons
-- the first by source and group is drawn (the table beside the chart lists every one).
WITH covered AS (
    SELECT *, unnest(CASE WHEN is_annual THEN range(period_index - 3, period_index + 1)
                          ELSE [period_index] END) AS idx
    FROM core.benchmark
    WHERE kpi_code = $kpi AND scope = 'council'
), spread AS (
    SELECT *, row_number() OVER (PARTITION BY idx ORDER BY is_annual, source, group_name) AS pick FROM covered
)
SELECT core.period_label(idx, false) AS period, idx AS period_index, lower_quartile, median, upper_quartile,
       source, group_name, period AS benchmark_period, sample_size, illustrative
FROM spread
WHERE pick = 1
ORDER BY idx;
