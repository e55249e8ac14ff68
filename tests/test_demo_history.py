"""The complete demo (`charter init --demo`): a year of service desk tickets through the real import, two past board
meetings through the board's writes, and a default quarter with running objectives (issue 13)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics import board, demo, queries, store
from metrics.framework import read_framework
from metrics.periods import last_complete_quarter, parse_period
from metrics.status import Status
from tests.test_app import APP

LATER = date(2026, 11, 30)  # a year after the tests' usual day: most of the framework's own deadlines have passed
LAST = last_complete_quarter(LATER)  # 2026/27 Q2, the app's default quarter on that day
BOARD_MEMBER = "Demo board member (illustrative)"


@pytest.fixture(scope="module")
def full_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The complete demo as `charter init --demo` builds it on LATER."""
    path = tmp_path_factory.mktemp("full") / "demo.duckdb"
    with store.connect(path, as_of=LATER) as con:
        store.migrate(con)
        lines = demo.install(con, today=LATER, by="tests", history=True)
    assert lines[-3:] == [
        "Demo service desk: 17,055 tickets imported for 3 councils, 2025/26 Q3 to 2026/27 Q2; "
        "60 service desk KPI figures approved (illustrative).",
        "Demo board history: meeting of 11 June 2026 on 2025/26 Q4: 6 reviews, 4 deadlines extended, 2 actions "
        "agreed (illustrative).",
        "Demo board history: meeting of 10 September 2026 on 2026/27 Q1: 6 reviews, 1 deadline extended, 2 actions "
        "agreed (illustrative).",
    ]
    return path


