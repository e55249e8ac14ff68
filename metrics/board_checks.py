"""The checks every board record shares: who is recording, the objective and meeting it names, dates and texts.

Each failure is a `BoardError` whose message says what to change; nothing has been written when it is raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from metrics.access import Action, Actor, require

LONGEST = 4000  # characters in a comment, reason or action: a paragraph, not a document
_DAY_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")


class BoardError(Exception):
    """A board record that cannot be made as asked; nothing was written."""


@dataclass(frozen=True)
class Objective:
    """What a board record needs to know of the objective it names."""

    code: str
    kpi_name: str
    low: float | None
    high: float | None
    annual: bool
    status: str


def parse_day(text: object) -> date:
    """A day as people in the UK write it: 18/11/2025, 18 November 2025 or 2025-11-18."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    raw = re.sub(r"\s+", " ", str(text or "")).strip()
    for form in _DAY_FORMATS:
        try:
            return datetime.strptime(raw, form).date()
        except ValueError:
            continue
    raise BoardError(f"'{raw}' is not a date we can read: write it as day/month/year, e.g. 18/11/2025.")


def text(value: str | None, what: str, *, required: bool = True) -> str:
    """`value` trimmed; refused when needed and empty, or longer than a paragraph."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise BoardError(f"{what[:1].upper()}{what[1:]} is needed.")
    if len(cleaned) > LONGEST:
        raise BoardError(f"The {what} is too long: keep it under {LONGEST} characters.")
    return cleaned


def who(con: duckdb.DuckDBPyConnection, by: Actor, action: Action = Action.REVIEW) -> str:
    """The acting person's name for the record, once their role is shown to allow `action`."""
    require(by, action, con=con)
    if not by.email.strip():
        raise BoardError("Say who is recording this (a name or e-mail address): the record keeps who and when.")
    return by.email.strip()


def objective(con: duckdb.DuckDBPyConnection, code: str) -> Objective:
    """The objective `code` names (any case), or a BoardError."""
    rows = con.execute(
        "SELECT o.code, k.name, k.min_value, k.max_value, k.frequency = 'annual', o.status FROM core.objective o "
        "JOIN core.kpi k ON k.code = o.kpi_code WHERE o.code = $c",
        {"c": (code or "").strip().upper()},
    ).fetchall()
    if not rows:
        raise BoardError(f"There is no objective '{code}'.")
    found, name, low, high, annual, status = rows[0]
    return Objective(str(found), str(name), low, high, bool(annual), str(status))


def meeting(con: duckdb.DuckDBPyConnection, meeting_id: int) -> tuple[date, str]:
    """The day a recorded meeting was held and the quarter it reviewed."""
    rows = con.execute(
        "SELECT held_on, period FROM core.board_meeting WHERE id = $id", {"id": int(meeting_id)}
    ).fetchall()
    if not rows:
        raise BoardError(f"There is no meeting {meeting_id}: record the meeting first.")
    return rows[0][0], str(rows[0][1])
