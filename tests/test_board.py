"""The strategy board in metrics: the exception list, meetings, reviews, revisions and actions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from metrics import board, board_record, queries, store
from metrics.access import Actor
from metrics.board import ActionInput, BoardError, RevisionInput
from metrics.framework import read_framework
from metrics.loader import load_framework
from metrics.periods import parse_period
from metrics.status import Status
from tests.conftest import AS_OF, FRAMEWORK, table_contents

Q2 = parse_period("2025/26 Q2")


@contextmanager
def opened(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one step, closed after it, so that table_contents can read the file between steps."""
    with store.connect(db, as_of=AS_OF) as con:
        yield con


def _meeting(con: duckdb.DuckDBPyConnection) -> int:
    return board.record_meeting(
        con, held_on="18/11/2025", period="2025/26 Q2", attendees="Chief Executive, HBBC\nDirector, BDC",
        by=Actor.administrator("Clerk to the board"), today=AS_OF,
    )  # fmt: skip


# --- the exception list --------------------------------------------------------------------------------


def test_the_exception_list_holds_exactly_the_objectives_that_need_attention(con: duckdb.DuckDBPyConnection) -> None:
    progress = queries.progress_for_period(con, Q2)
    deadline_index = progress["deadline_period"].map(lambda p: parse_period(p).index)
    needs = (
        progress["status"].isin(["Off track", "At risk", "Overdue"])
        | (progress["forecast"] == "unlikely")
        | deadline_index.sub(Q2.index).between(0, 2)
        | (progress["status"].isin(["Off track", "At risk"]) & progress["note"].fillna("").str.strip().eq(""))
        # ended, missed or not assessed, and the board has not recorded its decision (OBJ09)
        | (progress["status"].isin(["Missed", "Not assessed"]) & progress["result_source"].eq("computed"))
    )
    expected = set(progress.loc[needs, "objective_code"])
    listed = board.exceptions(con, Q2)
    assert set(listed["objective_code"]) == expected
    assert 0 < len(expected) < progress["objective_code"].nunique()  # some objectives are left off
    # every partner of a listed objective is shown, so the board sees the whole picture
    per_objective = listed.groupby("objective_code")["partner_code"].count()
    assert per_objective.eq(progress[progress["objective_code"].isin(expected)].groupby("objective_code").size()).all()


def test_the_exception_list_is_grouped_by_commitment_with_reasons_and_trend(con: duckdb.DuckDBPyConnection) -> None:
    listed = board.exceptions(con, Q2)
    assert listed["commitment_order"].is_monotonic_increasing
    row = listed[(listed["objective_code"] == "OBJ07") & (listed["partner_code"] == "BDC")].iloc[0]
    assert list(row["reasons"]) == [
        "Off track: BDC",
        "Forecast unlikely to meet the target: BDC",
        "Deadline 2025/26 Q4 (in two quarters)",
        "No commentary on an off-track or at-risk figure: BDC",
    ]
    assert list(row["recent_periods"]) == ["2024/25 Q3", "2024/25 Q4", "2025/26 Q1", "2025/26 Q2"]
    assert list(row["recent_statuses"])[-1] == "Off track" == row["status"]
    summary = board.exception_objectives(listed)
    assert summary.loc[summary["objective_code"] == "OBJ07", "off_track"].item() == 1
    assert summary["objective_code"].is_unique


def _needing(progress: pd.DataFrame, before: pd.DataFrame) -> set[str]:
    """Worked out apart from the SQL: off track for a council, at risk this quarter and the one before, or ended
    missed or not assessed with no decision of the board."""
    was = before.set_index(["objective_code", "partner_code"])["status"]
    twice = [
        r.status == "At risk" and was.get((r.objective_code, r.partner_code)) == "At risk"
        for r in progress.itertuples()
    ]
    needs = (
        progress["status"].eq("Off track")
        | pd.Series(twice, index=progress.index)
        | (progress["status"].isin(["Missed", "Not assessed"]) & progress["result_source"].eq("computed"))
    )
    return set(progress.loc[needs, "objective_code"])


