"""The public views (docs/views.md) on the demo partnership, read with plain SQL as a user's own tools would."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from pandas.testing import assert_frame_equal

from metrics import queries, store
from metrics.periods import Period, parse_period
from tests.conftest import AS_OF

P = "partnership_code"  # every view's first column: the partnership the database holds (docs/hosting.md)
COLUMNS = {
    "partner": [P, "code", "name", "joined_on", "left_on"],
    "commitment": [P, "code", "title", "cross_cutting"],
    "principle": [P, "code", "strapline"],
    "outcome": [P, "code", "parent_code", "text"],
    "kpi": [P, "code", "name", "unit", "polarity", "category", "decimals"],  # decimals: schema 10 (docs/views.md)
    "objective": [P, "code", "title", "commitment_code", "kpi_code", "deadline_period", "status"],
    "measurement": [P, "partner_code", "period", "kpi_code", "value", "note", "submission_id", "approved"],
    "submission": [P, "id", "file_name", "sha256", "submitted_by", "submitted_at", "status", "row_count"],
    "objective_progress": [
        P,
        "objective_code",
        "partner_code",
        "period",
        "actual",
        "target",
        "status",
        "direction",
        "result_source",
        "decided_by",
        "decided_on",
    ],
    "audit": [P, "id", "recorded_at", "actor", "role", "action", "entity", "entity_key", "before", "after"],
}


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
    return con.execute(sql, params or {}).fetchall()


@pytest.mark.parametrize("view", sorted(COLUMNS))
def test_each_view_has_exactly_the_columns_of_the_spec(con: duckdb.DuckDBPyConnection, view: str) -> None:
    found = rows(
        con,
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $v "
        "ORDER BY ordinal_position",
        {"v": view},
    )
    assert [c for (c,) in found] == COLUMNS[view]
    assert rows(
        con,
        "SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $v",
        {"v": view},
    ) == [("VIEW",)]


def test_every_public_view_but_the_list_of_partnerships_starts_with_the_partnership(
    con: duckdb.DuckDBPyConnection,
) -> None:
    views = rows(con, "SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal ORDER BY 1")
    assert len(views) > 20 and ("partnership",) in views
    for (view,) in views:
        first = con.execute(f"SELECT * FROM {view} LIMIT 0").description[0][0]  # noqa: S608
        assert first == ("code" if view == "partnership" else P), view
        if view != "partnership":
            assert rows(con, f"SELECT DISTINCT {P} FROM {view}") in ([("LICTP",)], []), view  # noqa: S608


def test_measurement_history_says_which_submission_brought_each_figure(con: duckdb.DuckDBPyConnection) -> None:
    columns = [c for (c,) in rows(con, "SELECT column_name FROM (DESCRIBE measurement_history)")]
    assert columns[:7] == ["partnership_code", "partner_code", "period", "kpi_code", "value", "note", "submission_id"]
    assert "superseded" in columns
    # Every figure ever accepted: the current ones and the ones the BDC correction replaced.
    assert rows(con, "SELECT count(*) FROM measurement_history") == rows(con, "SELECT count(*) FROM core.measurement")
    assert rows(con, "SELECT count(*) FROM measurement_history WHERE NOT superseded") == rows(
        con, "SELECT count(*) FROM measurement"
    )
    assert rows(
        con, "SELECT DISTINCT partner_code, period, submission_status FROM measurement_history WHERE superseded"
    ) == [("BDC", "2025/26 Q2", "approved")]


def test_three_current_partners_and_one_former(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "SELECT code FROM partner WHERE left_on IS NULL") == [("HBBC",), ("BDC",), ("MBC",)]
    assert rows(con, "SELECT code, CAST(left_on AS VARCHAR) FROM partner WHERE left_on IS NOT NULL") == [
        ("OWBC", "2021-12-31")
    ]


def test_the_charter_five_commitments_two_cross_cutting_and_seven_principles(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "SELECT title, cross_cutting FROM commitment") == [
        ("Digital Councils", False),
        ("Digital Services", False),
        ("Digital Localities", False),
        ("Collaboration", True),
        ("Data and Governance", True),
    ]
    assert rows(con, "SELECT count(*), count(DISTINCT strapline) FROM principle") == [(7, 7)]


def test_every_commitment_and_principle_has_an_outcome(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        rows(
            con,
            "SELECT code FROM (SELECT code FROM commitment UNION ALL SELECT code FROM principle) "
            "WHERE code NOT IN (SELECT parent_code FROM outcome)",
        )
        == []
    )
    assert rows(
        con,
        "SELECT count(*) FROM outcome WHERE parent_code NOT IN "
        "(SELECT code FROM commitment UNION ALL SELECT code FROM principle)",
    ) == [(0,)]


def test_at_least_two_objectives_for_every_commitment(con: duckdb.DuckDBPyConnection) -> None:
    counts = rows(
        con,
        "SELECT c.code, count(o.code) FROM commitment c LEFT JOIN objective o ON o.commitment_code = c.code "
        "GROUP BY c.code ORDER BY c.code",
    )
    assert len(counts) == 5
    assert all(n >= 2 for _, n in counts), counts
    assert rows(con, "SELECT count(*) FROM objective WHERE kpi_code NOT IN (SELECT code FROM kpi)") == [(0,)]


def test_digital_strategy_and_ict_service_kpis(con: duckdb.DuckDBPyConnection) -> None:
    counts = dict(rows(con, "SELECT category, count(*) FROM kpi GROUP BY ALL"))
    assert counts["digital"] >= 6
    assert counts["ict"] >= 6
    assert set(counts) <= {"digital", "ict", "finance"}
    assert rows(con, "SELECT DISTINCT polarity FROM kpi ORDER BY 1") == [("higher",), ("lower",)]


def test_eight_or_more_quarters_of_figures_for_every_current_partner(con: duckdb.DuckDBPyConnection) -> None:
    quarters = dict(
        rows(
            con,
            "SELECT p.code, count(DISTINCT m.period) FROM partner p LEFT JOIN measurement m "
            "ON m.partner_code = p.code AND m.value IS NOT NULL AND m.period LIKE '% Q_' "
            "WHERE p.left_on IS NULL GROUP BY ALL",
        )
    )
    assert set(quarters) == {"HBBC", "BDC", "MBC"}
    assert all(n >= 8 for n in quarters.values()), quarters
    # One current figure per partner, period and KPI.
    assert rows(
        con,
        "SELECT count(*) FROM (SELECT partner_code, period, kpi_code FROM measurement GROUP BY ALL "
        "HAVING count(*) > 1)",
    ) == [(0,)]


def test_objective_progress_shows_every_status_and_result(con: duckdb.DuckDBPyConnection) -> None:
    statuses = {s for (s,) in rows(con, "SELECT DISTINCT status FROM objective_progress")}
    assert statuses == {"On track", "At risk", "Off track", "No data", "Overdue", "Met", "Missed", "Not assessed"}
    directions = {d for (d,) in rows(con, "SELECT DISTINCT direction FROM objective_progress")}
    assert directions <= {"improving", "worsening", "no change", None}
    assert {"improving", "worsening"} <= directions
    # MBC still owes figures for 2025/26 Q2, due on 30 October 2025: overdue on 20 November.
    overdue = rows(
        con,
        "SELECT DISTINCT objective_code FROM objective_progress WHERE status = 'Overdue' AND partner_code = 'MBC' "
        "AND period = '2025/26 Q2'",
    )
    assert len(overdue) >= 2
    # The quarter in progress has no data yet, and is not overdue.
    assert rows(
        con, "SELECT DISTINCT status FROM objective_progress WHERE period = '2025/26 Q3' AND result_source IS NULL"
    ) == [("No data",)]


def test_every_period_after_an_objectives_deadline_shows_its_result(con: duckdb.DuckDBPyConnection) -> None:
    found = rows(
        con,
        "SELECT p.objective_code, p.partner_code, p.period_index, p.deadline_period, v.status, v.result_source "
        "FROM core.progress(core.as_of(), true) p "
        "JOIN objective_progress v USING (objective_code, partner_code, period)",
    )
    assert len(found) == rows(con, "SELECT count(*) FROM objective_progress")[0][0]
    after = [(status, source) for _, _, idx, deadline, status, source in found if idx > parse_period(deadline).index]
    before = [(status, source) for _, _, idx, deadline, status, source in found if idx <= parse_period(deadline).index]
    assert after and before
    assert {status for status, _ in after} == {"Met", "Missed", "Not assessed"}
    assert {source for _, source in after} == {"computed", "board"}
    # OBJ03's status is `achieved` in the demo framework: the board's result, Met, for every council after March 2025.
    board = {(o, status) for o, _, idx, deadline, status, source in found if source == "board"}
    assert board == {("OBJ03", "Met")}
    assert {source for _, source in before} == {None}
    assert not {status for status, _ in before} & {"Met", "Missed", "Not assessed"}


def test_a_former_partner_is_judged_only_while_it_was_a_partner(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(
        con, "SELECT max(period) FROM objective_progress WHERE partner_code = 'OWBC' AND period LIKE '% Q_'"
    ) == [("2021/22 Q3",)]


def test_demo_data_is_flagged_illustrative(con: duckdb.DuckDBPyConnection) -> None:
    assert rows(con, "SELECT illustrative FROM core.partnership") == [(True,)]
    assert rows(con, "SELECT count(*) > 0, bool_and(illustrative) FROM core.submission") == [(True, True)]
    assert rows(con, "SELECT count(*) FROM submission") == rows(con, "SELECT count(*) FROM core.submission")


def test_progress_kept_from_earlier_gives_the_same_answers_and_refuses_other_calls(demo_db: Path) -> None:
    """The app works progress out once per data version (dashboard/resources.py) and answers the queries'
    `charter_progress` from those rows: the same rows as the rules, and no other question answered by them."""
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        direct = queries.progress_for_period(con, Period(2025, 2))
        kept = con.sql("SELECT * FROM core.progress(core.as_of(), true)").to_arrow_table()
        store.use_progress(con, kept, AS_OF)
        assert_frame_equal(queries.progress_for_period(con, Period(2025, 2)), direct)
        with pytest.raises(duckdb.Error, match="rows kept are for approved figures on 2025-11-20"):
            queries.progress_for_period(con, Period(2025, 2), published=False)
    with store.connect(demo_db, read_only=True, as_of=AS_OF + timedelta(days=1)) as con:
        store.use_progress(con, kept, AS_OF)
        with pytest.raises(duckdb.Error, match="rows kept are for approved figures on 2025-11-20"):
            queries.progress_for_period(con, Period(2025, 2))
