"""The board closes an objective in its review (decision 'closed'): the result it gives (achieved, missed,
withdrawn) becomes the objective's status, kept in its history with who and when, and stands above the computed
result wherever the objective's status shows (docs/progress-rules.md, 5). The demo as of 20 November 2025: OBJ09
ended in March 2025 (HBBC and BDC missed, MBC sent no figure for the deadline); OBJ07 runs to 2025/26 Q4."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics import board, queries
from metrics.access import Actor
from metrics.board import BoardError
from tests.conftest import table_contents
from tests.test_board import Q2, _meeting, opened

CLERK = Actor.administrator("Clerk to the board")


def _close(db: Path, objective: str, result: str | None, decision: str = "closed") -> int:
    with opened(db) as con:
        return board.record_review(
            con, meeting_id=_meeting(con), objective=objective, assessment="Off track", decision=decision,
            comment="Ended; the board accepts the result.", by=CLERK, result=result,
        )  # fmt: skip


def _progress(db: Path, objective: str) -> list[tuple[object, ...]]:
    """The public view's rows for `objective` in 2025/26 Q2: partner, status, who gave the result and when."""
    with opened(db) as con:
        return con.execute(
            "SELECT partner_code, status, result_source, decided_by, decided_on FROM objective_progress "
            "WHERE objective_code = $o AND period = $p ORDER BY partner_code",
            {"o": objective, "p": str(Q2)},
        ).fetchall()


def test_before_closing_the_demo_objective_shows_its_computed_results(demo_db: Path) -> None:
    assert _progress(demo_db, "OBJ09") == [
        ("BDC", "Missed", "computed", None, None),
        ("HBBC", "Missed", "computed", None, None),
        ("MBC", "Not assessed", "computed", None, None),
    ]


@pytest.mark.parametrize(
    ("result", "status", "shown"), [("missed", "missed", "Missed"), ("achieved", "achieved", "Met")]
)
def test_closing_an_ended_objective_sets_the_result_for_every_council_with_who_and_when(
    demo_db: Path, result: str, status: str, shown: str
) -> None:
    _close(demo_db, "OBJ09", result)
    assert _progress(demo_db, "OBJ09") == [
        (partner, shown, "board", "Clerk to the board", date.today()) for partner in ("BDC", "HBBC", "MBC")
    ]
    with opened(demo_db) as con:
        assert con.execute("SELECT status FROM objective WHERE code = 'OBJ09'").fetchall() == [(status,)]
        changes = queries.objective_changes(con, "OBJ09")
        assert changes[["field", "old_value", "new_value", "changed_by"]].values.tolist() == [
            ["status", "active", status, "Clerk to the board"]
        ]
        assert changes["reason"].item() == (
            "Closed by the board at its meeting of 18 November 2025: Ended; the board accepts the result."
        )
        listed = board.exception_objectives(board.exceptions(con, Q2))
        # The board has decided: OBJ09 no longer waits for its decision, and the Overview's line says the result.
        assert "OBJ09" not in set(listed["objective_code"])
        ended = queries.ended_objectives(queries.progress_for_period(con, Q2)).set_index("objective_code")
        assert ended.loc["OBJ09", "result_source"] == "board"
        assert queries.result_basis("board", *ended.loc["OBJ09", ["decided_by", "decided_on"]], "2024/25 Q4") == (
            f"The board's decision, recorded by Clerk to the board on {date.today():%-d %B %Y}"
        )


def test_withdrawing_an_objective_takes_it_off_the_progress_pages(demo_db: Path) -> None:
    _close(demo_db, "OBJ07", "withdrawn")
    assert _progress(demo_db, "OBJ07") == []
    with opened(demo_db) as con:
        assert con.execute("SELECT status FROM objective WHERE code = 'OBJ07'").fetchall() == [("withdrawn",)]
        assert "OBJ07" not in set(board.exceptions(con, Q2, everything=True)["objective_code"])
        assert board.reviews(con, "OBJ07")["decision"].tolist() == ["closed"]


@pytest.mark.parametrize(
    ("objective", "decision", "result", "message"),
    [
        ("OBJ09", "closed", None,
         "The decision is 'closed': say how the objective ends (achieved, missed, withdrawn)."),
        ("OBJ09", "noted", "missed",
         "A result (missed) was given, but the decision is not 'closed': choose that decision."),
        ("OBJ09", "closed", "finished", "An objective is closed as one of: achieved, missed, withdrawn."),
        ("OBJ07", "closed", "achieved",
         "OBJ07 runs until 2025/26 Q4, so in the 2025/26 Q2 review it cannot be closed as achieved: record a result "
         "after its deadline, or withdraw it, or revise its target."),
    ],
)  # fmt: skip
def test_a_closing_that_cannot_be_made_says_why_and_changes_nothing(
    demo_db: Path, objective: str, decision: str, result: str | None, message: str
) -> None:
    with opened(demo_db) as con:
        meeting = _meeting(con)
    before = table_contents(demo_db)
    with opened(demo_db) as con, pytest.raises(BoardError) as refused:
        board.record_review(
            con, meeting_id=meeting, objective=objective, assessment="Off track", decision=decision, comment="",
            by=CLERK, result=result,
        )  # fmt: skip
    assert str(refused.value) == message
    assert table_contents(demo_db) == before
