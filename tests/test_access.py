"""Who may do what, below the pages (issue 6): every role against every write in `metrics`.

An allowed write succeeds and adds a row to the `audit` view naming who did what, with the record before and
after; a refused one raises AccessDenied with a plain reason and leaves every table as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from metrics import (
    accounts,
    admin,
    board,
    business_files,
    contracts,
    money,
    money_files,
    partnership_settings,
    risks,
    store,
    submissions,
    tickets,
)
from metrics.access import ALLOWED, AccessDenied, Action, Actor, Role, require
from metrics.board import ActionInput, RevisionInput
from metrics.framework import read_framework
from metrics.ingest import CheckResult
from metrics.loader import load_framework
from metrics.periods import parse_period
from tests.conftest import AS_OF, FRAMEWORK, table_contents

ADMIN = Actor("lead@partnership.example", Role.ADMIN)
ACTORS = {
    "viewer": Actor("member@melton.example", Role.VIEWER),
    "officer": Actor("officer@hinckley-bosworth.example", Role.OFFICER, frozenset({"HBBC"})),
    "board": Actor("chair@board.example", Role.BOARD),
    "admin": ADMIN,
}
PASSWORD = "a long enough secret 42"  # noqa: S105 - a test account\'s password
TITLE = "Cut service desk tickets by a fifth by March 2026 through self-service and fixing root causes"
HEADER = "partner,period,kpi,value,note\n"
TICKETS = """\
ticket,partner,type,priority,state,opened,resolved,closed,within_sla,reassignments
T-1,{p},incident,P1,closed,01/04/2025 09:00,01/04/2025 12:00,04/04/2025 12:00,yes,0
T-2,{p},incident,P2,resolved,15/04/2025 10:00,15/04/2025 18:00,,yes,0
T-3,{p},incident,P3,closed,20/04/2025 09:00,22/04/2025 09:00,,no,1
T-4,{p},request,P4,open,29/05/2025 10:00,,,,0
"""


@contextmanager
def opened(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one step, closed after it, so that table_contents can read the file between steps."""
    with store.connect(db, as_of=AS_OF) as con:
        yield con


# --- the writes, each with what it needs set up first (by the administrator) ------------------------------------


def _file(con: duckdb.DuckDBPyConnection, partner: str) -> tuple[CheckResult, bytes]:
    """A good file of figures naming `partner`, checked without limiting the partner: a crafted file."""
    data = (
        HEADER + f"{partner},2025/26 Q2,DS01,71.5%,Up after the new forms\n{partner},2025/26 Q2,DS04,1234,\n"
    ).encode()
    result = submissions.check_file(data, f"{partner.lower()}-q3.csv", submissions.catalogue(con, AS_OF))
    assert result.ok, result.problems
    return result, data


def submit(partner: str) -> Callable[..., object]:
    def do(con: duckdb.DuckDBPyConnection, by: Actor, ctx: dict[str, Any]) -> object:
        return submissions.store_files(con, [_file(con, partner)], by=by, source="upload")

    return do


def note(partner: str) -> Callable[..., object]:
    def do(con: duckdb.DuckDBPyConnection, by: Actor, ctx: dict[str, Any]) -> object:
        return submissions.edit_note(
            con, partner=partner, kpi="DS01", period="2025/26 Q2", note="Checked against the ledger", by=by, today=AS_OF
        )

    return do


def waiting_submission(con: duckdb.DuckDBPyConnection, tmp: Path) -> dict[str, Any]:
    rows = con.execute("SELECT max(id) FROM core.submission WHERE status = 'submitted'").fetchall()
    assert rows[0][0] is not None, "the demo holds a submission waiting for approval"
    return {"id": int(rows[0][0])}


def meeting(con: duckdb.DuckDBPyConnection, tmp: Path) -> dict[str, Any]:
    mid = board.record_meeting(
        con, held_on="18/11/2025", period="2025/26 Q2", attendees="Chief Executive, HBBC", by=ADMIN, today=AS_OF
    )
    return {"meeting": mid}