def test_what_needs_a_decision_comes_first_worst_first(con: duckdb.DuckDBPyConnection) -> None:
    progress = queries.progress_for_period(con, Q2)
    expected = _needing(progress, queries.progress_for_period(con, Q2.shift(-1)))
    listed = board.exception_objectives(board.exceptions(con, Q2, everything=True))
    assert listed["objective_code"].tolist()[: len(expected)] == [c for c in listed["objective_code"] if c in expected]
    assert set(listed.loc[listed["needs_decision"], "objective_code"]) == expected
    assert 0 < len(expected) < len(listed) == progress["objective_code"].nunique()  # everything: every objective
    # Worst first among those needing a decision: the worst status's place, then more councils in it first.
    needing = listed[listed["needs_decision"]]
    keys = list(zip(needing["worst_rank"], -needing["worst_count"], strict=True))
    assert keys == sorted(keys)
    worst = progress.groupby("objective_code")["status"].agg(lambda s: min(s, key=lambda w: Status.find(w).rank))
    assert needing.set_index("objective_code")["worst"].to_dict() == worst[list(needing["objective_code"])].to_dict()
    before = queries.progress_for_period(con, Q2.shift(-1))
    both = progress.merge(before, on=["objective_code", "partner_code"], suffixes=("", "_before"))
    twice = both[both["status"].eq("At risk") & both["status_before"].eq("At risk")]
    assert not twice.empty
    listed = board.exceptions(con, Q2)
    for code, group in twice.groupby("objective_code"):
        reasons = list(listed.loc[listed["objective_code"] == code, "reasons"].iloc[0])
        partners = group.sort_values("partner_order")["partner_code"]
        assert f"At risk two quarters running: {', '.join(partners)}" in reasons


def test_an_objective_on_track_everywhere_and_not_near_its_deadline_is_not_listed(
    con: duckdb.DuckDBPyConnection,
) -> None:
    progress = queries.progress_for_period(con, Q2)
    calm = progress.groupby("objective_code").filter(
        lambda g: g["status"].isin(["On track", "Met"]).all() and g["forecast"].ne("unlikely").all()
        and not 0 <= parse_period(g["deadline_period"].iloc[0]).index - Q2.index <= 2
    )["objective_code"].unique()  # fmt: skip
    assert len(calm) > 0
    assert not set(calm) & set(board.exceptions(con, Q2)["objective_code"])


# --- recording -----------------------------------------------------------------------------------------


def test_a_review_with_an_action_is_recorded_with_who_and_when(demo_db: Path) -> None:
    with opened(demo_db) as con:
        meeting = _meeting(con)
        review = board.record_review(
            con, meeting_id=meeting, objective="OBJ07", assessment="Off track", decision="action agreed",
            comment="Blaby to report on the fall.", by=Actor.administrator("Clerk to the board"),
            action=ActionInput("Report on the fall in online payments", "Head of Digital (BDC)", date(2026, 1, 31)),
        )  # fmt: skip
        reviews = board.reviews(con, "OBJ07")
        actions = board.actions(con, AS_OF)
        meetings = board.meetings(con, Q2)
    assert meetings["attendees"].tolist() == ["Chief Executive, HBBC, Director, BDC"]
    got = reviews.iloc[0]
    assert (got["id"], got["decision"], got["assessment"], got["recorded_by"]) == (
        review, "action agreed", "Off track", "Clerk to the board",
    )  # fmt: skip
    assert got["held_on"].date() == date(2025, 11, 18) and got["period"] == "2025/26 Q2"
    assert abs(pd.Timestamp.now() - got["recorded_at"]) < timedelta(minutes=1)
    assert got["actions"] == "Report on the fall in online payments (Head of Digital (BDC), due 31 Jan 2026)"
    assert actions[["objective_code", "owner", "state", "review_id"]].values.tolist() == [
        ["OBJ07", "Head of Digital (BDC)", "open", review]
    ]


