"""Local accounts (issue 6): `charter user add|list|disable` through the real entry point, `--as`, and sign-in
with its slow-down and lock-out. No password or hash is ever printed; the database holds argon2 hashes only."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import threading
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from argon2 import PasswordHasher

from metrics import accounts, store
from metrics.access import AccessDenied, Action, Actor, Role
from metrics.accounts import SignInRefused
from tests.conftest import AS_OF, CHARTER, table_contents
from tests.test_access import CASES, Case

PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account\'s password
OFFICER = "officer@hinckley-bosworth.example"
HEADER = "partner,period,kpi,value,note\n"
WRONG = "the e-mail or password is wrong, or the account may not sign in"
SERVER = Actor.administrator("server admin")


def charter(db: Path, *args: str, stdin: str = "", cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real `charter` command, with `stdin` piped in (as `echo secret | charter user add ...`)."""
    return subprocess.run(
        [str(CHARTER), "--db", str(db), "--as-of", AS_OF.isoformat(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )


def query(db: Path, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def audit_text(db: Path) -> str:
    return json.dumps(query(db, "SELECT * FROM audit"), default=str)


def add(db: Path, email: str, role: str, partners: tuple[str, ...] = (), password: str | None = None) -> None:
    """Set up an account directly (no password, unless given: hashing takes a moment)."""
    with store.connect(db) as con:
        accounts.add_user(con, SERVER, email=email, role=role, partners=partners, password=password)


# --- charter user ------------------------------------------------------------------------------------------


def test_user_add_list_and_disable(demo_db: Path) -> None:
    outputs: list[subprocess.CompletedProcess[str]] = []

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        done = charter(demo_db, "--by", "Server admin", *args, stdin=stdin)
        outputs.append(done)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        return done

    done = run("user", "add", "Lead@Partnership.example", "--role", "admin", "--name", "Lead", stdin=PASSWORD + "\n")
    assert done.stdout == "lead@partnership.example: admin, signs in with a password.\n"
    assert run("user", "add", OFFICER, "--role", "officer", "--partner", "hbbc", stdin=PASSWORD + "2\n").stdout == (
        f"{OFFICER}: officer for HBBC, signs in with a password.\n"
    )
    assert run("user", "add", "chair@board.example", "--role", "board", "--no-password").stdout == (
        "chair@board.example: board, signs in with Microsoft 365 sign-in.\n"
    )
    assert run("user", "disable", OFFICER.upper()).stdout == f"{OFFICER}: disabled.\n"
    assert run("user", "list").stdout.splitlines() == [
        "chair@board.example\tboard\t-\tMicrosoft 365\tactive",
        "lead@partnership.example\tadmin\t-\tpassword\tactive",
        f"{OFFICER}\tofficer\tHBBC\tpassword\tdisabled",
    ]

    # The database holds argon2 hashes only, which check the password; no one's password is kept as typed.
    held = {str(e): h for e, h in query(demo_db, "SELECT email, password_hash FROM core.account")}
    assert held["chair@board.example"] is None
    hashes = [str(held["lead@partnership.example"]), str(held[OFFICER])]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert PasswordHasher().verify(hashes[0], PASSWORD) and PasswordHasher().verify(hashes[1], PASSWORD + "2")
    stored = json.dumps(table_contents(demo_db), default=str)
    assert PASSWORD not in stored

    # Every change is audited as the person who made it, and never with a password or hash.
    assert query(demo_db, "SELECT actor, role, action, entity, entity_key FROM audit WHERE entity = 'account'") == [
        ("Server admin", "admin", "add user", "account", "lead@partnership.example"),
        ("Server admin", "admin", "add user", "account", OFFICER),
        ("Server admin", "admin", "add user", "account", "chair@board.example"),
        ("Server admin", "admin", "disable user", "account", OFFICER),
    ]
    said = audit_text(demo_db) + "".join(o.stdout + o.stderr for o in outputs)
    assert PASSWORD not in said and "$argon2" not in said
    assert not any(h in said or h.split("$")[-1] in said for h in hashes)


def test_changing_an_account_keeps_its_password_and_does_not_enable_it(demo_db: Path) -> None:
    add(demo_db, OFFICER, "officer", ("HBBC",), PASSWORD)
    with store.connect(demo_db) as con:
        accounts.set_disabled(con, SERVER, OFFICER)
    first = query(demo_db, "SELECT password_hash FROM core.account")[0][0]
    done = charter(demo_db, "user", "add", OFFICER, "--role", "officer", "--partner", "HBBC", "--partner", "BDC",
                   "--no-password")  # fmt: skip
    assert (done.returncode, done.stdout) == (0, f"{OFFICER}: officer for BDC, HBBC, signs in with a password.\n")
    assert query(demo_db, "SELECT password_hash, partners, disabled FROM core.account") == [
        (first, ["BDC", "HBBC"], True)
    ]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "officer"], PASSWORD, "an officer needs at least one council: add --partner CODE"),
        (["--role", "officer", "--partner", "XYZ"], PASSWORD,
         "there is no partner XYZ; use one of BDC, HBBC, MBC, OWBC"),
        (["--role", "admin"], "short one", "the password must be at least 12 characters long"),
        (["--role", "admin"], "",
         "no password on standard input; pipe one in, or use --no-password for Microsoft 365"),
    ],
    ids=["officer without a council", "unknown council", "short password", "no password"],
)  # fmt: skip
def test_an_account_that_cannot_be_made_is_refused_and_nothing_is_written(
    demo_db: Path, args: list[str], stdin: str, message: str
) -> None:
    before = table_contents(demo_db)
    done = charter(demo_db, "user", "add", "someone@blaby.example", *args, stdin=stdin + "\n" if stdin else "")
    assert (done.returncode, done.stdout, done.stderr) == (1, "", f"charter user: {message}\n")
    assert table_contents(demo_db) == before


