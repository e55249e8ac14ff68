-- One benchmark row replaces the one with its KPI (or measure), period, source and group (metrics/benchmarks.py).
DELETE FROM core.benchmark
WHERE partnership_code = $partnership_code AND kpi_code IS NOT DISTINCT FROM $kpi_code AND measure = $measure
  AND period = $period AND source = $source AND group_name = $group_name;
