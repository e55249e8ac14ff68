"""The Board review and Actions pages through AppTest: record the meeting, a review, a revision and an action."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from metrics import board, store
from metrics.access import Actor, Role
from metrics.config import ROOT
from metrics.periods import Period
from tests.conftest import AS_OF, table_contents

APP = str(ROOT / "dashboard" / "app.py")
Q2 = Period(2025, 2)
LEAD = Actor("lead@example.org", Role.ADMIN)  # the signed-in person, recorded with what the board decides


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = LEAD
    return at


def _open(app: AppTest, page: str) -> AppTest:
    app.run()
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _text(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _record_meeting(app: AppTest) -> None:
    app.text_input(key="meeting_date").input("18/11/2025")
    app.text_area(key="meeting_who").input("Chief Executive (HBBC)\nDirector of Resources (BDC)")
    app.button(key="FormSubmitter:meeting_form-Record the meeting").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.success[0].value == "Meeting recorded for the 2025/26 Q2 review."


def _review(
    app: AppTest, objective: str, assessment: str, decision: str, result: str | None = None, **fields: str
) -> None:
    """Open the review form beside `objective`, fill it in (`fields` by the key after the objective's prefix) and
    record it."""
    app.button(key=f"choose-{objective}").click().run()
    prefix = f"review-{objective}_"
    app.selectbox(key=f"{prefix}assessment").select(assessment)
    app.selectbox(key=f"{prefix}decision").select(decision)
    if result:
        app.selectbox(key=f"{prefix}result").select(result)
    for key, value in fields.items():
        widget = app.text_area if key in ("comment", "reason") else app.text_input
        widget(key=prefix + key).input(value)
    app.button(key=f"FormSubmitter:review_form-{objective}-Record the review").click().run()
    assert not app.exception, [e.value for e in app.exception]


def test_the_board_page_opens_with_what_needs_a_decision_worst_first(app: AppTest, demo_db: Path) -> None:
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        listed = board.exception_objectives(board.exceptions(con, Q2, everything=True))
    needing = listed[listed["needs_decision"]]["objective_code"].tolist()
    others = int(listed["reasons"].ne("").sum()) - len(needing)
    assert 0 < len(needing) < len(listed) and others > 0
    _open(app, "board")
    assert app.title[0].value == "Board review"
    text = _text(app)
    assert f"**{len(needing)} of {len(listed)} objectives** need the board's decision in 2025/26 Q2" in text
    assert [h.value.split(" ")[0] for h in app.subheader] == needing  # worst first, as metrics/board.py orders
    assert "OBJ07 by partner in 2025/26 Q2" in text and "Why it is listed: Off track: BDC" in text
    assert f"{others} more objectives are on the exception list" in text
    assert "No meeting has been recorded for the 2025/26 Q2 review yet" in text
    assert [b.label for b in app.get("download_button")] == [
        "Board pack (PDF)", "Its tables (XLSX)", "Its tables (CSV, zipped)",
    ]  # fmt: skip
    app.radio(key="board_show").set_value("All objectives").run()
    assert [h.value.split(" ")[0] for h in app.subheader] == listed["objective_code"].tolist()


def test_a_review_with_an_action_is_recorded_beside_its_objective(app: AppTest, demo_db: Path) -> None:
    _open(app, "board")
    _record_meeting(app)
    _review(
        app, "OBJ07", "Off track", "action agreed", comment="Blaby's payments moved to a new supplier.",
        action="Report on the new payment portal", owner="Head of Digital (BDC)", due="27/02/2026",
    )  # fmt: skip
    assert app.success[0].value == (
        "The board's review of OBJ07 is recorded: action agreed, assessed Off track. It is now first in the board's "
        "record."
    )
    assert [f.key for f in app.get("form")] == ["meeting_form"]  # the review form gave way to the confirmation
    assert _rows(
        demo_db, "SELECT objective_code, assessment, decision, comment, recorded_by FROM core.board_review"
    ) == [("OBJ07", "Off track", "action agreed", "Blaby's payments moved to a new supplier.", LEAD.email)]
    assert _rows(demo_db, "SELECT description, owner, due_on, state FROM core.board_action") == [
        ("Report on the new payment portal", "Head of Digital (BDC)", date(2026, 2, 27), "open")
    ]
    # the earlier decision and the open action now show beside the objective
    assert "**action agreed** (Off track). Blaby's payments moved to a new supplier." in _text(app)
    assert "Action (open): Report on the new payment portal – Head of Digital (BDC), due 27 Feb 2026" in _text(app)


def test_closing_an_ended_objective_confirms_it_above_the_list_it_has_left(app: AppTest, demo_db: Path) -> None:
    _open(app, "board")
    _record_meeting(app)
    _review(app, "OBJ09", "Off track", "closed", "missed", comment="Accepted as missed.")
    assert app.success[0].value == (
        "The board's review of OBJ09 is recorded: closed, assessed Off track. OBJ09 is closed as missed: where it "
        "shows a result, the board's decision stands. It is now first in the board's record. It is no longer in "
        "this list."
    )
    assert "OBJ09" not in [h.value.split(" ")[0] for h in app.subheader]
    assert _rows(demo_db, "SELECT status FROM core.objective WHERE code = 'OBJ09'") == [("missed",)]


def test_a_target_revision_is_recorded_on_the_board_page_and_shown_on_the_objective_page(
    app: AppTest, demo_db: Path
) -> None:
    _open(app, "board")
    _record_meeting(app)
    _review(
        app, "OBJ05", "At risk", "target revised", comment="Demand rose with new estates.",
        target="1,700", reason="Two new housing estates added 4,000 users",
    )  # fmt: skip
    assert app.success[0].value.startswith("The board's review of OBJ05 is recorded: target revised")
    rows = _rows(
        demo_db,
        "SELECT partner_code, value, effective_from_index, reason, recorded_by FROM core.target "
        "WHERE objective_code = 'OBJ05' AND kind = 'final' AND superseded_at IS NULL ORDER BY id",
    )
    originals = [r for r in rows if r[2] is None]
    revised = [r for r in rows if r[2] is not None]
    assert [r[:2] for r in originals] == [("HBBC", 1960.0), ("BDC", 1360.0), ("MBC", 945.0), ("OWBC", 1040.0)]
    assert revised == [
        (p, 1700.0, 8102, "Two new housing estates added 4,000 users", LEAD.email) for p in ("HBBC", "BDC", "MBC")
    ]  # applies from 2025/26 Q3, the quarter after the one reviewed
    app.query_params["objective"] = "OBJ05"
    app.switch_page("app_pages/objective.py").run()
    assert not app.exception
    text = _text(app)
    hinckley, blaby = "Hinckley & Bosworth Borough Council", "Blaby District Council"  # names, not codes, on the page
    assert f"**Target and deadline:** {hinckley} 1,960 (2025/26 Q4); {blaby} 1,360 (2025/26 Q4)" in text
    assert f"**Revised by the board:** {hinckley} 1,700 by 2025/26 Q4 from 2025/26 Q3 (was 1,960)" in text
    assert f"The board revised {blaby}'s final target to **1,700** by 2025/26 Q4, from 2025/26 Q3 on (was 1,360" in text
    reviews = next(d.value for d in app.dataframe if "decision" in d.value.columns)
    assert reviews[["decision", "recorded_by"]].values.tolist() == [["target revised", LEAD.email]]


def test_a_revision_without_a_reason_is_refused_on_the_page_and_changes_nothing(app: AppTest, demo_db: Path) -> None:
    _open(app, "board")
    _record_meeting(app)
    before = table_contents(demo_db)
    _review(app, "OBJ05", "At risk", "target revised", target="1700")
    assert app.error[0].value == (
        "A target revision needs a reason: say why the board is changing the target. Nothing was recorded."
    )
    assert table_contents(demo_db) == before


def test_the_actions_page_filters_and_marks_an_action_done(app: AppTest, demo_db: Path) -> None:
    _open(app, "actions")
    assert "The board has not agreed any actions yet" in _text(app)
    app.selectbox(key="add_objective").select("OBJ12")
    app.text_input(key="add_description").input("Agree a common data standard")
    app.text_input(key="add_owner").input("Data Lead")
    app.text_input(key="add_due").input("1/11/2025")
    app.button(key="FormSubmitter:action_add_form-Add the action").click().run()
    assert not app.exception and app.success[0].value == "Action added."
    assert "**1** overdue" in _text(app)  # due 1 November 2025, before "today" (20 November)
    table = app.dataframe[0].value
    assert table[["objective_code", "owner", "state"]].values.tolist() == [["OBJ12", "Data Lead", "overdue"]]
    app.multiselect(key="actions_state").set_value(["done"]).run()
    assert app.dataframe[0].value.empty
    app.button(key="FormSubmitter:action_done_form-Mark it done").click().run()
    assert app.success[0].value == "Action 1 is marked done."
    assert app.dataframe[0].value["state"].tolist() == ["done"]
    assert _rows(demo_db, "SELECT state, done_by FROM core.board_action") == [("done", LEAD.email)]
