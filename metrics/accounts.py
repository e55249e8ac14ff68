"""Accounts: people who may sign in, their role and councils; local passwords (argon2) with lock-out.

Councils that use Microsoft 365 sign in through Entra ID (OpenID Connect); their e-mail is looked up
here for the role, and no password is held. A small partnership with nothing else uses local accounts.
Passwords are only ever held as argon2 hashes and are never printed, logged or shown.

A local sign-in is kept for a reload or a new tab by a random token in a browser cookie; the database keeps
only its SHA-256 with an expiry, and signing out, a new password or disabling the account deletes it. A
random token looked up by its hash needs no signing key: it cannot be guessed, and it can be revoked.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from metrics import audit
from metrics.access import AccessDenied, Action, Actor, Role, current, require
from metrics.store import WriteConflict, transaction

MAX_ATTEMPTS = 5
LOCK_MINUTES = 15
TOKEN_HOURS = 8  # a working day: how long a local sign-in lasts across reloads and tabs
_RETRIES = 30
MIN_PASSWORD = 12
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()


class AccountError(Exception):
    """An account cannot be created or changed as asked."""


class SignInRefused(Exception):
    """Sign-in failed; the message never says which of e-mail or password was wrong."""


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    role: Role
    partners: tuple[str, ...]
    disabled: bool
    local: bool

    def actor(self) -> Actor:
        return Actor(self.email, self.role, frozenset(self.partners), account=True)


def _clean_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise AccountError(f"'{email}' is not an e-mail address")
    return email


@dataclass(frozen=True)
class _Row:
    email: str
    name: str
    role: Role
    partners: tuple[str, ...]
    password_hash: str | None
    disabled: bool
    failed_attempts: int
    locked_until: datetime | None

    def public(self) -> dict[str, object]:
        """What the audit trail may hold of an account: never the password hash."""
        return {"email": self.email, "name": self.name, "role": self.role.value, "partners": list(self.partners),
                "disabled": self.disabled}  # fmt: skip


def _row(con: duckdb.DuckDBPyConnection, email: str) -> _Row | None:
    rows = con.execute(
        "SELECT email, name, role, partners, password_hash, disabled, failed_attempts, locked_until "
        "FROM core.account WHERE email = $e",
        {"e": email.strip().lower()},
    ).fetchall()
    if not rows:
        return None
    e, n, r, p, h, d, f, lock = rows[0]
    return _Row(str(e), str(n), Role(str(r)), tuple(p or ()), h, bool(d), int(f), lock)


def add_user(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    *,
    email: str,
    role: str,
    partners: Iterable[str] = (),
    password: str | None = None,
    name: str = "",
) -> Account:
    """Create an account (or change an existing one's role, councils and password)."""
    require(actor, Action.USERS, con=con)
    email = _clean_email(email)
    try:
        role_ = Role(role)
    except ValueError:
        raise AccountError(f"'{role}' is not a role; use one of viewer, officer, board, admin") from None
    codes = sorted({p.strip().upper() for p in partners if p.strip()})
    known = {r[0] for r in con.execute("SELECT code FROM core.partner").fetchall()}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise AccountError(f"there is no partner {', '.join(unknown)}; use one of {', '.join(sorted(known))}")
    if role_ is Role.OFFICER and not codes:
        raise AccountError("an officer needs at least one council: add --partner CODE")
    if password is not None and len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")
    digest = _hasher.hash(password) if password is not None else None
    with transaction(con):
        before = _row(con, email)
        # Changing someone's role or councils keeps them disabled (`user enable` lets them in again) and keeps a
        # lock-out in force; only a new password clears the failed attempts.
        keep = before is not None and digest is None
        con.execute(
            "INSERT OR REPLACE INTO core.account (email, name, role, partners, password_hash, disabled, "
            "failed_attempts, locked_until, created_at, last_sign_in) VALUES ($e, $n, $r, $p, $h, $d, $f, $l, "
            "coalesce((SELECT created_at FROM core.account WHERE email = $e), current_timestamp), "
            "(SELECT last_sign_in FROM core.account WHERE email = $e))",
            {"e": email, "n": name or (before.name if before else ""), "r": role_.value, "p": codes,
             "h": digest if digest is not None else (before.password_hash if before else None),
             "d": before.disabled if before else False, "f": before.failed_attempts if keep and before else 0,
             "l": before.locked_until if keep and before else None},
        )  # fmt: skip
        if digest is not None:  # a new password ends every sign-in kept with the old one
            con.execute("DELETE FROM core.sign_in_token WHERE email = $e", {"e": email})
        after = _row(con, email)
        assert after is not None  # noqa: S101
        audit.record(con, actor, "add user" if before is None else "change user", "account", email,
                     before.public() if before else None, after.public())  # fmt: skip
    return get_account(con, email)  # type: ignore[return-value]


def set_disabled(con: duckdb.DuckDBPyConnection, actor: Actor, email: str, disabled: bool = True) -> None:
    """Stop (or allow again) an account from signing in; the account and its history are kept."""
    require(actor, Action.USERS, con=con)
    with transaction(con):
        before = _row(con, email)
        if before is None:
            raise AccountError(f"there is no account for {email.strip().lower()}")
        con.execute("UPDATE core.account SET disabled = $d WHERE email = $e", {"d": disabled, "e": before.email})
        if disabled:
            con.execute("DELETE FROM core.sign_in_token WHERE email = $e", {"e": before.email})
        after = _row(con, before.email)
        assert after is not None  # noqa: S101
        audit.record(con, actor, "disable user" if disabled else "enable user", "account", before.email,
                     before.public(), after.public())  # fmt: skip


def get_account(con: duckdb.DuckDBPyConnection, email: str) -> Account | None:
    row = _row(con, email)
    if row is None:
        return None
    return Account(row.email, row.name, row.role, row.partners, row.disabled, row.password_hash is not None)


def list_accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    emails = [r[0] for r in con.execute("SELECT email FROM core.account ORDER BY email").fetchall()]
    return [a for a in (get_account(con, e) for e in emails) if a is not None]


def any_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM core.account").fetchall()[0][0])


def _locked(until: datetime) -> SignInRefused:
    return SignInRefused(
        f"too many failed attempts: this account is locked until {until:%H:%M}; try again then, or ask an administrator"
    )


# One statement counts a failure, so that attempts made at the same moment each count (it reads the count it
# raises); an attempt while locked counts too and leaves the lock as it is; a lock that has run out starts the
# count again.
_FAILED = """UPDATE core.account SET
    failed_attempts = CASE WHEN locked_until <= $now THEN 1 ELSE failed_attempts + 1 END,
    locked_until = CASE
        WHEN (CASE WHEN locked_until <= $now THEN 1 ELSE failed_attempts + 1 END) < $max
            THEN CASE WHEN locked_until > $now THEN locked_until END
        WHEN locked_until > $now THEN locked_until
        ELSE $lock END
    WHERE email = $e RETURNING failed_attempts, locked_until"""
_SIGNED_IN = """UPDATE core.account SET failed_attempts = 0, locked_until = NULL, last_sign_in = $now
    WHERE email = $e AND (locked_until IS NULL OR locked_until <= $now) RETURNING email"""


def _write_row(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> list[tuple[Any, ...]]:
    """Run one UPDATE ... RETURNING in its own transaction, again if another session changed the row at once."""
    for attempt in range(_RETRIES):
        try:
            with transaction(con):
                return con.execute(sql, params).fetchall()
        except WriteConflict:
            if attempt == _RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1) + secrets.randbelow(20) / 1000)  # spread the retries apart
    raise AssertionError("unreachable")  # pragma: no cover


