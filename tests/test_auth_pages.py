"""Signing in and the pages each person is offered (issue 6), through Streamlit's AppTest.

A page left out of the navigation cannot be opened: `switch_page` to it raises ValueError, as a browser asking
for its URL gets the default page instead.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Element

from metrics import accounts, store
from metrics.access import Actor, Role
from metrics.config import ROOT
from tests.conftest import AS_OF, table_contents

APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account\'s password
OFFICER = Actor("officer@hinckley-bosworth.example", Role.OFFICER, frozenset({"HBBC"}))
ACTORS = {
    "viewer": Actor("member@melton.example", Role.VIEWER),
    "officer": OFFICER,
    "board": Actor("chair@board.example", Role.BOARD),
    "admin": Actor("lead@partnership.example", Role.ADMIN),
}
MEMBERS = {"overview", "charter", "objective", "scorecard", "kpis", "about"}
FIGURES = {"upload", "collection", "approvals", "history", "ict"}
BOARD = {"board", "actions"}
EVERY = MEMBERS | FIGURES | BOARD | {"admin", "signin"}
OFFERED = {
    "viewer": MEMBERS,
    "officer": MEMBERS | {"upload", "collection", "history", "ict"},
    "board": MEMBERS | {"collection", "history"} | BOARD,
    "admin": MEMBERS | FIGURES | BOARD | {"admin"},
}


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    for name in ("CHARTER_PUBLIC", "CHARTER_SESSION_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    return AppTest.from_file(APP, default_timeout=60)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _offered(at: AppTest) -> set[str]:
    """The pages that can be switched to after the last run."""
    offered = set()
    for page in EVERY:
        try:
            at.switch_page(f"app_pages/{page}.py")
        except ValueError:
            continue
        offered.add(page)
    return offered


def _open(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py")
    return _run(at)


def _signed_in_as(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption if c.value.startswith("Signed in as")]


def _sign_out(at: AppTest) -> AppTest:
    """Open the "Sign out" entry: a page made from a function, found by its url_path."""
    pages = at._registered_pages  # AppTest.switch_page takes files only
    at._page_hash = next(h for h, info in pages.items() if info.get("url_pathname") == "signout")
    return _run(at)


def _add(db: Path, email: str, role: str, partners: tuple[str, ...] = ()) -> None:
    with store.connect(db) as con:
        accounts.add_user(con, Actor.administrator("tests"), email=email, role=role, partners=partners,
                          password=PASSWORD)  # fmt: skip


def _everything_shown(at: AppTest) -> str:
    """The text of every element on the page: markdown, captions, alerts, titles and every table's cells."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "success", "error", "info", "warning",
                 "text", "code", "exception"):  # fmt: skip
        parts += [str(getattr(e, "value", "")) for e in at.get(kind)]
    for kind in ("dataframe", "table"):
        parts += [e.value.to_csv() for e in at.get(kind) if isinstance(e, Element)]
    for widget in ("selectbox", "multiselect", "radio"):
        parts += [json.dumps([str(o) for o in getattr(w, "options", [])]) for w in at.get(widget)]
    return "\n".join(parts)


# --- without signing in --------------------------------------------------------------------------------------


def test_without_sign_in_only_the_members_pages_and_sign_in_are_offered(app: AppTest) -> None:
    _run(app)
    assert [t.value for t in app.title] == ["Overview"]
    assert _offered(app) == MEMBERS | {"signin"}
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("app_pages/upload.py")
    assert not _signed_in_as(app)