def test_the_password_is_never_taken_from_the_command_line(demo_db: Path) -> None:
    done = charter(demo_db, "user", "add", "someone@blaby.example", "--role", "admin", "--password")
    assert done.returncode == 2 and "unrecognized arguments: --password" in done.stderr
    assert query(demo_db, "SELECT count(*) FROM core.account") == [(0,)]


def test_disabling_an_unknown_account_is_refused(demo_db: Path) -> None:
    done = charter(demo_db, "user", "disable", "nobody@example.org")
    assert (done.returncode, done.stderr) == (1, "charter user: there is no account for nobody@example.org\n")


# --- acting as an account: --as ------------------------------------------------------------------------------


def test_an_officer_can_submit_for_their_own_council_only(demo_db: Path, tmp_path: Path) -> None:
    add(demo_db, OFFICER, "officer", ("HBBC",))
    (tmp_path / "bdc.csv").write_text(HEADER + "BDC,2025/26 Q2,DS01,70,\n", encoding="utf-8")
    (tmp_path / "hbbc.csv").write_text(HEADER + "HBBC,2025/26 Q2,DS01,71.5%,Up after the new forms\n")
    before = table_contents(demo_db)
    # A file naming another council passes the file checks (the command line does not limit the partner
    # unless told to) and is refused when stored, as the account's councils say.
    done = charter(demo_db, "--as", OFFICER, "ingest", "bdc.csv", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        1, "", f"charter ingest: {OFFICER} may submit figures only for HBBC, not for BDC\n",
    )  # fmt: skip
    assert table_contents(demo_db) == before
    # Approving, even their own council's figures, is for the performance lead.
    waiting = int(str(query(demo_db, "SELECT max(id) FROM core.submission WHERE status = 'submitted'")[0][0]))
    done = charter(demo_db, "--as", OFFICER, "approve", str(waiting))
    assert (done.returncode, done.stderr) == (
        1, f"charter approve: {OFFICER} (officer) may not approve or return a submission; that needs the role admin\n",
    )  # fmt: skip
    done = charter(demo_db, "--as", OFFICER, "user", "add", "friend@example.org", "--role", "admin", stdin=PASSWORD)
    assert (done.returncode, done.stderr) == (
        1, f"charter user: {OFFICER} (officer) may not manage users; that needs the role admin\n",
    )  # fmt: skip
    assert table_contents(demo_db) == before

    done = charter(demo_db, "--as", OFFICER, "ingest", "hbbc.csv", cwd=tmp_path)
    sid = waiting + 1
    assert (done.returncode, done.stdout, done.stderr) == (0, f"hbbc.csv: accepted 1 figure as submission {sid}\n", "")
    assert query(demo_db, "SELECT submitted_by, status FROM core.submission WHERE id = $s", {"s": sid}) == [
        (OFFICER, "submitted")
    ]
    assert query(demo_db, "SELECT actor, role, action, entity_key FROM audit ORDER BY id DESC LIMIT 1") == [
        (OFFICER, "officer", "submit (command line)", str(sid))
    ]