def test_an_action_is_open_then_overdue_then_done(demo_db: Path) -> None:
    with opened(demo_db) as con:
        action = board.record_action(
            con, objective="OBJ05", action=ActionInput("Publish self-service guide", "Service Desk Manager",
                                                       date(2025, 12, 31)), by=Actor.administrator("Clerk"),
        )  # fmt: skip
        assert board.actions(con, AS_OF)["state"].tolist() == ["open"]
        assert board.actions(con, date(2026, 1, 1))["state"].tolist() == ["overdue"]
        assert board.actions(con, date(2026, 1, 1), states=["open"]).empty
        assert len(board.actions(con, AS_OF, owner="Service Desk Manager")) == 1
        assert board.actions(con, AS_OF, objective="OBJ07").empty
        board.complete_action(
            con, action, by=Actor.administrator("Service Desk Manager"), note="Published on the intranet"
        )
        done = board.actions(con, date(2026, 1, 1)).iloc[0]
        assert (done["state"], done["done_by"], done["done_note"]) == (
            "done", "Service Desk Manager", "Published on the intranet",
        )  # fmt: skip
        with pytest.raises(BoardError, match=r"^Action 1 is already done \(marked by Service Desk Manager on "):
            board.complete_action(con, action, by=Actor.administrator("Someone else"))


# --- target revisions ----------------------------------------------------------------------------------


def test_a_revision_changes_the_status_from_then_on_and_keeps_the_original(demo_db: Path) -> None:
    with opened(demo_db) as con:
        before = queries.objective_progress(con, "OBJ05")
        board.revise_target(
            con, objective="OBJ05", by=Actor.administrator("Strategy board"),
            revision=RevisionInput(1400, parse_period("2025/26 Q1"), "Demand grew with the new housing estates",
                                   partners=("HBBC",)),
        )  # fmt: skip
        after = queries.objective_progress(con, "OBJ05")
        targets = queries.objective_targets(con, "OBJ05")
        public = con.execute(
            "SELECT period, target, status FROM objective_progress WHERE objective_code = 'OBJ05' "
            "AND partner_code = 'HBBC' AND period IN ('2024/25 Q4', '2025/26 Q2') ORDER BY period"
        ).fetchall()
    both = before.merge(after, on=["partner_code", "period"], suffixes=("", "_after"))
    start = parse_period("2025/26 Q1").index
    earlier, later = both[both["period_index"] < start], both[both["period_index"] >= start]
    assert earlier[["target", "status"]].values.tolist() == earlier[["target_after", "status_after"]].values.tolist()
    hbbc = later[later["partner_code"] == "HBBC"]
    others = later[later["partner_code"] != "HBBC"]
    assert (hbbc["target_after"] < hbbc["target"]).all()  # a straight line to 1,400 now, not to 1,960
    assert (others["target_after"] == others["target"]).all()
    changed = hbbc[hbbc["status"] != hbbc["status_after"]]
    assert set(changed["status_after"]) == {"Off track"} and len(changed) >= 2
    finals = targets[(targets["partner_code"] == "HBBC") & (targets["kind"] == "final")]
    assert finals[["value", "in_force"]].values.tolist() == [
        [1960.0, True],  # the original, kept and still in force before 2025/26 Q1
        [1400.0, True],
    ]
    assert finals["applies_from"].isna().tolist() == [True, False] and finals["applies_from"].iloc[1] == "2025/26 Q1"
    assert finals["reason"].tolist()[-1] == "Demand grew with the new housing estates"
    assert public[0][2] == before.query("partner_code == 'HBBC' and period == '2024/25 Q4'")["status"].item()
    assert public[1][2] == "Off track"


def test_a_later_revision_from_the_same_quarter_replaces_the_earlier_one_not_the_original(demo_db: Path) -> None:
    with opened(demo_db) as con:
        for value, why in ((1400, "first thoughts"), (1500, "on reflection")):
            board.revise_target(
                con, objective="OBJ05", by=Actor.administrator("Board"),
                revision=RevisionInput(value, parse_period("2025/26 Q1"), why, partners=("HBBC",)),
            )  # fmt: skip
        revisions = board.revisions(con, "OBJ05")
        q2 = queries.progress_for_period(con, Q2).query("objective_code == 'OBJ05' and partner_code == 'HBBC'")
    assert revisions[["value", "was", "in_force"]].values.tolist() == [[1500.0, 1400.0, True], [1400.0, 1960.0, False]]
    # 2020/21 Q4 baseline 2,450 to 1,500 by 2025/26 Q4 (20 quarters): 2,450 - 950 * 18 / 20 = 1,595 in 2025/26 Q2
    assert q2["target"].item() == 1595.0