def open_action(con: duckdb.DuckDBPyConnection, tmp: Path) -> dict[str, Any]:
    aid = board.record_action(
        con, objective="OBJ05", action=ActionInput("Publish a self-service guide", "Service Desk Manager",
                                                     date(2026, 1, 31)), by=ADMIN,
    )  # fmt: skip
    return {"action": aid}


def changed_framework(con: duckdb.DuckDBPyConnection, tmp: Path) -> dict[str, Any]:
    old = "    owner: Organisational Development Manager (BDC)"
    text = FRAMEWORK.read_text(encoding="utf-8")
    assert old in text
    path = tmp / "framework.yaml"
    path.write_text(text.replace(old, "    owner: Head of People (BDC)"), encoding="utf-8")
    return {"framework": read_framework(path)}


def ticket_export(partner: str) -> Callable[[duckdb.DuckDBPyConnection, Path], dict[str, Any]]:
    def setup(con: duckdb.DuckDBPyConnection, tmp: Path) -> dict[str, Any]:
        path = tmp / f"tickets-{partner}.csv"
        path.write_text(TICKETS.format(p=partner), encoding="utf-8")
        return {"path": path}

    return setup


def an_account(con: duckdb.DuckDBPyConnection, tmp: Path) -> dict[str, Any]:
    accounts.add_user(con, ADMIN, email="leaver@blaby.example", role="officer", partners=["BDC"], password=PASSWORD)
    return {"email": "leaver@blaby.example"}


def _edit(con: duckdb.DuckDBPyConnection) -> admin.ObjectiveEdit:
    row = con.execute(
        "SELECT title, owner, status, tolerance_kind, tolerance_amount, tolerance_set_by, tolerance_set_on "
        "FROM core.objective WHERE code = 'OBJ05'"
    ).fetchall()[0]
    return admin.ObjectiveEdit("Fewer service desk tickets", *row[1:])


def _nothing(con: duckdb.DuckDBPyConnection, tmp: Path) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    """One write: who may do it, how to do it, and what the audit trail should say."""

    name: str
    allowed: frozenset[str]
    do: Callable[[duckdb.DuckDBPyConnection, Actor, dict[str, Any]], object]
    audit: str  # the audit row's action
    entity: str
    before: dict[str, object] | None = None  # what the audit row's `before` holds (None: a new record)
    setup: Callable[[duckdb.DuckDBPyConnection, Path], dict[str, Any]] = _nothing
    refusal: str = ""  # the reason given to those refused, as a regular expression ({email}, {role})


OFFICERS = frozenset({"officer", "admin"})
BOARD = frozenset({"board", "admin"})
ADMINS = frozenset({"admin"})
NEEDS = "{email} \\({role}\\) may not {what}; that needs the role {roles}$"


def needs(action: Action) -> str:
    return NEEDS.replace("{what}", action.value).replace("{roles}", ", ".join(sorted(r.value for r in ALLOWED[action])))


