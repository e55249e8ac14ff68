"""Benchmarks (metrics/benchmarks.py): `charter benchmarks FILE`, the `benchmark` and `benchmark_position` views."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics import store
from tests.conftest import AS_OF, charter, table_contents

HEADER = "kpi_code,period,source,group_name,lower_quartile,median,upper_quartile,sample_size\n"


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        return con.execute(sql).fetchall()


def load(db: Path, tmp_path: Path, text: str, name: str = "bands.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return charter(db, "benchmarks", str(path)), path


def test_the_demo_holds_the_seed_fact_a_partnership_level_lower_quartile_of_4m(demo_db: Path) -> None:
    assert query(
        demo_db,
        "SELECT partnership_code, kpi_code, period, source, group_name, lower_quartile, median, upper_quartile, "
        "scope, illustrative FROM benchmark WHERE scope = 'partnership'",
    ) == [
        (
            "LICTP",
            None,
            "2018/19",
            "SOCITM benchmarking 2018",
            "District councils: three together",
            4_000_000.0,
            None,
            None,
            "partnership",
            False,
        )
    ]
    # Every other demo band is invented and says so.
    assert query(demo_db, "SELECT count(*) FROM benchmark WHERE scope = 'council' AND NOT illustrative") == [(0,)]


def test_a_figure_is_placed_in_its_quartile_in_the_kpis_direction(demo_db: Path, tmp_path: Path) -> None:
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        (value,) = con.execute(
            "SELECT value FROM measurement WHERE partner_code = 'HBBC' AND kpi_code = 'FIN01' AND period = '2025/26 Q1'"
        ).fetchone()
        (ict,) = con.execute(
            "SELECT value FROM measurement WHERE partner_code = 'HBBC' AND kpi_code = 'ICT03' AND period = '2025/26 Q1'"
        ).fetchone()
    # FIN01 (cost per user) is better lower: a figure below the lower quartile is in the top quartile.
    # ICT03 (fixed first time) is better higher: a figure below the lower quartile is in the bottom quartile.
    text = HEADER + (
        f"FIN01,2025/26 Q1,Test,Districts,{value + 1},{value + 2},{value + 3},10\n"
        f"ICT03,2025/26,Test,Districts,{ict + 1},{ict + 2},{ict + 3},10\n"
        f"ICT03,2025/26 Q1,Test,Districts,{ict - 3},{ict - 2},{ict - 1},10\n"
    )
    done, _ = load(demo_db, tmp_path, text)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{tmp_path / 'bands.csv'}: loaded 3 benchmarks.\n", "")
    placed = query(
        demo_db,
        "SELECT kpi_code, period, benchmark_period, quartile, quartile_name FROM benchmark_position "
        "WHERE partner_code = 'HBBC' AND source = 'Test' AND period IN ('2025/26 Q1', '2025/26 Q2') ORDER BY ALL",
    )
    assert placed == [
        ("FIN01", "2025/26 Q1", "2025/26 Q1", 1, "Top quartile"),
        ("ICT03", "2025/26 Q1", "2025/26 Q1", 1, "Top quartile"),  # the quarter's own benchmark before the year's
        ("ICT03", "2025/26 Q2", "2025/26", placed[2][3], placed[2][4]),  # the year's benchmark covers its quarters
    ]


def test_loading_again_replaces_a_benchmark_rather_than_adding_one(demo_db: Path, tmp_path: Path) -> None:
    before = query(demo_db, "SELECT count(*) FROM benchmark")[0][0]
    first, _ = load(demo_db, tmp_path, HEADER + "ICT05,2025/26,Test,Districts,99,99.5,99.9,12\n")
    again, _ = load(demo_db, tmp_path, HEADER + "ICT05,2025/26,Test,Districts,98,99,99.5,14\n")
    assert (first.returncode, again.returncode) == (0, 0)
    assert query(demo_db, "SELECT count(*) FROM benchmark")[0][0] == before + 1
    assert query(demo_db, "SELECT lower_quartile, sample_size FROM benchmark WHERE source = 'Test'") == [(98.0, 14)]


GOOD = "ICT05,2024/25,Good,Districts,99,99.5,99.9,12\n"  # a good first row: refused with the rest, not stored
BAD = [
    (
        "quartiles-out-of-order",
        HEADER + GOOD + "ICT05,2025/26,Test,Districts,99.9,99.5,99.0,12\n",
        [
            "{f}:3:median: median 99.5 is below lower_quartile 99.9; check the order",
            "{f}:3:upper_quartile: upper_quartile 99 is below median 99.5; check the order",
        ],
    ),
    (
        "unknown-kpi-and-ambiguous-year",
        HEADER + GOOD + "ICT99,2025/26,Test,Districts,1,2,3,12\nICT05,2025,Test,Districts,1,2,3,12\n",
        [
            "{f}:3:kpi_code: 'ICT99' is not known here; use one of DS01, DS02, DS03, DS04, DS05, DS06, DS07, DS08, "
            "DS09, DS10, FIN01, FIN02, ICT01, ICT02, ICT03, ICT04, ICT05, ICT06, ICT07, ICT08, ICT09, ICT10",
            "{f}:4:period: '2025' is ambiguous: a single year does not say which financial year; write 2025/26 Q1 or "
            "2024/25 Q1 (financial years run April to March)",
        ],
    ),
    (
        "a-sample-of-none",
        HEADER + GOOD + ",2025/26,Test,Districts,,,,0\n",
        ["{f}:3:sample_size: '0' is out of range; it must be more than 0"],
    ),
    (
        "no-quartile",
        HEADER + GOOD + "ICT05,2025/26,Test,Districts,,,,5\n",
        ["{f}:3:median: no quartile is given; give at least one of the three"],
    ),
    (
        "a-council-benchmark-without-its-kpi",
        HEADER + GOOD + ",2025/26,Test,Districts,1,2,3,5\n",
        [
            "{f}:3:kpi_code: this is blank; name the KPI (or, for the partnership, the measure)",
            "{f}:3:kpi_code: a council's benchmark names its KPI; fill in kpi_code",
        ],
    ),
    (
        "a-column-it-does-not-know",
        "kpi,period,source,group_name,median\nICT05,2025/26,Test,Districts,99\n",
        [
            "{f}:1:kpi: 'kpi' is not a column of a file of benchmarks; use only kpi_code, period, source, group_name, "
            "lower_quartile, median, upper_quartile, sample_size, scope, measure, illustrative"
        ],
    ),
]


@pytest.mark.parametrize(("text", "lines"), [(t, lines) for _, t, lines in BAD], ids=[i for i, *_ in BAD])
def test_a_bad_benchmark_file_is_refused_whole_with_its_rows_named(
    demo_db: Path, tmp_path: Path, text: str, lines: list[str]
) -> None:
    before = table_contents(demo_db)
    done, path = load(demo_db, tmp_path, text)
    n = len(lines)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        *(line.format(f=path) for line in lines),
        f"Rejected: {n} problem{'s' * (n != 1)} to fix; nothing was loaded.",
    ]
    assert table_contents(demo_db) == before


def test_only_the_board_or_an_administrator_loads_benchmarks(demo_db: Path, tmp_path: Path) -> None:
    assert (
        charter(demo_db, "user", "add", "viewer@council.example", "--role", "viewer", "--no-password").returncode == 0
    )
    before = table_contents(demo_db)
    path = tmp_path / "bands.csv"
    path.write_text(HEADER + "ICT05,2025/26,Test,Districts,99,99.5,99.9,12\n", encoding="utf-8")
    done = charter(demo_db, "--as", "viewer@council.example", "benchmarks", str(path))
    assert done.returncode == 1
    assert "change the partnership's money, risks, contracts and options" in done.stderr
    assert table_contents(demo_db) == before


# --- on the pages: the KPI chart's band and the scorecard's quartiles -------------------------------------


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    from streamlit.testing.v1 import AppTest

    from metrics.config import ROOT

    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    return AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)


def test_the_kpi_chart_draws_the_band_and_says_what_it_is(app) -> None:
    app.query_params["kpi"] = "ICT05"
    app.switch_page("app_pages/kpis.py").run()
    assert not app.exception
    text = "\n".join(c.value for c in app.caption)
    assert (
        "The shaded band is the benchmark's middle half, lower to upper quartile (illustrative): Illustrative "
        "comparison (not a real Socitm or LG Inform figure)." in text
    )


def test_the_band_is_a_layer_under_the_lines_in_the_kpis_unit() -> None:
    import pandas as pd

    from dashboard import charts

    series = pd.DataFrame(
        {
            "partner_name": ["A", "A"],
            "partner_order": [1, 1],
            "period": ["2025/26 Q1", "2025/26 Q2"],
            "period_index": [1, 2],
            "value": [99.1, 99.4],
        }
    )
    rollup = series.drop(columns=["partner_name", "partner_order"])
    bands = pd.DataFrame(
        {
            "period": ["2025/26 Q1", "2025/26 Q2", "2030/31 Q1"],
            "lower_quartile": [99.0, 99.0, 1.0],
            "median": [99.5, 99.5, 2.0],
            "upper_quartile": [99.8, 99.8, 3.0],
            "source": ["Test"] * 3,
        }
    )
    spec = charts.kpi_by_partner(series, rollup, "%", "higher", 1, None, bands).to_dict()
    first = spec["layer"][0]
    assert first["mark"]["type"] == "area"
    assert first["encoding"]["y2"]["field"] == "upper_quartile"
    drawn = spec["datasets"][first["data"]["name"]]
    assert [r["period"] for r in drawn] == ["2025/26 Q1", "2025/26 Q2"]  # only the chart's own quarters
    assert drawn[0]["lower_quartile_text"] == "99.0%"


def test_the_scorecard_names_each_kpis_benchmark_quartile(app, demo_db: Path) -> None:
    app.query_params["partner"] = "HBBC"
    app.switch_page("app_pages/scorecard.py").run()
    assert not app.exception
    expected = dict(
        query(
            demo_db,
            "SELECT k.name, q.quartile_name FROM benchmark_position q JOIN kpi k ON k.code = q.kpi_code "
            "WHERE q.partner_code = 'HBBC' AND q.period = '2025/26 Q2' AND q.source LIKE 'Illustrative%'",
        )
    )
    assert expected  # the demo benchmarks some of HBBC's KPIs that quarter
    shown = {}
    for frame in app.dataframe:
        table = frame.value
        if "benchmark" in table.columns:
            shown |= dict(zip(table["kpi_name"], table["benchmark"], strict=True))
    assert {k: v for k, v in shown.items() if v != "— no benchmark"} == {
        name: f"{quartile} (illustrative)" for name, quartile in expected.items()
    }