def test_a_review_can_revise_a_target_and_agree_an_action_at_once(demo_db: Path) -> None:
    with opened(demo_db) as con:
        review = board.record_review(
            con, meeting_id=_meeting(con), objective="OBJ02", assessment="Off track", decision="target revised",
            comment="Melton's migration slipped a year.", by=Actor.administrator("Clerk"),
            action=ActionInput("Revised migration plan", "ICT Infrastructure Manager", date(2026, 3, 31)),
            revision=RevisionInput(60, parse_period("2025/26 Q3"), "Supplier delay", partners=("MBC",)),
        )  # fmt: skip
        revision = board.revisions(con, "OBJ02").iloc[0]
        assert board.actions(con, AS_OF)["review_id"].tolist() == [review]
    assert (revision["partner_code"], revision["value"], revision["was"], revision["applies_from"]) == (
        "MBC", 60.0, 75.0, "2025/26 Q3",
    )  # fmt: skip
    assert revision["recorded_by"] == "Clerk"


# --- refusals change nothing ---------------------------------------------------------------------------

NEXT_YEAR = parse_period("2025/26 Q3")
REFUSED = [
    (
        {"revision": RevisionInput(1400, NEXT_YEAR, "   ")},
        r"^A target revision needs a reason: say why the board is changing the target\.$",
    ),
    ({"revision": None}, r"^The decision is 'target revised': give the new target, from when it applies, and why\.$"),
    (
        {"decision": "action agreed", "revision": None},
        r"^The decision is 'action agreed': give the action, its owner and its due date\.$",
    ),
    (
        {"decision": "noted"},
        r"^A new target was given, but the decision is not 'target revised': choose that decision\.$",
    ),
    ({"objective": "OBJ99"}, r"^There is no objective 'OBJ99'\.$"),
    ({"assessment": "Fine"}, r"^The assessment must be one of: On track, At risk, Off track, Too early to say\.$"),
    (
        {"by": Actor.administrator("  ")},
        r"^Say who is recording this \(a name or e-mail address\): the record keeps who and when\.$",
    ),
    ({"meeting_id": 99}, r"^There is no meeting 99: record the meeting first\.$"),
    (
        {"action": ActionInput("Plan", "Owner", date(2025, 1, 1))},
        r"^The action is due on 1 January 2025, before the meeting that agreed it \(18 November 2025\)\.$",
    ),
    ({"action": ActionInput("Plan", "", date(2026, 1, 1))}, r"^An action owner is needed\.$"),
    (
        {"revision": RevisionInput(1400, parse_period("2020/21 Q4"), "why")},
        r"^A revision must apply from a quarter after the baseline \(2020/21 Q4\)\.$",
    ),
    (
        {"revision": RevisionInput(1400, NEXT_YEAR, "why", partners=("OWBC",))},
        r"^OBJ05 has no target for OWBC in 2025/26 Q3: choose from HBBC, BDC, MBC\.$",
    ),
    ({"revision": RevisionInput(float("nan"), NEXT_YEAR, "why")}, r"^The new target must be a number\.$"),
    (
        {"objective": "OBJ01", "revision": RevisionInput(120, NEXT_YEAR, "why")},
        r"^The new target 120 is outside the range of Staff who have completed digital skills training \(0 to 100\)\.$",
    ),
    (
        {"objective": "OBJ01", "revision": RevisionInput(90, NEXT_YEAR, "why")},
        r"^The target is already 90 from 2025/26 Q3: nothing to revise\.$",
    ),
]