CASES = [
    Case("submit a file for own council", OFFICERS, submit("HBBC"), "submit (upload)", "submission",
         refusal=needs(Action.SUBMIT)),
    Case("submit a file for another council", ADMINS, submit("BDC"), "submit (upload)", "submission",
         refusal=needs(Action.SUBMIT)),
    Case("add a note for own council", OFFICERS, note("HBBC"), "submit (note edit)", "submission",
         refusal=needs(Action.COMMENT)),
    Case("add a note for another council", ADMINS, note("BDC"), "submit (note edit)", "submission",
         refusal=needs(Action.COMMENT)),
    Case("approve a submission", ADMINS,
         lambda con, by, ctx: submissions.review(con, ctx["id"], approve=True, by=by),
         "approve", "submission", {"status": "submitted"}, waiting_submission, needs(Action.APPROVE)),
    Case("return a submission", ADMINS,
         lambda con, by, ctx: submissions.review(con, ctx["id"], approve=False, by=by, comment="Q2 looks wrong"),
         "return", "submission", {"status": "submitted"}, waiting_submission, needs(Action.APPROVE)),
    Case("record a meeting", BOARD,
         lambda con, by, ctx: board.record_meeting(con, held_on="18/11/2025", period="2025/26 Q2",
                                                   attendees="Chief Executive, HBBC", by=by, today=AS_OF),
         "record meeting", "board meeting", refusal=needs(Action.REVIEW)),
    Case("record a review", BOARD,
         lambda con, by, ctx: board.record_review(con, meeting_id=ctx["meeting"], objective="OBJ05",
                                                  assessment="At risk", decision="noted", comment="Watch it", by=by),
         "record review", "board review", setup=meeting, refusal=needs(Action.REVIEW)),
    Case("record a review revising a target", BOARD,
         lambda con, by, ctx: board.record_review(
             con, meeting_id=ctx["meeting"], objective="OBJ05", assessment="Off track", decision="target revised",
             comment="", by=by, revision=RevisionInput(1400, parse_period("2025/26 Q3"), "Demand grew", ("HBBC",))),
         "record review", "board review", setup=meeting, refusal=needs(Action.REVISE)),
    Case("record an action", BOARD,
         lambda con, by, ctx: board.record_action(
             con, objective="OBJ05", action=ActionInput("Publish a guide", "Service Desk Manager", date(2026, 1, 31)),
             by=by),
         "record action", "board action", refusal=needs(Action.REVIEW)),
    Case("complete an action", BOARD,
         lambda con, by, ctx: board.complete_action(con, ctx["action"], by=by, note="Published"),
         "complete action", "board action", {"state": "open"}, open_action, needs(Action.REVIEW)),
    Case("revise a target", BOARD,
         lambda con, by, ctx: board.revise_target(
             con, objective="OBJ05", revision=RevisionInput(1400, parse_period("2025/26 Q3"), "Demand grew"), by=by),
         "revise target", "objective", refusal=needs(Action.REVISE)),
    Case("load a framework", ADMINS,
         lambda con, by, ctx: load_framework(con, ctx["framework"], by=by, sha256="changed"),
         "load framework", "framework", setup=changed_framework, refusal=needs(Action.FRAMEWORK)),
    Case("edit an objective", ADMINS,
         lambda con, by, ctx: admin.edit_objective(con, by, "OBJ05", _edit(con), "Plainer words"),
         "edit objective", "objective", {"title": TITLE}, refusal=needs(Action.FRAMEWORK)),
    Case("correct a target", ADMINS,
         lambda con, by, ctx: admin.correct_target(con, by, objective="OBJ05", partner="HBBC", kind="final",
                                                   period="2025/26 Q4", value=1900, reason="Typed wrongly"),
         "correct target", "objective",
         {"partner": "HBBC", "kind": "final", "period": "2025/26 Q4", "value": 1960.0},
         refusal=needs(Action.FRAMEWORK)),
    Case("import tickets for own council", OFFICERS,
         lambda con, by, ctx: tickets.import_export(con, ctx["path"], ctx["path"].name, by=by, today=AS_OF),
         "import tickets", "ticket import", setup=ticket_export("HBBC"), refusal=needs(Action.SUBMIT)),
    Case("import tickets for another council", ADMINS,
         lambda con, by, ctx: tickets.import_export(con, ctx["path"], ctx["path"].name, by=by, today=AS_OF),
         "import tickets", "ticket import", setup=ticket_export("MBC"), refusal=needs(Action.SUBMIT)),
    Case("add a user", ADMINS,
         lambda con, by, ctx: accounts.add_user(con, by, email="New.Officer@Melton.example", role="officer",
                                                partners=["MBC"], password=PASSWORD, name="New Officer"),
         "add user", "account", refusal=needs(Action.USERS)),
    Case("disable a user", ADMINS,
         lambda con, by, ctx: accounts.set_disabled(con, by, ctx["email"]),
         "disable user", "account",
         {"email": "leaver@blaby.example", "role": "officer", "partners": ["BDC"], "disabled": False},
         an_account, needs(Action.USERS)),
    Case("record an active-user count", BOARD,
         lambda con, by, ctx: money.record_users(con, "MBC", date(2025, 4, 1), 240, by=by),
         "record active users", "cost_share", refusal=needs(Action.EDIT_BUSINESS)),
    Case("record a realised saving", BOARD,
         lambda con, by, ctx: money.record_realised(con, "SV1", "2023/24", 45000, by=by),
         "record realised saving", "saving", {"realised": None}, refusal=needs(Action.EDIT_BUSINESS)),
    Case("load a business file", BOARD,
         lambda con, by, ctx: business_files.load(con, b"partner_code,as_of,active_users\nMBC,2025-04-01,240\n",
                                                  "users.csv", money_files.COST_SHARES, by),
         "load cost-shares", "cost_share", refusal=needs(Action.EDIT_BUSINESS)),
    Case("re-score a risk", BOARD,
         lambda con, by, ctx: risks.rescore(con, "1", risks.Scoring(4, 2, AS_OF, date(2026, 2, 20)), by=by),
         "re-score risk", "risk", {"likelihood": 6, "impact": 2}, refusal=needs(Action.EDIT_BUSINESS)),
    Case("record a contract", BOARD,
         lambda con, by, ctx: contracts.store(
             con, [contracts.ContractInput("MBC-CRM", "CRM", "Acme", "MBC", "CRM", date(2027, 3, 31))], by=by),
         "add contract", "contract", refusal=needs(Action.EDIT_BUSINESS)),
    Case("change the partnership's settings", ADMINS,
         lambda con, by, ctx: partnership_settings.change(con, by, public=False),
         "change settings", "partnership", {"public": None}, refusal=needs(Action.SETTINGS)),
]  # fmt: skip
# An officer of HBBC refused for another council is told which councils they may act for.
OTHER_COUNCIL = {
    "submit a file for another council": "{email} may submit figures only for HBBC, not for BDC$",
    "add a note for another council": "{email} may add or change a note on a figure only for HBBC, not for BDC$",
    "import tickets for another council": "{email} may submit figures only for HBBC, not for MBC$",
}
MATRIX = [pytest.param(role, case, id=f"{role}-{case.name}") for case in CASES for role in ACTORS]


