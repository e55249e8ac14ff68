"""The Risks and Contracts pages through AppTest: who sees them, the re-score and contract forms, the Objective
page's risks."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from metrics.access import Actor, Role
from metrics.config import ROOT
from tests.conftest import AS_OF, table_contents

APP = str(ROOT / "dashboard" / "app.py")
BOARD = Actor("board@example.org", Role.BOARD)


def _app(demo_db: Path, monkeypatch: pytest.MonkeyPatch, actor: Actor | None, public: bool = False) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setenv("CHARTER_PUBLIC", "true" if public else "false")
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    at = AppTest.from_file(APP, default_timeout=60)
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_reads_the_risks_and_contracts_pages(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, role: Role
) -> None:
    at = _open(_app(demo_db, monkeypatch, Actor(f"{role.value}@example.org", role, frozenset({"MBC"}))), "risks")
    assert [t.value for t in at.title] == ["Risks"]
    text = _text(at)
    assert "Organisational cultural barriers preventing change being adopted" in text
    assert "<strong>Risks 2, 8</strong>" in text  # the heat map's cell Significant x Critical
    assert "8 of 8 risks are past their review date: 1, 2, 3, 4, 5, 6, 7, 8." in at.warning[-1].value
    may_write = role in (Role.BOARD, Role.ADMIN)
    assert any(h.value == "Re-score a risk or record a review" for h in at.header) is may_write
    at = _open(at, "contracts")
    assert "ICT service: day-to-day service and development support" in _text(at)
    assert any(h.value == "Record a contract" for h in at.header) is may_write


@pytest.mark.parametrize("public", [True, False])
def test_a_visitor_never_sees_the_partnership_pages_or_the_objective_risks(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, public: bool
) -> None:
    at = _app(demo_db, monkeypatch, None, public=public)
    links = [link.label for link in at.sidebar.get("page_link")]
    assert "Risks" not in links and "Contracts" not in links
    if public:
        at.switch_page("app_pages/objective.py").run()
        assert not at.exception
        assert "Risks to this objective" not in [h.value for h in at.header]


def test_the_objective_page_lists_the_risks_that_threaten_it(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo_db, monkeypatch, Actor("viewer@example.org", Role.VIEWER))
    at.query_params["objective"] = "OBJ01"
    at = _open(at, "objective")
    assert "Risks to this objective" in [h.value for h in at.header]
    table = next(m.value for m in at.markdown if "Risks that threaten OBJ01" in m.value)
    assert "Lack of commitment to Digital Charter from stakeholders" in table
    assert "Organisational cultural barriers preventing change being adopted" in table


def test_a_board_member_rescores_a_risk_and_the_old_scoring_is_kept(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(_app(demo_db, monkeypatch, BOARD), "risks")
    at.selectbox(key="rescore_risk").select("4").run()
    at.selectbox(key="rescore_likelihood").select(5)
    at.selectbox(key="rescore_impact").select(4)
    at.text_input(key="rescore_on").input("18/11/2025")
    at.text_area(key="rescore_note").input("Two key staff have given notice.")
    at.button(key="FormSubmitter:rescore_form-4-Record the scoring").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value == "Risk 4 scored 20 (5 High × 4 Catastrophic)."
    assert _rows(demo_db, "SELECT likelihood, impact, score, rating, review_due_on FROM risk WHERE code = '4'") == [
        (5, 4, 20, "High Risk", __import__("datetime").date(2026, 2, 18))
    ]
    assert _rows(demo_db, "SELECT score FROM risk_history WHERE code = '4' ORDER BY scoring") == [(9,), (20,)]
    assert _rows(
        demo_db, "SELECT actor, action, entity_key FROM audit WHERE entity = 'risk' ORDER BY id DESC LIMIT 1"
    ) == [("board@example.org", "re-score risk", "4")]
    assert "<strong>Risk 4</strong>" in _text(at)  # now alone in its cell, High x Catastrophic


def test_a_contract_ending_before_it_starts_is_refused_on_the_page_and_changes_nothing(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open(_app(demo_db, monkeypatch, BOARD), "contracts")
    before = table_contents(demo_db)
    for key, value in {"contract_code": "MBC-FIN2", "contract_system": "Finance", "contract_supplier": "X",
                       "contract_category": "Finance", "contract_starts": "01/04/2027",
                       "contract_ends": "31/03/2026"}.items():  # fmt: skip
        at.text_input(key=key).input(value)
    at.button(key="FormSubmitter:contract_form-Record the contract").click().run()
    assert not at.exception
    assert at.error[0].value == (
        "Contract MBC-FIN2 ends (31 March 2026) before it starts (1 April 2027). Nothing was recorded."
    )
    assert table_contents(demo_db) == before