@pytest.mark.parametrize(("change", "message"), REFUSED)
def test_a_refused_review_changes_nothing(demo_db: Path, change: dict[str, object], message: str) -> None:
    with opened(demo_db) as con:
        meeting = _meeting(con)
    before = table_contents(demo_db)
    asked: dict[str, object] = {
        "meeting_id": meeting, "objective": "OBJ05", "assessment": "At risk", "decision": "target revised",
        "comment": "", "by": Actor.administrator("Clerk"), "action": None,
        "revision": RevisionInput(1400, NEXT_YEAR, "why"),
    } | change  # fmt: skip
    with opened(demo_db) as con, pytest.raises(BoardError, match=message):
        board.record_review(con, **asked)  # type: ignore[arg-type]
    assert table_contents(demo_db) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"held_on": "31/12/2025"}, r"^The meeting date 31 December 2025 is in the future: record a meeting once "),
        ({"held_on": "next Tuesday"}, r"^'next Tuesday' is not a date we can read: write it as day/month/year, "),
        ({"attendees": " , "}, r"^List who attended the meeting \(one name a line, or separated by commas\)\.$"),
        ({"period": "2025/26"}, r"^The board reviews a quarter, not a whole year: choose e\.g\. 2025/26 Q4\.$"),
        ({"period": "2025 Q2"}, r"^The quarter reviewed: '2025 Q2' is ambiguous"),
        ({"by": Actor.administrator("")}, r"^Say who is recording this"),
    ],
)
def test_a_refused_meeting_changes_nothing(demo_db: Path, change: dict[str, object], message: str) -> None:
    before = table_contents(demo_db)
    asked: dict[str, object] = {
        "held_on": "18/11/2025", "period": "2025/26 Q2", "attendees": "A, B", "by": Actor.administrator("Clerk"),
        "today": AS_OF,
    } | change  # fmt: skip
    with opened(demo_db) as con, pytest.raises(BoardError, match=message):
        board.record_meeting(con, **asked)  # type: ignore[arg-type]
    assert table_contents(demo_db) == before


def test_a_failure_part_way_through_a_review_leaves_nothing_behind(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with opened(demo_db) as con:
        meeting = _meeting(con)
    before = table_contents(demo_db)

    def broken(*args: object) -> list[int]:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(board_record, "insert_revision", broken)
    with opened(demo_db) as con, pytest.raises(RuntimeError):
        board.record_review(
            con, meeting_id=meeting, objective="OBJ05", assessment="At risk", decision="target revised",
            comment="x", by=Actor.administrator("Clerk"), action=ActionInput("Plan", "Owner", date(2026, 1, 1)),
            revision=RevisionInput(1400, NEXT_YEAR, "why"),
        )  # fmt: skip
    assert table_contents(demo_db) == before


@pytest.mark.parametrize(
    ("text", "day"),
    [("18/11/2025", date(2025, 11, 18)), ("2025-11-18", date(2025, 11, 18)), ("18 November 2025", date(2025, 11, 18)),
     ("1 Feb 2026", date(2026, 2, 1)), (" 01/02/2026 ", date(2026, 2, 1))],
)  # fmt: skip
def test_days_are_read_as_people_in_the_uk_write_them(text: str, day: date) -> None:
    assert board.parse_day(text) == day


def test_reloading_the_framework_keeps_the_boards_revisions(demo_db: Path) -> None:
    with opened(demo_db) as con:
        board.revise_target(
            con, objective="OBJ05", by=Actor.administrator("Board"),
            revision=RevisionInput(1400, parse_period("2025/26 Q1"), "why", partners=("HBBC",)),
        )  # fmt: skip
        revised = queries.progress_for_period(con, Q2).query("objective_code == 'OBJ05'")
        report = load_framework(
            con, read_framework(FRAMEWORK), by=Actor.administrator("admin"), sha256="same file again"
        )
        assert report.targets_changed == 0
        assert board.revisions(con, "OBJ05")["in_force"].tolist() == [True]
        again = queries.progress_for_period(con, Q2).query("objective_code == 'OBJ05'")
    assert again[["partner_code", "target", "status"]].values.tolist() == (
        revised[["partner_code", "target", "status"]].values.tolist()
    )