def authenticate(
    con: duckdb.DuckDBPyConnection,
    email: str,
    password: str,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Actor:
    """Check a local password. Each failure slows the next answer; MAX_ATTEMPTS in a row lock the account."""
    return sign_in(lambda: nullcontext(con), email, password, now=now, sleep=sleep)


def sign_in(
    opening: Callable[[], AbstractContextManager[duckdb.DuckDBPyConnection]],
    email: str,
    password: str,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Actor:
    """As `authenticate`, opening the database (`opening()`) only to read the account and to count the attempt:
    not while argon2 checks the password, so that sign-ins at the same moment do not keep other readers waiting."""
    now = now or datetime.now()
    refused = SignInRefused("the e-mail or password is wrong, or the account may not sign in")
    with opening() as con:
        row = _row(con, email)
    if row is None or row.password_hash is None or row.disabled:
        sleep(0.5)
        raise refused
    failure = {"now": now, "max": MAX_ATTEMPTS, "lock": now + timedelta(minutes=LOCK_MINUTES), "e": row.email}
    if row.locked_until is not None and row.locked_until > now:  # counted too, but the password is not checked
        with opening() as con:
            [(_, until)] = _write_row(con, _FAILED, failure)
        raise _locked(until or row.locked_until)
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        with opening() as con:
            [(failed, until)] = _write_row(con, _FAILED, failure)
        sleep(min(0.5 * failed, 3.0))
        raise (refused if until is None else _locked(until)) from None
    with opening() as con:
        if _write_row(con, _SIGNED_IN, {"now": now, "e": row.email}):
            return Actor(row.email, row.role, frozenset(row.partners), account=True)
        locked = _row(con, row.email)  # locked by attempts made meanwhile
    raise _locked(locked.locked_until if locked and locked.locked_until else now)


def actor_for_email(con: duckdb.DuckDBPyConnection, email: str) -> Actor | None:
    """The role of someone signed in through Microsoft 365; None if they have no account here."""
    account = get_account(con, email)
    if account is None or account.disabled:
        return None
    return account.actor()


def refresh(con: duckdb.DuckDBPyConnection, actor: Actor) -> Actor | None:
    """A signed-in person as their account stands now (role, councils); None once it is disabled."""
    try:
        return current(con, actor)
    except AccessDenied:
        return None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(con: duckdb.DuckDBPyConnection, actor: Actor, *, now: datetime | None = None) -> str:
    """A new sign-in token for a browser to keep; the database keeps its hash until it expires or is revoked."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    with transaction(con):
        con.execute("DELETE FROM core.sign_in_token WHERE expires_at <= $now", {"now": now})
        con.execute(
            "INSERT INTO core.sign_in_token VALUES ($h, $e, $now, $until)",
            {"h": _digest(token), "e": actor.email, "now": now, "until": now + timedelta(hours=TOKEN_HOURS)},
        )
    return token


def resume(con: duckdb.DuckDBPyConnection, token: str, *, now: datetime | None = None) -> Actor | None:
    """The person a browser's token signs in: None if it is unknown, expired or revoked, or the account disabled."""
    rows = con.execute(
        "SELECT t.email FROM core.sign_in_token t JOIN core.account a USING (email) "
        "WHERE t.token_sha256 = $h AND t.expires_at > $now AND NOT a.disabled",
        {"h": _digest(token), "now": now or datetime.now()},
    ).fetchall()
    account = get_account(con, str(rows[0][0])) if rows else None
    return account.actor() if account else None


def revoke_token(con: duckdb.DuckDBPyConnection, token: str) -> None:
    """End a kept sign-in (signing out)."""
    with transaction(con):
        con.execute("DELETE FROM core.sign_in_token WHERE token_sha256 = $h", {"h": _digest(token)})


def login_name(by: str | None = None) -> str:
    """The name recorded for someone at the command line: `--by`, else their login."""
    if by:
        return by
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "command line"


def acting(con: duckdb.DuckDBPyConnection, as_email: str | None, name: str) -> Actor:
    """Who the command line acts as: the account named by `--as`, or else the administrator who owns
    the database file (anyone who can write the file can already change anything in it)."""
    if not as_email:
        return Actor.administrator(name)
    account = get_account(con, as_email)
    if account is None or account.disabled:
        raise AccountError(f"there is no active account for {as_email.strip().lower()}")
    return account.actor()


def require_users(actor: Actor) -> None:
    """Only administrators list accounts."""
    require(actor, Action.USERS)