def _audit(db: Path, after_id: int) -> list[dict[str, Any]]:
    with store.connect(db, read_only=True) as con:
        frame = con.execute("SELECT * FROM audit WHERE id > $i ORDER BY id", {"i": after_id}).df()
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


@pytest.mark.parametrize(("role", "case"), MATRIX)
def test_every_role_against_every_write(demo_db: Path, tmp_path: Path, role: str, case: Case) -> None:
    actor = ACTORS[role]
    with opened(demo_db) as con:
        ctx = case.setup(con, tmp_path)
    before = table_contents(demo_db)
    last = max(int(row[0]) for row in before["core.audit"])  # type: ignore[call-overload]
    started = datetime.now()
    if role not in case.allowed:
        reason = OTHER_COUNCIL[case.name] if role == "officer" and case.name in OTHER_COUNCIL else case.refusal
        expected = "^" + reason.replace("{email}", actor.email).replace("{role}", role)
        with opened(demo_db) as con, pytest.raises(AccessDenied, match=expected):
            case.do(con, actor, ctx)
        assert table_contents(demo_db) == before
        return
    with opened(demo_db) as con:
        case.do(con, actor, ctx)
    changed = table_contents(demo_db)
    assert changed != {**before, "core.audit": changed["core.audit"]}, "the write changed nothing but the audit trail"
    rows = _audit(demo_db, last)
    assert rows, "an allowed write is recorded in the audit view"
    assert {(r["actor"], r["role"]) for r in rows} == {(actor.email, role)}
    main = [r for r in rows if r["action"] == case.audit]
    assert len(main) == 1, [r["action"] for r in rows]
    row = main[0]
    assert row["entity"] == case.entity and row["entity_key"]
    assert started - timedelta(seconds=5) <= row["recorded_at"] <= datetime.now() + timedelta(seconds=5)
    if case.before is None:
        assert row["before"] is None
    else:
        assert json.loads(row["before"]).items() >= case.before.items()
    assert json.loads(row["after"])
    text = json.dumps(rows, default=str)
    assert PASSWORD not in text and "$argon2" not in text and "password" not in text.lower()


