"""The charts' Vega-Lite specs are valid against the schema. The app builds them once per data without checking
(dashboard/resources.py `chart_spec`, for speed at fifty councils), so the check is here, on real data: the demo's
three councils, and a synthetic partnership with more councils than the charts have colours."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dashboard import charts, resources
from metrics import queries, store
from metrics.periods import Period, period_range
from tests.conftest import AS_OF, charter

QUARTERS = [str(p) for p in period_range(Period(2023, 3), Period(2025, 2))]


def _valid(chart: Any) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()  # validates against the Vega-Lite schema; raises if invalid
    assert spec["datasets"] and all(rows for rows in spec["datasets"].values())
    return spec


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("charts") / "many.duckdb"
    done = charter(db, "--as-of", AS_OF.isoformat(), "demo", "--partners", "10", "--years", "2", "--kpis", "6",
                   "--seed", "1", "--no-tickets")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return db


def test_the_demo_charts_are_valid(demo_db: Path) -> None:
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        progress = queries.objective_progress(con, "OBJ07")
        series = queries.kpi_series(con)
        rollup = queries.kpi_rollup(con, kpi="DS01")
    _valid(charts.objective_partner(progress[progress["partner_code"] == "BDC"], "%", "Blaby District Council"))
    digital = series[(series["category"] == "digital") & series["period"].isin(QUARTERS)]
    spec = _valid(charts.kpi_small_multiples(digital, QUARTERS, charts.partner_names(series), 1))
    assert "Hinckley & Bosworth Borough Council" in str(spec)  # each of the few partners has its own colour
    _valid(charts.kpi_by_partner(series[series["kpi_code"] == "DS01"], rollup, "%", "higher"))


def test_charts_of_many_councils_are_valid_and_say_what_the_grey_lines_are(many: Path) -> None:
    with store.connect(many, read_only=True, as_of=AS_OF) as con:
        series = queries.kpi_series(con)
        code = str(series["kpi_code"].iloc[0])
        rollup = queries.kpi_rollup(con, kpi=code)
    assert len(charts.partner_names(series)) == 10 > charts.DISTINCT_PARTNERS
    quarters = sorted(series["period"].unique())[-8:]
    small = _valid(charts.kpi_small_multiples(series, quarters, charts.partner_names(series), 1))
    one = _valid(charts.kpi_by_partner(series[series["kpi_code"] == code], rollup, "%", "higher"))
    assert charts.EACH_PARTNER in str(small) and "The partners' median" in str(small)
    assert charts.EACH_PARTNER in str(one) and "Partnership" in str(one)


def test_the_app_keeps_the_same_spec_it_would_check(demo_db: Path) -> None:
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        progress = queries.objective_progress(con, "OBJ07")
    one = progress[progress["partner_code"] == "HBBC"]
    kept = resources.chart_spec(charts.objective_partner, one, "%", "Hinckley & Bosworth Borough Council")
    assert kept == _valid(charts.objective_partner(one, "%", "Hinckley & Bosworth Borough Council"))
