"""Notices by e-mail (docs/reminders.md): what a notice is, the settings of a run, who chose to get which kind,
and the record of what was sent to whom (core.notice_sent), so that each notice goes to each person once.

The notices themselves come from metrics/notice_sources.py; metrics/remind.py runs them and sends the e-mails.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import duckdb

from metrics import audit
from metrics.access import AccessDenied, Action, Actor, Role, current, require
from metrics.defaults import ROOT
from metrics.store import transaction

SECRETS = Path(".streamlit") / "secrets.toml"


class SettingsError(Exception):
    """A setting of `[reminders]` or `[smtp]` cannot be used as written."""


@dataclass(frozen=True)
class Kind:
    """A kind of notice people choose to get or not, on the "My notices" page."""

    key: str
    label: str
    roles: frozenset[Role]  # the roles it can concern: only these see it offered


@dataclass(frozen=True)
class Part:
    """A sentence of a notice, with the items it lists (figures owed, objectives) as bullets."""

    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notice:
    """One thing to tell: its kind, a key that is sent once per person, what it says, where to deal with it."""

    kind: str
    key: str
    title: str
    parts: tuple[Part, ...]
    links: tuple[tuple[str, str], ...]  # (what the link opens, its address)
    to: tuple[str, ...]  # e-mail addresses of active accounts
    unreached: str = ""  # why no one gets it, when `to` is empty


@dataclass(frozen=True)
class RemindSettings:
    """`[reminders]` of the secrets file, with defaults; CHARTER_BASE_URL overrides `base_url`."""

    base_url: str = "http://localhost:8501"
    due_in_days: int = 7  # "figures due in N days"
    escalate_after_days: int = 14  # overdue this long: the performance lead is told too
    digest_days_before: int = 7  # the board's digest, this many days before a planned meeting
    review_days: int = 14  # submissions returned or approved this recently are told to their sender
    partnership: str | None = None  # a hosted partnership's code: every link opens that partnership (hosting.md)

    def url(self, page: str, **params: object) -> str:
        """The address of one of the app's pages, with its query (partnership, quarter, partner, ...)."""
        params = {"partnership": self.partnership, **params}
        query = urlencode({k: str(v) for k, v in params.items() if v is not None}, quote_via=quote)
        return f"{self.base_url}/{page}" + (f"?{query}" if query else "")


_NUMBERS = ("due_in_days", "escalate_after_days", "digest_days_before", "review_days")


def secrets_path(given: Path | None = None) -> Path:
    """The secrets file: `--secrets`, else $CHARTER_SECRETS, else .streamlit/secrets.toml here or in the project."""
    if given is not None:
        return given
    if os.environ.get("CHARTER_SECRETS"):
        return Path(os.environ["CHARTER_SECRETS"])
    return SECRETS if SECRETS.exists() else ROOT / SECRETS


def read_secrets(path: Path) -> dict[str, Any]:
    """The secrets file as TOML; an absent file is empty (nothing configured)."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc}); fix the file and run again") from None


def remind_settings(secrets: dict[str, Any], path: Path) -> RemindSettings:
    """The `[reminders]` section checked, each bad value named with the file and key."""
    section = secrets.get("reminders", {})
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: [reminders] must be a section of settings")
    unknown = sorted(set(section) - {"base_url", *_NUMBERS})
    if unknown:
        known = ", ".join(("base_url", *_NUMBERS))
        raise SettingsError(f"{path}: [reminders] has no setting {', '.join(unknown)}; use {known}")
    values: dict[str, Any] = {}
    for name in _NUMBERS:
        if name in section:
            value = section[name]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 366:
                raise SettingsError(f"{path}: [reminders] {name} must be a whole number of days from 0 to 366")
            values[name] = value
    base = os.environ.get("CHARTER_BASE_URL") or section.get("base_url", RemindSettings.base_url)
    if not isinstance(base, str) or not base.startswith(("http://", "https://")):
        raise SettingsError(
            f"{path}: [reminders] base_url (or CHARTER_BASE_URL) must be the app's address, "
            "e.g. https://charter.example.gov.uk"
        )
    return RemindSettings(base_url=base.rstrip("/"), **values)


# --- who gets which kind ----------------------------------------------------------------------------------------


def preferences(con: duckdb.DuckDBPyConnection, email: str) -> dict[str, bool]:
    """The kinds a person has said yes or no to; a kind not named is wanted."""
    rows = con.execute(
        "SELECT kind, wanted FROM core.notice_preference WHERE email = $e", {"e": email.strip().lower()}
    ).fetchall()
    return {str(kind): bool(wanted) for kind, wanted in rows}


def unwanted(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Every (e-mail, kind) someone has turned off."""
    rows = con.execute("SELECT email, kind FROM core.notice_preference WHERE NOT wanted").fetchall()
    return {(str(e), str(k)) for e, k in rows}


def set_preferences(con: duckdb.DuckDBPyConnection, actor: Actor, chosen: dict[str, bool], kinds: list[Kind]) -> None:
    """Save a person's own choices (their account as it stands now), audited with before and after."""
    require(actor, Action.NOTICES, con=con)
    if not actor.account:
        raise AccessDenied("notices are chosen by each person with a Charter account, for themselves")
    person = current(con, actor)
    offered = {k.key for k in kinds if person.role in k.roles}
    strange = sorted(set(chosen) - offered)
    if strange:
        raise AccessDenied(f"{person.email} ({person.role.value}) is not offered the notices {', '.join(strange)}")
    with transaction(con):
        before = preferences(con, person.email)
        for kind, wanted in sorted(chosen.items()):
            con.execute(
                "INSERT OR REPLACE INTO core.notice_preference VALUES ($e, $k, $w, $at)",
                {"e": person.email, "k": kind, "w": bool(wanted), "at": datetime.now()},
            )
        after = preferences(con, person.email)
        audit.record(con, person, "choose notices", "notice preference", person.email, before or None, after)


# --- what was sent ----------------------------------------------------------------------------------------------


def already_sent(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Every (notice key, e-mail) sent before."""
    return {(str(k), str(e)) for k, e in con.execute("SELECT notice_key, email FROM core.notice_sent").fetchall()}


def record_sent(con: duckdb.DuckDBPyConnection, email: str, notices: list[Notice], as_of: date) -> None:
    """Record that one e-mail holding `notices` was accepted by the mail server for `email`."""
    with transaction(con):
        for notice in notices:
            con.execute(
                "INSERT OR IGNORE INTO core.notice_sent VALUES ($k, $e, $kind, $t, $d, $at)",
                {"k": notice.key, "e": email, "kind": notice.kind, "t": notice.title, "d": as_of, "at": datetime.now()},
            )


@dataclass(frozen=True)
class Sent:
    """A notice sent to someone, for their own list on "My notices"."""

    title: str
    kind: str
    sent_at: datetime


def sent_to(con: duckdb.DuckDBPyConnection, email: str, limit: int = 20) -> list[Sent]:
    """The latest notices sent to one person, newest first."""
    rows = con.execute(
        "SELECT title, kind, sent_at FROM core.notice_sent WHERE email = $e ORDER BY sent_at DESC, title LIMIT $n",
        {"e": email.strip().lower(), "n": limit},
    ).fetchall()
    return [Sent(str(t), str(k), at) for t, k, at in rows]


@dataclass(frozen=True)
class Planned:
    """A board meeting to come."""

    held_on: date
    period: str | None = field(default=None)
