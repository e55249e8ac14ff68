"""The Money and Options appraisal pages through Streamlit's AppTest: offered to signed-in members only (never to an
anonymous visitor, whatever CHARTER_PUBLIC says), the what-if moves every charge, and a database with no business
files yet says so on each page rather than failing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import store
from metrics.access import Actor, Role
from metrics.config import ROOT
from tests.conftest import AS_OF

APP = str(ROOT / "dashboard" / "app.py")
ROLES = {
    "viewer": Actor("member@melton.example", Role.VIEWER),
    "officer": Actor("officer@hinckley-bosworth.example", Role.OFFICER, frozenset({"HBBC"})),
    "board": Actor("chair@board.example", Role.BOARD),
    "admin": Actor("lead@partnership.example", Role.ADMIN),
}
TABLES = ["cost_share", "charge_budget", "one_off_cost", "saving", "option_score", "agreement"]


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setenv("CHARTER_PUBLIC", "true")
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    return AppTest.from_file(APP, default_timeout=60)


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("page", ["money", "options"])
def test_an_anonymous_visitor_cannot_open_the_pages_even_when_public(app: AppTest, page: str) -> None:
    app.run()
    assert [t.value for t in app.title] == ["Overview"]  # the public setting is on
    with pytest.raises(ValueError):
        app.switch_page(f"app_pages/{page}.py")


@pytest.mark.parametrize("role", list(ROLES))
def test_each_signed_in_role_reads_both_pages(app: AppTest, role: str) -> None:
    app.session_state["actor"] = ROLES[role]
    app.run()
    assert [t.value for t in _open(app, "money").title] == ["Money"]
    forms = {b.label for b in app.button}  # a form's submit button is one of them
    assert ("Record the amount" in forms) is (role in ("board", "admin"))
    assert [t.value for t in _open(app, "options").title] == ["Options appraisal"]


def _what_if(html: str) -> dict[str, tuple[str, str]]:
    """The what-if table: council -> (share, charge)."""
    table = html.split("What if: shares add up to", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">(\w+)</th><td>[\d,]+</td><td>([\d.]+%)</td><td>(£[\d,]+)</td>', table)
    return {code: (share, charge) for code, share, charge in rows}


def test_the_what_if_moves_every_charge_and_keeps_100_percent(app: AppTest) -> None:
    app.session_state["actor"] = ROLES["viewer"]
    app.run()
    _open(app, "money")
    before = _what_if(_html(app))
    app.number_input(key="whatif_MBC").set_value(400)
    app.button(key="FormSubmitter:what_if-Work out the charges").click().run()
    after = _what_if(_html(app))
    assert set(before) == set(after) == {"HBBC", "BDC", "MBC"}
    assert all(after[c][1] != before[c][1] for c in before)
    assert "What if: shares add up to 100.0%" in _html(app)
    assert after["MBC"][0] == "31.5%"  # 400 of 518 + 352 + 400 = 1,270 users


def test_a_database_with_no_business_files_says_so(app: AppTest, demo_db: Path) -> None:
    with store.connect(demo_db) as con:
        for table in TABLES:
            con.execute(f"DELETE FROM core.{table}")  # noqa: S608 (the test's own table names)
    app.session_state["actor"] = ROLES["admin"]
    app.run()
    text = _html(_open(app, "money"))
    for kind in ("agreement", "cost-shares", "charges", "one-off-costs", "savings"):
        assert f"`charter business load {kind} FILE`" in text, kind
    assert "No options appraisal has been loaded yet" in _html(_open(app, "options"))


def test_shares_the_partners_agreed_are_said_so_without_a_count_of_users(app: AppTest, demo_db: Path) -> None:
    """SELCP's shares are agreed (Boston 23%), not counted by active users: no users column, no count to record."""
    with store.connect(demo_db) as con:
        con.execute("DELETE FROM core.cost_share")
        con.execute(
            "INSERT INTO core.cost_share (partnership_code, partner_code, as_of, basis, agreed_share, source) VALUES "
            "('LICTP', 'HBBC', DATE '2024-04-01', 'agreed', 0.6, 'test'), "
            "('LICTP', 'BDC', DATE '2024-04-01', 'agreed', 0.4, 'test')"
        )
    app.session_state["actor"] = ROLES["admin"]
    app.run()
    text = _html(_open(app, "money"))
    assert "Costs are shared in the proportions the partners agreed, from **1 April 2024**." in text
    assert "Costs are shared by active users" not in text
    assert "Record a new active-user count" not in [s.value for s in app.subheader]
    assert "there is no what-if by users" in text