def test_with_public_pages_off_only_sign_in_is_offered(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC", "false")
    _run(app)
    assert [t.value for t in app.title] == ["Sign in"]
    assert _offered(app) == {"signin"}
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("app_pages/overview.py")
    # Nothing of the partnership's figures is on the page.
    assert not app.dataframe and "Digital Councils" not in _everything_shown(app)


# --- each role -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(ACTORS))
def test_each_role_is_offered_only_the_pages_it_may_use(app: AppTest, role: str) -> None:
    app.session_state["actor"] = ACTORS[role]
    _run(app)
    assert _offered(app) == OFFERED[role]
    assert _signed_in_as(app) == [
        f"Signed in as {ACTORS[role].email} ({role}{' for HBBC' if role == 'officer' else ''})"
    ]


def test_members_pages_need_a_sign_in_when_private_and_are_offered_after_it(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC", "false")
    app.session_state["actor"] = ACTORS["viewer"]
    _run(app)
    assert [t.value for t in app.title] == ["Overview"]
    assert _offered(app) == MEMBERS


# --- signing in and out ------------------------------------------------------------------------------------------


def _sign_in(app: AppTest, email: str, password: str) -> AppTest:
    _open(app, "signin")
    app.text_input[0].input(email)
    app.text_input[1].input(password)
    app.button(key="FormSubmitter:signin-Sign in").click()
    return _run(app)


def test_signing_in_with_an_account_in_the_database(app: AppTest, demo_db: Path) -> None:
    _add(demo_db, OFFICER.email, "officer", ("HBBC",))
    _run(app)
    _sign_in(app, "Officer@Hinckley-Bosworth.example", PASSWORD)
    assert app.session_state["actor"] == OFFICER
    assert _signed_in_as(app) == [f"Signed in as {OFFICER.email} (officer for HBBC)"]
    assert [t.value for t in app.title] == ["Overview"]
    assert _offered(app) == OFFERED["officer"]
    assert PASSWORD not in _everything_shown(app)
    token = app.session_state["token"]  # for the browser's cookie: the database keeps its hash only
    assert _tokens(demo_db) == [(hashlib.sha256(token.encode()).hexdigest(), OFFICER.email)]
    _sign_out(app)
    assert _tokens(demo_db) == [] and not _signed_in_as(app)


def _tokens(db: Path) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True) as con:
        return con.execute("SELECT token_sha256, email FROM core.sign_in_token").fetchall()


@pytest.mark.parametrize("change", ["disabled", "made a viewer"])
def test_an_account_changed_while_signed_in_loses_its_rights_at_its_next_action(
    app: AppTest, demo_db: Path, change: str
) -> None:
    _add(demo_db, OFFICER.email, "officer", ("HBBC",))
    _run(app)
    _sign_in(app, OFFICER.email, PASSWORD)
    _open(app, "upload")
    with store.connect(demo_db) as con:
        if change == "disabled":
            accounts.set_disabled(con, Actor.administrator("tests"), OFFICER.email)
        else:
            accounts.add_user(con, Actor.administrator("tests"), email=OFFICER.email, role="viewer")
    app.main.selectbox[1].select_index(1)  # the officer's next action on the open page: another quarter
    _run(app)
    if change == "disabled":
        assert not _signed_in_as(app) and "actor" not in app.session_state
        assert _offered(app) == MEMBERS | {"signin"}
        assert [i.value for i in app.info] == [
            "Your account has been disabled, so you were signed out. "
            "Ask the partnership's performance lead if this is a mistake."
        ]
        assert _tokens(demo_db) == []
    else:
        assert _signed_in_as(app) == [f"Signed in as {OFFICER.email} (viewer)"]
        assert _offered(app) == OFFERED["viewer"]
    assert [t.value for t in app.title] == ["Overview"]  # Upload figures is no longer theirs: the default page


def test_a_wrong_password_is_refused(app: AppTest, demo_db: Path) -> None:
    _add(demo_db, OFFICER.email, "officer", ("HBBC",))
    _run(app)
    _sign_in(app, OFFICER.email, "not the password")
    assert [e.value for e in app.error] == ["The e-mail or password is wrong, or the account may not sign in."]
    assert "actor" not in app.session_state and not _signed_in_as(app)
    assert _offered(app) == MEMBERS | {"signin"}
    with store.connect(demo_db, read_only=True) as con:
        assert con.execute("SELECT failed_attempts FROM core.account").fetchall() == [(1,)]


def test_the_sign_in_page_says_how_to_make_the_first_account(app: AppTest) -> None:
    _run(app)
    _open(app, "signin")
    assert "charter user add EMAIL --role admin" in _everything_shown(app)
    assert not app.text_input


def test_signing_out_ends_the_session(app: AppTest) -> None:
    app.session_state["actor"] = ACTORS["board"]
    _run(app)
    _open(app, "board")
    _sign_out(app)
    assert "actor" not in app.session_state
    assert not _signed_in_as(app)
    assert [t.value for t in app.title] == ["Overview"]
    assert _offered(app) == MEMBERS | {"signin"}
    assert [i.value for i in app.info] == ["You have signed out."]  # said on the page it lands on, once
    _open(app, "signin")
    assert not app.info


@pytest.mark.parametrize(("idle", "signed_in"), [(4, True), (6, False)])
def test_a_session_idle_past_the_limit_is_signed_out(
    app: AppTest, monkeypatch: pytest.MonkeyPatch, idle: int, signed_in: bool
) -> None:
    monkeypatch.setenv("CHARTER_SESSION_MINUTES", "5")
    app.session_state["actor"] = ACTORS["admin"]
    _run(app)
    app.session_state["last_seen"] = time.monotonic() - idle * 60
    _run(app)
    assert ("actor" in app.session_state) is signed_in
    assert bool(_signed_in_as(app)) is signed_in
    if not signed_in:
        assert _offered(app) == MEMBERS | {"signin"}
        assert [i.value for i in app.info] == ["You were signed out after 5 minutes without activity."]


# --- the rules hold on the pages ----------------------------------------------------------------------------------


def test_an_officer_uploading_a_file_naming_another_council_is_refused(app: AppTest, demo_db: Path) -> None:
    app.session_state["actor"] = OFFICER
    _run(app)
    _open(app, "upload")
    assert app.main.selectbox[0].options == ["Hinckley & Bosworth Borough Council"]  # their council only
    before = table_contents(demo_db)
    crafted = b"partner,period,kpi,value,note\nHBBC,2025/26 Q2,DS01,70,\nBDC,2025/26 Q2,DS01,70,\n"
    app.file_uploader[0].set_value(("figures.csv", crafted, "text/csv"))
    _run(app)
    assert app.error[0].value.startswith("**figures.csv was not loaded**: 1 problem needs fixing.")
    problems = app.dataframe[0].value
    assert problems.to_dict("records") == [
        {"Row": 3, "Column": "partner", "Problem": "You may only submit figures for HBBC, not BDC"}
    ]
    assert not [b for b in app.button if b.label == "Submit these figures"]
    assert table_contents(demo_db) == before


def test_the_admin_page_never_shows_a_password_or_hash(app: AppTest, demo_db: Path) -> None:
    _add(demo_db, OFFICER.email, "officer", ("HBBC",))
    with store.connect(demo_db, read_only=True) as con:
        [(digest,)] = con.execute("SELECT password_hash FROM core.account").fetchall()
    app.session_state["actor"] = ACTORS["admin"]
    _run(app)
    _open(app, "admin")
    # Add a person through the page, with a password.
    form = "FormSubmitter:user_form-Save the person"
    inputs = {t.label: t for t in app.text_input}  # the form's inputs have no keys: found by label
    inputs["E-mail"].input("New.Member@Melton.example")
    inputs["Password (blank: Microsoft 365 sign-in, or keep the current one)"].input(PASSWORD + " two")
    app.button(key=form).click()
    _run(app)
    assert [s.value for s in app.success] == ["new.member@melton.example saved as viewer."]
    with store.connect(demo_db, read_only=True) as con:
        hashes = [h for (h,) in con.execute("SELECT password_hash FROM core.account").fetchall()]
        assert con.execute("SELECT actor, action, entity_key FROM audit ORDER BY id DESC LIMIT 1").fetchall() == [
            ("lead@partnership.example", "add user", "new.member@melton.example")
        ]
    assert all(h.startswith("$argon2") for h in hashes) and digest in hashes
    people = app.dataframe[0].value
    assert sorted(people["E-mail"]) == ["new.member@melton.example", OFFICER.email]
    assert "add user" in app.dataframe[-1].value["action"].tolist()  # the audit trail tab
    shown = _everything_shown(app)
    assert PASSWORD not in shown and "$argon2" not in shown
    assert not any(h in shown or h.split("$")[-1] in shown for h in hashes)