def test_the_matrix_covers_every_write_action_and_role() -> None:
    covered = {c.refusal for c in CASES}
    # Choosing one's own notices is open to every role, so no role is refused it (tests/test_remind.py holds it).
    writes = [a for a in Action if a not in (Action.SEE_SUBMITTED, Action.AUDIT, Action.SEE_BUSINESS, Action.NOTICES)]
    assert {needs(a) for a in writes} <= covered
    assert set(ACTORS) == {r.value for r in Role}


def test_a_refusal_is_a_plain_sentence_for_each_rule() -> None:
    officer = ACTORS["officer"]
    with pytest.raises(AccessDenied) as refused:
        require(ACTORS["viewer"], Action.APPROVE)
    assert str(refused.value) == (
        "member@melton.example (viewer) may not approve or return a submission; that needs the role admin"
    )
    with pytest.raises(AccessDenied) as refused:
        require(officer, Action.SUBMIT, ["HBBC", "BDC", "MBC"])
    assert str(refused.value) == (
        "officer@hinckley-bosworth.example may submit figures only for HBBC, not for BDC, MBC"
    )
    require(officer, Action.SUBMIT, ["HBBC"])
    require(ADMIN, Action.SUBMIT, ["BDC", "MBC"])
    nowhere = Actor("lost@example.org", Role.OFFICER)
    with pytest.raises(AccessDenied, match=r"only for no council, not for HBBC$"):
        require(nowhere, Action.COMMENT, ["HBBC"])


def test_an_officer_of_several_councils_acts_for_each_of_them(demo_db: Path) -> None:
    two = Actor("shared@service.example", Role.OFFICER, frozenset({"HBBC", "BDC"}))
    with opened(demo_db) as con:
        stored = submissions.store_files(con, [_file(con, "HBBC"), _file(con, "BDC")], by=two, source="upload")
        assert [s.rows for s in stored] == [2, 2]
        with pytest.raises(AccessDenied, match=r"only for BDC, HBBC, not for MBC$"):
            submissions.store_files(con, [_file(con, "MBC")], by=two, source="upload")


def test_a_refused_file_among_good_ones_stores_none_of_them(demo_db: Path) -> None:
    officer = ACTORS["officer"]
    before = table_contents(demo_db)
    with opened(demo_db) as con, pytest.raises(AccessDenied, match=r"not for BDC$"):
        submissions.store_files(con, [_file(con, "HBBC"), _file(con, "BDC")], by=officer, source="upload")
    assert table_contents(demo_db) == before


def test_a_changed_user_is_audited_with_before_and_after_but_never_the_password(demo_db: Path) -> None:
    with opened(demo_db) as con:
        accounts.add_user(con, ADMIN, email="someone@blaby.example", role="viewer", password=PASSWORD)
        last = con.execute("SELECT max(id) FROM audit").fetchall()[0][0]
        accounts.add_user(con, ADMIN, email="someone@blaby.example", role="officer", partners=["BDC"],
                          password=PASSWORD + "!")  # fmt: skip
        digest = con.execute("SELECT password_hash FROM core.account").fetchall()[0][0]
    [row] = _audit(demo_db, last)
    assert (row["action"], row["entity_key"]) == ("change user", "someone@blaby.example")
    assert json.loads(row["before"])["role"] == "viewer"
    assert json.loads(row["after"])["role"] == "officer" and json.loads(row["after"])["partners"] == ["BDC"]
    with store.connect(demo_db, read_only=True) as con:
        trail = json.dumps(con.execute("SELECT * FROM audit").fetchall(), default=str)
    assert digest.startswith("$argon2") and digest not in trail and PASSWORD not in trail
