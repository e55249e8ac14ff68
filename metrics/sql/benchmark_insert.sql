-- A checked benchmark row (metrics/benchmarks.py), with its period's index as core.measurement keeps it.
INSERT INTO core.benchmark (partnership_code, kpi_code, measure, period, period_index, is_annual, source, group_name,
                            scope, lower_quartile, median, upper_quartile, sample_size, illustrative)
VALUES ($partnership_code, $kpi_code, $measure, $period, $period_index, $is_annual, $source, $group_name, $scope,
        $lower_quartile, $median, $upper_quartile, $sample_size, $illustrative);
