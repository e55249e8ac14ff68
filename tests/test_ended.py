"""Ended objectives (docs/progress-rules.md, 5), through the real SQL: after the deadline in force every period
shows the result, Met, Missed or Not assessed; a board decision stands above it; an extension by revision
runs the objective again. Figures are worked out by hand in the comments; the helpers are test_progress's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from metrics import board, queries, store
from metrics.access import Actor
from metrics.admin import ObjectiveEdit, edit_objective
from metrics.board import RevisionInput
from metrics.config import ROOT
from metrics.periods import Period, parse_period
from tests.conftest import AS_OF
from tests.test_progress import ALPHA, BETA, setup, upload

# 50 -> 70 (%, higher is better) or 20 -> 12 (hours, lower is better) from 2024/25 Q4 to the deadline 2025/26 Q4.
HIGHER = {"polarity": "higher", "unit": "%", "baseline": ("2024/25 Q4", 50), "target": ("2025/26 Q4", 70)}
LOWER = {"polarity": "lower", "unit": "hours", "baseline": ("2024/25 Q4", 20), "target": ("2025/26 Q4", 12)}
LATER = date(2026, 11, 20)  # rows run 2025/26 Q1 to 2026/27 Q3; the deadline 2025/26 Q4 is the fourth
ADMIN = Actor.administrator("admin@example.org")


def table(db: Path, as_of: date = LATER) -> list[tuple[Any, ...]]:
    """The public view objective_progress for AAA: period, status and who gave the result."""
    with store.connect(db, read_only=True, as_of=as_of) as con:
        return con.execute(
            "SELECT period, status, result_source, decided_by, decided_on FROM objective_progress "
            "WHERE partner_code = 'AAA'"
        ).fetchall()


def statuses(db: Path, as_of: date = LATER) -> list[tuple[str, str]]:
    return [(period, status) for period, status, *_ in table(db, as_of)]


def set_status(db: Path, status: str) -> None:
    """The administrator records the board's decision on the objective's status."""
    with store.connect(db) as con:
        now = con.execute(
            "SELECT title, owner, status, tolerance_kind, tolerance_amount, tolerance_set_by, tolerance_set_on "
            "FROM core.objective WHERE code = 'OBJ1'"
        ).fetchall()[0]
        edit = ObjectiveEdit(*now[:2], status, *now[3:])
        assert edit_objective(con, ADMIN, "OBJ1", edit, "Strategy board, 12 March 2026") == 1


@pytest.mark.parametrize(
    ("kpi", "deadline_figure", "at_deadline", "result"),
    [
        # The deadline quarter keeps its running status, judged with the tolerance (5% of 70 = 3.5);
        # the result after it is judged on the same figure against 70 with no tolerance.
        (HIGHER, 70, "On track", "Met"),  # exactly on the final target meets it
        (HIGHER, 85, "On track", "Met"),
        (HIGHER, 69.5, "At risk", "Missed"),  # within the tolerance is still a miss once it has ended
        (HIGHER, 40, "Off track", "Missed"),
        (HIGHER, None, "Overdue", "Not assessed"),  # a data gap, never Met or Missed
        (LOWER, 12, "On track", "Met"),
        (LOWER, 9, "On track", "Met"),
        (LOWER, 12.5, "At risk", "Missed"),  # 5% of 12 = 0.6
        (LOWER, 20, "Off track", "Missed"),
        (LOWER, None, "Overdue", "Not assessed"),
    ],
)
def test_every_period_after_the_deadline_shows_the_result(
    empty_db: Path, kpi: dict[str, Any], deadline_figure: float | None, at_deadline: str, result: str
) -> None:
    figures = [("2025/26 Q4", deadline_figure)] if deadline_figure is not None else []
    setup(empty_db, figures=figures, **kpi)
    assert statuses(empty_db)[3:] == [
        ("2025/26 Q4", at_deadline),
        ("2026/27 Q1", result),
        ("2026/27 Q2", result),
        ("2026/27 Q3", result),
    ]
    assert {(source, by) for _, status, source, by, _ in table(empty_db)[4:]} == {("computed", None)}


def test_running_periods_have_no_result_source(empty_db: Path) -> None:
    setup(empty_db, figures=[("2025/26 Q1", 56)], **HIGHER)
    assert {source for _, _, source, _, _ in table(empty_db)[:4]} == {None}


def test_figures_after_the_deadline_do_not_change_the_result(empty_db: Path) -> None:
    # 66 in the deadline quarter misses 70; 90 a quarter later is too late to count.
    setup(empty_db, figures=[("2025/26 Q4", 66), ("2026/27 Q1", 90)], **HIGHER)
    assert statuses(empty_db)[4:] == [("2026/27 Q1", "Missed"), ("2026/27 Q2", "Missed"), ("2026/27 Q3", "Missed")]


def test_the_deadline_figure_arriving_late_turns_not_assessed_into_the_result(empty_db: Path) -> None:
    setup(empty_db, **HIGHER)
    assert statuses(empty_db)[4][1] == "Not assessed"
    upload(empty_db, [("AAA", "2025/26 Q4", 71, "")])
    assert statuses(empty_db)[4][1] == "Met"


def test_an_unapproved_deadline_figure_is_not_assessed_on_members_pages(empty_db: Path) -> None:
    setup(empty_db, **HIGHER)
    upload(empty_db, [("AAA", "2025/26 Q4", 71, "")], approve=False)
    assert statuses(empty_db)[4][1] == "Not assessed"


def test_each_partner_has_its_own_result(empty_db: Path) -> None:
    setup(empty_db, partners=(ALPHA, BETA), **HIGHER)
    upload(empty_db, [("AAA", "2025/26 Q4", 70, ""), ("BBB", "2025/26 Q4", 60, "")])
    with store.connect(empty_db, read_only=True, as_of=LATER) as con:
        got = con.execute("SELECT partner_code, status FROM objective_progress WHERE period = '2026/27 Q3'").fetchall()
    assert got == [("AAA", "Met"), ("BBB", "Missed")]


def test_an_annual_objective_shows_its_result_in_later_years(empty_db: Path) -> None:
    # 40 in 2022/23 to 60 by 2024/25; 61 in 2024/25 meets it; 2025/26 and 2026/27 show Met.
    setup(empty_db, frequency="annual", baseline=("2022/23", 40), target=("2024/25", 60), figures=[("2024/25", 61)])
    assert statuses(empty_db) == [
        ("2023/24", "Overdue"), ("2024/25", "On track"), ("2025/26", "Met"), ("2026/27", "Met"),
    ]  # fmt: skip


# --- the board's decision --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figure", "decision", "at_deadline", "computed", "shown"),
    [
        (60, "achieved", "Off track", "Missed", "Met"),  # the board judged it achieved although 60 misses 70
        (75, "missed", "On track", "Met", "Missed"),
        (None, "achieved", "Overdue", "Not assessed", "Met"),
    ],
)
def test_the_boards_decision_stands_above_the_computed_result_with_who_and_when(
    empty_db: Path, figure: float | None, decision: str, at_deadline: str, computed: str, shown: str
) -> None:
    setup(empty_db, figures=[("2025/26 Q4", figure)] if figure is not None else [], **HIGHER)
    assert statuses(empty_db)[4][1] == computed
    set_status(empty_db, decision)
    rows = table(empty_db)
    assert rows[3] == ("2025/26 Q4", at_deadline, None, None, None)  # the deadline quarter is still running
    assert [r[:4] for r in rows[4:]] == [
        (period, shown, "board", "admin@example.org") for period in ("2026/27 Q1", "2026/27 Q2", "2026/27 Q3")
    ]
    assert {r[4] for r in rows[4:]} == {date.today()}


def test_a_decision_before_the_deadline_leaves_the_running_quarters_alone(empty_db: Path) -> None:
    setup(empty_db, figures=[("2025/26 Q1", 56), ("2025/26 Q2", 40)], **HIGHER)
    set_status(empty_db, "achieved")
    assert statuses(empty_db, date(2025, 11, 20)) == [
        ("2025/26 Q1", "On track"), ("2025/26 Q2", "Off track"), ("2025/26 Q3", "No data"),
    ]  # fmt: skip


def test_a_withdrawn_objective_shows_no_status_or_result(empty_db: Path) -> None:
    setup(empty_db, figures=[("2025/26 Q4", 75)], **HIGHER)
    assert statuses(empty_db)[4][1] == "Met"
    set_status(empty_db, "withdrawn")
    assert table(empty_db) == []


def test_a_result_set_in_the_framework_file_has_no_decider_on_record(empty_db: Path) -> None:
    setup(empty_db, status="missed", figures=[("2025/26 Q4", 75)], **HIGHER)
    assert table(empty_db)[4] == ("2026/27 Q1", "Missed", "board", None, None)


# --- extension by revision ---------------------------------------------------------------------------------


def extend(db: Path, applies_from: str, deadline: str, value: float = 70) -> None:
    with store.connect(db) as con:
        board.revise_target(
            con,
            objective="OBJ1",
            revision=RevisionInput(
                value, parse_period(applies_from), "Supplier delay", deadline=parse_period(deadline)
            ),
            by=ADMIN,
        )


def test_an_extension_runs_the_objective_again_until_the_new_deadline(empty_db: Path) -> None:
    # 66 missed 70 at 2025/26 Q4. The board extends the deadline to 2026/27 Q4 from 2026/27 Q2: Q1 keeps
    # the result it had (the revision does not rewrite history); from Q2 the line runs from the baseline
    # (50 at 2024/25 Q4) to 70 at 2026/27 Q4, 8 quarters, 2.5 a quarter: Q2 65, Q3 67.5.
    setup(empty_db, figures=[("2025/26 Q4", 66), ("2026/27 Q2", 66)], **HIGHER)
    extend(empty_db, "2026/27 Q2", "2026/27 Q4")
    assert statuses(empty_db)[3:] == [
        ("2025/26 Q4", "Off track"),  # 4 short of 70, beyond 5% of 70 (3.5)
        ("2026/27 Q1", "Missed"),
        ("2026/27 Q2", "On track"),  # 66 meets 65
        ("2026/27 Q3", "No data"),  # the quarter under way
    ]
    # After the new deadline the result is judged on the new deadline's figure against the revised target.
    upload(empty_db, [("AAA", "2026/27 Q4", 70, "")])
    assert statuses(empty_db, date(2027, 8, 1))[-3:] == [
        ("2026/27 Q4", "On track"), ("2027/28 Q1", "Met"), ("2027/28 Q2", "Met"),
    ]  # fmt: skip


# --- members' headline counts --------------------------------------------------------------------------------


def test_headline_counts_cover_running_objectives_and_list_ended_ones_apart(empty_db: Path) -> None:
    # AAA met 70 at the deadline 2025/26 Q4, BBB sent nothing for it; in 2026/27 Q2 both objectives' rows have
    # ended: nothing is counted as running, and the ended line says 1 met, 1 not assessed.
    setup(empty_db, partners=(ALPHA, BETA), **HIGHER)
    upload(empty_db, [("AAA", "2025/26 Q4", 70, ""), ("AAA", "2026/27 Q2", 30, "")])
    with store.connect(empty_db, read_only=True, as_of=LATER) as con:
        after = queries.progress_for_period(con, Period(2026, 2))
        before = queries.progress_for_period(con, Period(2025, 4))
    assert queries.status_counts(after, ["partner_code"]).empty
    assert queries.ended_summary(after) == "Ended: 1 met, 1 not assessed"
    ended = queries.ended_objectives(after)
    assert ended[["objective_code", "deadline_period", "met", "missed", "not_assessed", "not_assessed_by"]].to_dict(
        "records"
    ) == [
        {"objective_code": "OBJ1", "deadline_period": "2025/26 Q4", "met": 1, "missed": 0, "not_assessed": 1,
         "not_assessed_by": ["Beta Borough Council"]}
    ]  # fmt: skip
    assert queries.result_basis("computed", None, None, "2025/26 Q4") == (
        "The figure for 2025/26 Q4 against the final target"
    )
    # The deadline quarter itself is still running: AAA on track, BBB's figure overdue; no ended line.
    counts = queries.status_counts(before, ["partner_code"]).set_index("partner_code")
    assert counts.loc["AAA", "On track"] == 1 and counts.loc["BBB", "Overdue"] == 1
    assert int(counts.to_numpy().sum()) == 2
    assert queries.ended_summary(before) == ""


def test_the_board_decision_is_said_with_who_and_when(empty_db: Path) -> None:
    setup(empty_db, figures=[("2025/26 Q4", 60)], **HIGHER)
    set_status(empty_db, "achieved")
    with store.connect(empty_db, read_only=True, as_of=LATER) as con:
        after = queries.progress_for_period(con, Period(2026, 1))
    row = queries.ended_objectives(after).iloc[0]
    assert (row["met"], row["missed"], row["result_source"]) == (1, 0, "board")
    assert queries.result_basis(row["result_source"], row["decided_by"], row["decided_on"], "2025/26 Q4") == (
        f"The board's decision, recorded by admin@example.org on {date.today():%-d %B %Y}"
    )


def test_the_board_is_asked_to_decide_on_an_ended_objective_until_it_does(empty_db: Path) -> None:
    setup(empty_db, partners=(ALPHA, BETA), **HIGHER)
    upload(empty_db, [("AAA", "2025/26 Q4", 60, "")])  # AAA missed 70; BBB sent nothing for the deadline
    with store.connect(empty_db, read_only=True, as_of=LATER) as con:
        listed = board.exceptions(con, Period(2026, 2))
    assert list(listed["reasons"].iloc[0]) == [
        "Ended, missed (no decision recorded): AAA",
        "Ended, not assessed (no figure for the deadline; no decision recorded): BBB",
    ]
    set_status(empty_db, "missed")
    with store.connect(empty_db, read_only=True, as_of=LATER) as con:
        assert board.exceptions(con, Period(2026, 2)).empty


# --- the pages (the demo as of 20 November 2025: OBJ03, OBJ09 and OBJ20 ended in March 2025) ------------------


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    return AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)


def test_the_overview_counts_running_objectives_and_lists_ended_ones_apart(app: AppTest) -> None:
    app.run()
    assert not app.exception
    text = "\n".join(m.value for m in app.markdown)
    # 21 objectives x 3 councils in 2025/26 Q2 = 63 targets; OBJ03 (board: achieved), OBJ20 (met by all three)
    # and OBJ09 (missed by two, one not assessed) have ended: 54 running.
    assert "there are 54 targets this quarter" in text
    assert sum(int(m.value) for m in app.metric) == 54
    # The words say what is counted: three objectives, nine targets (one per council).
    assert "**Ended: 3 objectives, with 9 targets (one per council): 6 met, 2 missed, 1 not assessed.**" in text
    table = next(m.value for m in app.markdown if "past their deadline in 2025/26 Q2, with their results" in m.value)
    assert "OBJ03" in table and "OBJ09" in table and "OBJ20" in table
    assert "decision, set in the framework file" in table  # OBJ03's result is the board's


def test_reaching_the_deadline_is_its_own_movement_not_better_or_worse(con: duckdb.DuckDBPyConnection) -> None:
    # 2024/25 Q4 was the deadline of OBJ03, OBJ09 and OBJ20: in 2025/26 Q1 each council's row shows the result.
    moved = queries.status_changes(con, Period(2025, 1))
    ended = moved[moved["movement"] == "ended"]
    assert sorted(set(ended["objective_code"])) == ["OBJ03", "OBJ09", "OBJ20"]
    assert set(zip(ended["objective_code"], ended["partner_code"], ended["was"], ended["now"], strict=True)) >= {
        ("OBJ09", "HBBC", "At risk", "Missed"), ("OBJ09", "MBC", "Overdue", "Not assessed"),
    }  # fmt: skip
    assert not set(moved.loc[moved["movement"] != "ended", "now"]) & {"Met", "Missed", "Not assessed"}