@pytest.fixture(scope="module")
def full(full_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with store.connect(full_db, read_only=True, as_of=LATER) as con:
        yield con


def test_the_tickets_came_in_through_the_import_as_planned_council_by_council(full: duckdb.DuckDBPyConnection) -> None:
    planned: dict[str, int] = {}
    for (partner, _), quarter in demo.desk_plans(read_framework(demo.FRAMEWORK), LATER).items():
        planned[partner] = planned.get(partner, 0) + quarter.logged
    stored = dict(full.execute("SELECT partner_code, count(*) FROM core.ticket GROUP BY ALL").fetchall())
    assert stored == planned
    assert set(stored) == {"HBBC", "BDC", "MBC"}  # Oadby & Wigston left in 2021
    assert all(n > 3000 for n in stored.values())
    imports = queries.ticket_imports(full)
    assert imports[["file_name", "rows_read", "bad_rows", "imported_by", "submission_status"]].values.tolist() == [
        ["demo-service-desk-illustrative-2025-26-Q3-to-2026-27-Q2.csv", sum(planned.values()), 0,
         "Demo data (illustrative)", "approved"],
    ]  # fmt: skip
    flagged = full.execute(
        "SELECT s.illustrative, s.source FROM core.ticket_import i JOIN core.submission s ON s.id = i.submission_id"
    ).fetchall()
    assert flagged == [(True, "service desk")]


def test_the_ict_page_has_figures_for_every_council_in_the_default_quarter(full: duckdb.DuckDBPyConnection) -> None:
    measures = queries.ticket_measures(full, first=LAST.shift(-7).index, last=LAST.index)
    now = measures[(measures["period_index"] == LAST.index) & (measures["priority"] == 0)]
    for measure in ("tickets_logged", "sla_pct", "first_time_fix_pct", "resolve_hours_median", "backlog_open"):
        values = now[now["measure"] == measure].set_index("partner_code")["value"]
        assert sorted(values.index) == ["BDC", "HBBC", "MBC"], measure
        assert values.notna().all() and (values > 0).all(), measure
    sla = now[now["measure"] == "sla_pct"]["value"]
    assert ((sla > 60) & (sla < 100)).all()
    bands = queries.ticket_resolution_bands(full, LAST)
    assert set(bands["partner_code"]) == {"HBBC", "BDC", "MBC"} and bands["incidents"].sum() > 1000
    ageing = queries.ticket_backlog_ageing(full, first=LAST.shift(-3).index, last=LAST.index)
    assert not ageing.empty


def test_the_desk_kpis_of_the_last_year_are_the_tickets_figures(full: duckdb.DuckDBPyConnection) -> None:
    # ICT01 (tickets logged) per council in the default quarter: the approved figure is the count of tickets.
    figures = dict(
        full.execute(
            "SELECT partner_code, value FROM measurement WHERE kpi_code = 'ICT01' AND period = $p", {"p": str(LAST)}
        ).fetchall()
    )
    counted = dict(
        full.execute(
            "SELECT partner_code, count(*) FROM core.ticket WHERE core.quarter_index(opened_at) = $i GROUP BY ALL",
            {"i": LAST.index},
        ).fetchall()
    )
    assert figures == {p: float(n) for p, n in counted.items()}
    uploaded = full.execute(
        "SELECT count(*) FROM core.measurement m JOIN core.submission s ON s.id = m.submission_id "
        "WHERE s.source = 'demo' AND m.kpi_code IN ('ICT01', 'ICT02', 'ICT03', 'ICT04', 'ICT06') "
        "AND m.period_index BETWEEN $first AND $last",
        {"first": LAST.shift(-3).index, "last": LAST.index},
    ).fetchall()[0][0]
    assert uploaded == 0  # that year's desk figures come from the tickets alone


def test_two_past_board_meetings_with_reviews_decisions_and_actions(full: duckdb.DuckDBPyConnection) -> None:
    meetings = board.meetings(full)
    assert meetings[["held_on", "period", "reviews"]].values.tolist() == [
        [pd.Timestamp(2026, 9, 10), "2026/27 Q1", 6],
        [pd.Timestamp(2026, 6, 11), "2025/26 Q4", 6],
    ]
    assert set(meetings["recorded_by"]) == {BOARD_MEMBER}
    assert all("Illustrative" in n for n in meetings["notes"])
    reviews = board.reviews(full)
    assert len(reviews) == 12
    assert set(reviews["decision"]) == {"noted", "action agreed", "target revised"}
    assert all(c.startswith("Illustrative") for c in reviews["comment"])
    actions = board.actions(full, LATER)
    assert sorted(actions["state"]) == ["done", "open", "open", "overdue"]
    assert set(actions["recorded_by"]) == {BOARD_MEMBER}


def test_deadlines_extended_by_revision_are_kept_in_history(full: duckdb.DuckDBPyConnection) -> None:
    revisions = board.revisions(full)
    extended = revisions.groupby("objective_code")["deadline"].first().to_dict()
    assert len(extended) == 5
    assert all(r.startswith("Illustrative: deadline extended by a year") for r in revisions["reason"])
    originals = full.execute(
        "SELECT DISTINCT objective_code, period FROM core.target WHERE kind = 'final' AND effective_from_index IS NULL "
        "AND objective_code IN (SELECT unnest($codes))",
        {"codes": list(extended)},
    ).fetchall()
    for code, period in originals:  # the framework's own deadline stays, a year before the board's
        assert parse_period(period).shift(4) == parse_period(extended[code])


def test_the_default_quarter_has_running_objectives_off_track_at_risk_and_ended_ones(
    full: duckdb.DuckDBPyConnection,
) -> None:
    progress = queries.progress_for_period(full, LAST)
    running = queries.running(progress)
    statuses = running["status"].value_counts().to_dict()
    assert running["objective_code"].nunique() >= 8
    assert statuses[Status.OFF_TRACK.word] >= 3 and statuses[Status.AT_RISK.word] >= 3
    extended = set(board.revisions(full)["objective_code"])
    assert extended <= set(running["objective_code"])  # every extension keeps its objective running
    assert running[running["objective_code"].isin(extended)]["status"].isin([Status.OFF_TRACK.word]).any()
    ended = queries.ended(progress)["status"].value_counts().to_dict()
    assert ended[Status.MET.word] >= 1 and ended[Status.MISSED.word] >= 1


def test_the_overview_names_every_off_track_objective_of_the_default_quarter_first(
    full_db: Path, full: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = queries.running(queries.progress_for_period(full, LAST))
    off = running[running["status"] == Status.OFF_TRACK.word]
    monkeypatch.setenv("CHARTER_DB", str(full_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: LATER)
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception
    assert app.header[0].value == "Needs attention"
    block = "".join(m.value for m in app.main.markdown if 'class="charter-attention"' in m.value)
    named = set(re.findall(r'<a href="objective\?objective=([^&"]+)&amp;', block))
    assert set(off["objective_code"]) <= named
    assert len(off) >= 3