def test_as_names_an_active_account(demo_db: Path, tmp_path: Path) -> None:
    add(demo_db, OFFICER, "officer", ("HBBC",))
    (tmp_path / "hbbc.csv").write_text(HEADER + "HBBC,2025/26 Q2,DS01,70,\n", encoding="utf-8")
    done = charter(demo_db, "--as", "nobody@example.org", "ingest", "hbbc.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, "charter ingest: there is no active account for nobody@example.org\n")
    with store.connect(demo_db) as con:
        accounts.set_disabled(con, SERVER, OFFICER)
    before = table_contents(demo_db)
    done = charter(demo_db, "--as", OFFICER, "ingest", "hbbc.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (1, f"charter ingest: there is no active account for {OFFICER}\n")
    assert table_contents(demo_db) == before


# --- signing in -------------------------------------------------------------------------------------------------


@pytest.fixture
def signin(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    accounts.add_user(con, SERVER, email=OFFICER, role="officer", partners=["HBBC"], password=PASSWORD)
    return con


class Sleeps(list[float]):
    """Stands in for time.sleep, keeping how long each answer was held back."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_the_right_password_signs_in(signin: duckdb.DuckDBPyConnection) -> None:
    sleeps = Sleeps()
    now = datetime(2025, 11, 20, 9, 30)
    actor = accounts.authenticate(signin, " Officer@Hinckley-Bosworth.example ", PASSWORD, now=now, sleep=sleeps)
    assert actor == Actor(OFFICER, Role.OFFICER, frozenset({"HBBC"}))
    assert sleeps == []
    assert signin.execute("SELECT last_sign_in, failed_attempts FROM core.account").fetchall() == [(now, 0)]


def test_wrong_passwords_slow_down_and_the_fifth_locks_the_account(signin: duckdb.DuckDBPyConnection) -> None:
    sleeps = Sleeps()
    now = datetime(2025, 11, 20, 9, 30)
    for attempt in range(1, 5):
        with pytest.raises(SignInRefused, match=f"^{WRONG}$"):
            accounts.authenticate(signin, OFFICER, f"guess {attempt}", now=now, sleep=sleeps)
    assert sleeps == [0.5, 1.0, 1.5, 2.0]
    locked = "too many failed attempts: this account is locked until 09:45; try again then, or ask an administrator"
    with pytest.raises(SignInRefused) as refused:
        accounts.authenticate(signin, OFFICER, "guess 5", now=now, sleep=sleeps)
    assert str(refused.value) == locked
    assert sleeps == [0.5, 1.0, 1.5, 2.0, 2.5]
    # Locked: even the right password is refused, without checking it, until the time given.
    with pytest.raises(SignInRefused) as refused:
        accounts.authenticate(signin, OFFICER, PASSWORD, now=now + timedelta(minutes=14), sleep=sleeps)
    assert str(refused.value) == locked
    actor = accounts.authenticate(signin, OFFICER, PASSWORD, now=now + timedelta(minutes=15, seconds=1), sleep=sleeps)
    assert actor.email == OFFICER and len(sleeps) == 5
    assert signin.execute("SELECT failed_attempts, locked_until FROM core.account").fetchall() == [(0, None)]


def test_a_right_password_starts_the_count_again(signin: duckdb.DuckDBPyConnection) -> None:
    sleeps = Sleeps()
    for _ in range(3):
        with pytest.raises(SignInRefused):
            accounts.authenticate(signin, OFFICER, "wrong password", sleep=sleeps)
    accounts.authenticate(signin, OFFICER, PASSWORD, sleep=sleeps)
    with pytest.raises(SignInRefused, match=f"^{WRONG}$"):
        accounts.authenticate(signin, OFFICER, "wrong password", sleep=sleeps)
    assert sleeps == [0.5, 1.0, 1.5, 0.5]


def test_unknown_disabled_and_microsoft_365_accounts_cannot_sign_in_with_a_password(
    signin: duckdb.DuckDBPyConnection,
) -> None:
    sleeps = Sleeps()
    with pytest.raises(SignInRefused, match=f"^{WRONG}$"):
        accounts.authenticate(signin, "nobody@example.org", PASSWORD, sleep=sleeps)
    accounts.add_user(signin, SERVER, email="chair@board.example", role="board")
    with pytest.raises(SignInRefused, match=f"^{WRONG}$"):
        accounts.authenticate(signin, "chair@board.example", "", sleep=sleeps)
    assert accounts.actor_for_email(signin, "Chair@Board.example") == Actor("chair@board.example", Role.BOARD)
    accounts.set_disabled(signin, SERVER, OFFICER)
    with pytest.raises(SignInRefused, match=f"^{WRONG}$"):
        accounts.authenticate(signin, OFFICER, PASSWORD, sleep=sleeps)
    assert accounts.actor_for_email(signin, OFFICER) is None
    assert sleeps == [0.5, 0.5, 0.5]
    accounts.set_disabled(signin, SERVER, OFFICER, disabled=False)
    assert accounts.authenticate(signin, OFFICER, PASSWORD, sleep=sleeps).email == OFFICER


def test_changing_a_locked_account_keeps_the_lock_until_a_new_password_is_set(
    signin: duckdb.DuckDBPyConnection,
) -> None:
    sleeps = Sleeps()
    now = datetime.now()
    for _ in range(5):
        with pytest.raises(SignInRefused):
            accounts.authenticate(signin, OFFICER, "wrong password", now=now, sleep=sleeps)
    accounts.add_user(signin, SERVER, email=OFFICER, role="officer", partners=["HBBC", "BDC"])
    with pytest.raises(SignInRefused, match=r"^too many failed attempts"):
        accounts.authenticate(signin, OFFICER, PASSWORD, now=now, sleep=sleeps)
    accounts.add_user(signin, SERVER, email=OFFICER, role="officer", partners=["HBBC"], password=PASSWORD + "!")
    assert accounts.authenticate(signin, OFFICER, PASSWORD + "!", now=now, sleep=sleeps).email == OFFICER


def test_eight_failures_at_the_same_moment_each_count_and_lock_the_account(demo_db: Path) -> None:
    add(demo_db, OFFICER, "officer", ("HBBC",), PASSWORD)
    start = threading.Barrier(8)
    said: list[str] = []

    def attempt(n: int) -> None:
        with store.connect(demo_db) as con:
            start.wait()
            try:
                accounts.authenticate(con, OFFICER, f"guess {n}", sleep=lambda _: None)
            except Exception as exc:  # anything but a refusal shows in the assert below
                said.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [(failed, until)] = query(demo_db, "SELECT failed_attempts, locked_until FROM core.account")
    assert failed == 8 and isinstance(until, datetime)
    locked = (
        f"too many failed attempts: this account is locked until {until:%H:%M}; try again then, or ask an administrator"
    )
    # Four failures before the fifth locks the account; the fifth and the three after it are told it is locked.
    assert sorted(said) == sorted([f"SignInRefused: {WRONG}"] * 4 + [f"SignInRefused: {locked}"] * 4)
    with store.connect(demo_db) as con, pytest.raises(SignInRefused, match=f"^{locked}$"):
        accounts.authenticate(con, OFFICER, PASSWORD, sleep=lambda _: None)
    assert query(demo_db, "SELECT failed_attempts FROM core.account") == [(9,)]  # an attempt while locked counts


# --- a sign-in kept across a reload or a new tab ----------------------------------------------------------------

NOON = datetime(2025, 11, 20, 12, 0)


def test_a_kept_sign_in_lasts_its_hours_and_the_database_holds_only_its_hash(
    signin: duckdb.DuckDBPyConnection,
) -> None:
    actor = accounts.authenticate(signin, OFFICER, PASSWORD, sleep=Sleeps())
    token = accounts.issue_token(signin, actor, now=NOON)
    assert len(token) >= 43  # 32 random bytes
    assert signin.execute("SELECT * FROM core.sign_in_token").fetchall() == [
        (hashlib.sha256(token.encode()).hexdigest(), OFFICER, NOON, NOON + timedelta(hours=8))
    ]
    assert accounts.resume(signin, token, now=NOON + timedelta(hours=7, minutes=59)) == actor
    assert accounts.resume(signin, token, now=NOON + timedelta(hours=8)) is None
    assert accounts.resume(signin, token[:-1], now=NOON) is None
    # An expired token is cleared when the next one is made.
    accounts.issue_token(signin, actor, now=NOON + timedelta(hours=9))
    assert signin.execute("SELECT count(*) FROM core.sign_in_token WHERE email = $e", {"e": OFFICER}).fetchall() == [
        (1,)
    ]


@pytest.mark.parametrize("end", ["sign out", "disable", "new password"])
def test_a_kept_sign_in_ends_with_sign_out_disable_or_a_new_password(
    signin: duckdb.DuckDBPyConnection, end: str
) -> None:
    actor = accounts.authenticate(signin, OFFICER, PASSWORD, sleep=Sleeps())
    token = accounts.issue_token(signin, actor, now=NOON)
    other = accounts.issue_token(signin, actor, now=NOON)  # the same person in another browser
    if end == "sign out":
        accounts.revoke_token(signin, token)
        assert accounts.resume(signin, other, now=NOON) == actor  # signing out of one browser leaves the other
    elif end == "disable":
        accounts.set_disabled(signin, SERVER, OFFICER)
        accounts.set_disabled(signin, SERVER, OFFICER, disabled=False)  # enabling again does not revive it
    else:
        accounts.add_user(signin, SERVER, email=OFFICER, role="officer", partners=["HBBC"], password=PASSWORD + "!")
    assert accounts.resume(signin, token, now=NOON) is None


def test_a_kept_sign_in_resumes_with_the_account_as_it_is_now(signin: duckdb.DuckDBPyConnection) -> None:
    token = accounts.issue_token(signin, accounts.authenticate(signin, OFFICER, PASSWORD, sleep=Sleeps()), now=NOON)
    accounts.add_user(signin, SERVER, email=OFFICER, role="viewer")
    resumed = accounts.resume(signin, token, now=NOON)
    assert resumed == Actor(OFFICER, Role.VIEWER) and resumed.account


# --- an account changed while its owner is signed in: every write judges it as it is now ----------------------

LEAVER = "leaver@partnership.example"
DISABLED = (
    f"{LEAVER} may no longer use Charter: the account has been disabled; "
    "ask the partnership's performance lead if this is a mistake"
)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in CASES])
@pytest.mark.parametrize("change", ["disabled", "made a viewer"])
def test_every_write_refuses_an_account_disabled_or_downgraded_since_sign_in(
    demo_db: Path, tmp_path: Path, case: Case, change: str
) -> None:
    add(demo_db, LEAVER, "admin")  # an administrator may do every write below
    with store.connect(demo_db, as_of=AS_OF) as con:
        ctx = case.setup(con, tmp_path)
        signed_in = accounts.actor_for_email(con, LEAVER)  # the copy an open browser session holds
        assert signed_in is not None and signed_in.can(Action.USERS)
        if change == "disabled":
            accounts.set_disabled(con, SERVER, LEAVER)
        else:
            accounts.add_user(con, SERVER, email=LEAVER, role="viewer")
    before = table_contents(demo_db)
    expected = DISABLED if change == "disabled" else case.refusal.replace("{email}", LEAVER).replace("{role}", "viewer")
    with store.connect(demo_db, as_of=AS_OF) as con, pytest.raises(AccessDenied) as refused:
        case.do(con, signed_in, ctx)
    assert re.fullmatch(re.escape(expected) if change == "disabled" else expected, str(refused.value))
    assert table_contents(demo_db) == before
