-- Benchmarks: public views (docs/views.md, "benchmark"). Re-created on every `charter init` (metrics/store.py
-- runs every views_*.sql after views.sql).
CREATE OR REPLACE VIEW benchmark AS
    SELECT partnership_code, kpi_code, period, source, group_name, lower_quartile, median, upper_quartile,
           sample_size, scope, measure, illustrative
    FROM core.benchmark
    ORDER BY partnership_code, kpi_code NULLS LAST, period_index, is_annual, source, group_name;

-- Each approved council figure placed in its benchmark's quartiles, best first in the KPI's direction: the
-- benchmark of the figure's own period, else of its financial year (annual benchmarks cover every quarter).
-- With one comparison group per source the quartile is unambiguous; each group gives its own row.
CREATE OR REPLACE VIEW benchmark_position AS
    WITH figures AS (
        SELECT m.partner_code, m.period, m.kpi_code, m.value, k.polarity, cm.period_index, cm.is_annual
        FROM measurement m
        JOIN core.measurement cm ON cm.submission_id = m.submission_id AND cm.partner_code = m.partner_code
             AND cm.kpi_code = m.kpi_code AND cm.period = m.period
        JOIN core.kpi k ON k.code = m.kpi_code
        WHERE m.approved AND m.value IS NOT NULL
    ), matched AS (
        SELECT f.*, b.source, b.group_name, b.lower_quartile, b.median, b.upper_quartile, b.sample_size,
               b.period AS benchmark_period, b.illustrative,
               row_number() OVER (PARTITION BY f.partner_code, f.period, f.kpi_code, b.source, b.group_name
                                  ORDER BY (b.period = f.period) DESC) AS pick
        FROM figures f
        JOIN core.benchmark b ON b.kpi_code = f.kpi_code AND b.scope = 'council'
             AND (b.period = f.period OR (b.is_annual AND NOT f.is_annual
                                          AND f.period_index BETWEEN b.period_index - 3 AND b.period_index))
    ), placed AS (
        SELECT *,
               -- 1 is the best quarter of the comparison in the KPI's direction, 4 the worst
               CASE WHEN lower_quartile IS NULL OR median IS NULL OR upper_quartile IS NULL THEN NULL
                    WHEN polarity = 'lower' THEN CASE WHEN value <= lower_quartile THEN 1 WHEN value <= median THEN 2
                                                      WHEN value <= upper_quartile THEN 3 ELSE 4 END
                    ELSE CASE WHEN value >= upper_quartile THEN 1 WHEN value >= median THEN 2
                              WHEN value >= lower_quartile THEN 3 ELSE 4 END
               END AS quartile
        FROM matched WHERE pick = 1
    )
    SELECT core.partnership_code() AS partnership_code, partner_code, period, kpi_code, value, source, group_name,
           benchmark_period,
           lower_quartile, median, upper_quartile, sample_size, quartile,
           CASE quartile WHEN 1 THEN 'Top quartile' WHEN 2 THEN 'Second quartile'
                         WHEN 3 THEN 'Third quartile' WHEN 4 THEN 'Bottom quartile' END AS quartile_name,
           illustrative
    FROM placed
    ORDER BY partner_code, kpi_code, period_index, is_annual, source, group_name;
