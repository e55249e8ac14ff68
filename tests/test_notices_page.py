"""The "My notices" page (Account section) through AppTest: offered to a signed-in Charter account only, it shows the
kinds of notice for the person's role, saves their choices (audited) and lists what was sent to them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import accounts, notices, store
from metrics.access import Actor, Role
from metrics.config import ROOT
from metrics.notice_sources import KINDS
from tests.conftest import AS_OF

APP = str(ROOT / "dashboard" / "app.py")
ADMIN = Actor.administrator("tests")
MO = "mo@melton.example"


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.delenv("CHARTER_PUBLIC", raising=False)
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    with store.connect(demo_db, as_of=AS_OF) as con:
        account = accounts.add_user(con, ADMIN, email=MO, role="officer", partners=["MBC"], name="Mo Officer")
        notices.record_sent(con, MO, [_notice()], AS_OF)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = account.actor()
    return at


def _notice() -> notices.Notice:
    return notices.Notice("figures_overdue", "figures-overdue:MBC:2025/26 Q2", "Melton Borough Council: 4 figures for "
                          "2025/26 Q2 past the due date (30 October 2025)", (), (), (MO,))  # fmt: skip


def _open(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("app_pages/notices.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_officer_sees_their_kinds_of_notice_and_what_was_sent(app: AppTest) -> None:
    at = _open(app)
    assert at.title[0].value == "My notices"
    assert [c.label for c in at.checkbox] == [
        "Figures for my councils due soon",
        "Figures for my councils past their due date",
        "My submissions returned or approved",
        "Board actions I own, due soon or overdue",
    ]
    assert all(c.value for c in at.checkbox)  # every kind is wanted until the person says otherwise
    table = "".join(m.value for m in at.markdown)
    assert "Melton Borough Council: 4 figures for 2025/26 Q2 past the due date (30 October 2025)" in table
    assert "Figures for my councils past their due date" in table


def test_saving_choices_keeps_them_and_audits_the_change(app: AppTest, demo_db: Path) -> None:
    at = _open(app)
    at.checkbox(key="notice-figures_due").uncheck()
    at.button[0].click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved: you get 3 of the 4 kinds of notice."]
    with store.connect(demo_db, read_only=True) as con:
        assert notices.preferences(con, MO) == {
            "figures_due": False, "figures_overdue": True, "submission_reviewed": True, "board_actions": True,
        }  # fmt: skip
        trail = con.execute("SELECT actor, role, action, entity_key FROM core.audit WHERE action = 'choose notices'")
        assert trail.fetchall() == [(MO, "officer", "choose notices", MO)]
    fresh = AppTest.from_file(APP, default_timeout=60)  # a new session reads the saved choice back
    fresh.session_state["actor"] = at.session_state["actor"]
    assert [c.value for c in _open(fresh).checkbox] == [False, True, True, True]


def test_the_page_is_offered_only_to_a_signed_in_account(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: date(2025, 11, 20))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    with pytest.raises(ValueError):  # not signed in
        at.switch_page("app_pages/notices.py")
    at.session_state["actor"] = Actor("chair@board.example", Role.BOARD)  # made by a test: no account behind it
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("app_pages/notices.py")
    assert [k.key for k in KINDS if Role.BOARD in k.roles] == [
        "board_actions", "board_digest", "contract_notices", "risk_reviews",
    ]  # fmt: skip
