"""The strategy board: the exception list for a quarter, and its meetings, reviews, target revisions and actions.

Every write checks everything first and then writes in one transaction, recording who and when; a refused
write changes nothing. A target revision adds a 'final' row to core.target that applies from a given
quarter on (`effective_from_index`): the original target stays, and stays in force for earlier quarters.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from metrics import audit
from metrics.access import Action, Actor, require
from metrics.periods import Period, PeriodError, parse_period
from metrics.status import Status
from metrics.store import read_sql, reads_progress, transaction

DECISIONS = ("noted", "action agreed", "target revised", "closed")
ASSESSMENTS = (Status.ON_TRACK.word, Status.AT_RISK.word, Status.OFF_TRACK.word, "Too early to say")
ACTION_STATES = ("open", "overdue", "done")
_LONGEST = 4000  # characters in a comment, reason or action: a paragraph, not a document


class BoardError(Exception):
    """A board record that cannot be made as asked; nothing was written."""


@dataclass(frozen=True)
class ActionInput:
    """An action the board agrees: what, who, by when."""

    description: str
    owner: str
    due_on: date


@dataclass(frozen=True)
class RevisionInput:
    """A new final target that applies from `applies_from` on, for some partners (None: every partner)."""

    value: float
    applies_from: Period
    reason: str
    partners: tuple[str, ...] | None = None
    deadline: Period | None = None


# --- reading -------------------------------------------------------------------------------------------


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pd.DataFrame:
    return con.execute(read_sql(name), params).df()


@reads_progress
def exceptions(con: duckdb.DuckDBPyConnection, period: Period, *, published: bool = True) -> pd.DataFrame:
    """The exception list for a quarter: one row per objective and partner, with the objective's reasons."""
    params = {
        "period": str(period),
        "year": period.fy_label,
        "quarter": period.quarter or 4,
        "idx": period.index,
        "published": published,
    }
    return _frame(con, "board_exceptions", params)


def exception_objectives(frame: pd.DataFrame) -> pd.DataFrame:
    """The exception list with one row per objective: its commitment, reasons and each status's count."""
    if frame.empty:
        return pd.DataFrame(columns=["commitment_code", "commitment_title", "objective_code", "objective_title"])
    keys = ["commitment_code", "commitment_title", "commitment_order", "objective_code", "objective_title", "owner"]
    out = frame.groupby(keys, sort=False).agg(
        reasons=("reasons", "first"),
        partners=("partner_code", "count"),
        off_track=("status", lambda s: int((s == Status.OFF_TRACK.word).sum())),
        at_risk=("status", lambda s: int((s == Status.AT_RISK.word).sum())),
        overdue=("status", lambda s: int((s == Status.OVERDUE.word).sum())),
        ended=("ended", "sum"),
    )
    out = out.reset_index()
    out["reasons"] = out["reasons"].map(lambda r: "; ".join(r))
    return out


def meetings(con: duckdb.DuckDBPyConnection, period: Period | None = None) -> pd.DataFrame:
    """The board's meetings, newest first (optionally those that reviewed one quarter)."""
    return _frame(con, "board_meetings", {"period": None if period is None else str(period)})


def reviews(con: duckdb.DuckDBPyConnection, objective: str | None = None, upto: Period | None = None) -> pd.DataFrame:
    """The board's reviews, newest first, with their meeting and the actions they agreed."""
    return _frame(con, "board_reviews", {"objective": objective, "upto": None if upto is None else upto.index})


def actions(
    con: duckdb.DuckDBPyConnection,
    today: date,
    *,
    states: list[str] | None = None,
    owner: str | None = None,
    objective: str | None = None,
) -> pd.DataFrame:
    """Actions with their state on `today` (open, overdue or done), overdue first; optionally filtered."""
    return _frame(
        con, "board_actions", {"today": today, "states": states or None, "owner": owner, "objective": objective}
    )


def revisions(con: duckdb.DuckDBPyConnection, objective: str | None = None) -> pd.DataFrame:
    """Target revisions, newest first, each with the target it replaced from its quarter on."""
    return _frame(con, "board_revisions", {"objective": objective})


# --- checking ------------------------------------------------------------------------------------------

_DAY_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")


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


def _text(value: str | None, what: str, *, required: bool = True) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise BoardError(f"{what[:1].upper()}{what[1:]} is needed.")
    if len(cleaned) > _LONGEST:
        raise BoardError(f"The {what} is too long: keep it under {_LONGEST} characters.")
    return cleaned


def _who(con: duckdb.DuckDBPyConnection, by: Actor, action: Action = Action.REVIEW) -> str:
    """The acting person's name for the record, once their role is shown to allow `action`."""
    require(by, action, con=con)
    if not by.email.strip():
        raise BoardError("Say who is recording this (a name or e-mail address): the record keeps who and when.")
    return by.email.strip()


def _objective(con: duckdb.DuckDBPyConnection, code: str) -> tuple[str, str, float | None, float | None, bool]:
    rows = con.execute(
        "SELECT o.code, k.name, k.min_value, k.max_value, k.frequency = 'annual' FROM core.objective o "
        "JOIN core.kpi k ON k.code = o.kpi_code WHERE o.code = $c",
        {"c": (code or "").strip().upper()},
    ).fetchall()
    if not rows:
        raise BoardError(f"There is no objective '{code}'.")
    code, name, low, high, annual = rows[0]
    return str(code), str(name), low, high, bool(annual)


def _meeting(con: duckdb.DuckDBPyConnection, meeting_id: int) -> tuple[date, str]:
    rows = con.execute(
        "SELECT held_on, period FROM core.board_meeting WHERE id = $id", {"id": int(meeting_id)}
    ).fetchall()
    if not rows:
        raise BoardError(f"There is no meeting {meeting_id}: record the meeting first.")
    return rows[0][0], str(rows[0][1])


def _check_action(action: ActionInput, not_before: date | None) -> ActionInput:
    owner = _text(action.owner, "an action owner")
    description = _text(action.description, "a description of the action (what is to be done)")
    due = parse_day(action.due_on)
    if not_before is not None and due < not_before:
        raise BoardError(
            f"The action is due on {due:%-d %B %Y}, before the meeting that agreed it ({not_before:%-d %B %Y})."
        )
    return ActionInput(description, owner, due)


# --- writing -------------------------------------------------------------------------------------------


def record_meeting(
    con: duckdb.DuckDBPyConnection,
    *,
    held_on: date | str,
    period: Period | str,
    attendees: list[str] | str,
    by: Actor,
    today: date,
    notes: str = "",
) -> int:
    """Record a meeting of the board: when, who came, which quarter it reviewed. Returns its id."""
    who = _who(con, by)
    day = parse_day(held_on)
    try:
        quarter = parse_period(period)
    except PeriodError as exc:
        raise BoardError(f"The quarter reviewed: {exc}.") from exc
    if quarter.is_annual:
        raise BoardError(f"The board reviews a quarter, not a whole year: choose e.g. {quarter} Q4.")
    if day > today:
        raise BoardError(f"The meeting date {day:%-d %B %Y} is in the future: record a meeting once it has been held.")
    names = attendees.replace(";", "\n").replace(",", "\n").splitlines() if isinstance(attendees, str) else attendees
    people = [n.strip() for n in names if n and n.strip()]
    if not people:
        raise BoardError("List who attended the meeting (one name a line, or separated by commas).")
    text = _text(notes, "notes", required=False)
    with transaction(con):
        rows = con.execute(
            "INSERT INTO core.board_meeting (held_on, period, period_index, attendees, notes, recorded_by, "
            "recorded_at) VALUES ($d, $p, $i, $a, $n, $by, $at) RETURNING id",
            {"d": day, "p": str(quarter), "i": quarter.index, "a": people, "n": text, "by": who, "at": datetime.now()},
        ).fetchall()
        audit.record(con, by, "record meeting", "board meeting", rows[0][0], None,
                     {"held_on": day, "period": str(quarter), "attendees": people})  # fmt: skip
    return int(rows[0][0])


def record_review(
    con: duckdb.DuckDBPyConnection,
    *,
    meeting_id: int,
    objective: str,
    assessment: str,
    decision: str,
    comment: str,
    by: Actor,
    action: ActionInput | None = None,
    revision: RevisionInput | None = None,
) -> int:
    """Record the board's review of one objective at a meeting, with the action and revision it agreed.

    'action agreed' needs an action; 'target revised' needs a revision (and a revision needs that decision).
    The review, action and revision are written together or not at all. Returns the review's id.
    """
    who = _who(con, by, Action.REVISE if revision is not None else Action.REVIEW)
    code = _objective(con, objective)[0]
    held_on, _ = _meeting(con, meeting_id)
    if assessment not in ASSESSMENTS:
        raise BoardError(f"The assessment must be one of: {', '.join(ASSESSMENTS)}.")
    if decision not in DECISIONS:
        raise BoardError(f"The decision must be one of: {', '.join(DECISIONS)}.")
    if decision == "action agreed" and action is None:
        raise BoardError("The decision is 'action agreed': give the action, its owner and its due date.")
    if decision == "target revised" and revision is None:
        raise BoardError("The decision is 'target revised': give the new target, from when it applies, and why.")
    if revision is not None and decision != "target revised":
        raise BoardError("A new target was given, but the decision is not 'target revised': choose that decision.")
    text = _text(comment, "comment", required=False)
    checked_action = _check_action(action, held_on) if action is not None else None
    new_targets = _plan_revision(con, code, revision) if revision is not None else []
    now = datetime.now()
    with transaction(con):
        review_id = int(
            con.execute(
                "INSERT INTO core.board_review (meeting_id, objective_code, assessment, decision, comment, "
                "recorded_by, recorded_at) VALUES ($m, $o, $a, $d, $c, $by, $at) RETURNING id",
                {"m": int(meeting_id), "o": code, "a": assessment, "d": decision, "c": text, "by": who, "at": now},
            ).fetchall()[0][0]
        )
        if checked_action is not None:
            _insert_action(con, code, checked_action, who, now, review_id)
        if revision is not None:
            _insert_revision(con, code, new_targets, revision, who, now)
        audit.record(con, by, "record review", "board review", review_id, None,
                     {"objective": code, "assessment": assessment, "decision": decision, "comment": text,
                      "action": checked_action, "revision": revision})  # fmt: skip
    return review_id


def record_action(
    con: duckdb.DuckDBPyConnection, *, objective: str, action: ActionInput, by: Actor, review_id: int | None = None
) -> int:
    """Record an action on an objective (outside a review, or added to one). Returns its id."""
    who = _who(con, by)
    code = _objective(con, objective)[0]
    checked = _check_action(action, None)
    with transaction(con):
        action_id = _insert_action(con, code, checked, who, datetime.now(), review_id)
        audit.record(con, by, "record action", "board action", action_id, None, {"objective": code, "action": checked})
        return action_id


def complete_action(con: duckdb.DuckDBPyConnection, action_id: int, *, by: Actor, note: str = "") -> None:
    """Mark an open action done, with who did so, when, and an optional note."""
    who = _who(con, by)
    rows = con.execute(
        "SELECT state, done_by, done_at FROM core.board_action WHERE id = $id", {"id": int(action_id)}
    ).fetchall()
    if not rows:
        raise BoardError(f"There is no action {action_id}.")
    if rows[0][0] == "done":
        raise BoardError(f"Action {action_id} is already done (marked by {rows[0][1]} on {rows[0][2]:%-d %B %Y}).")
    with transaction(con):
        con.execute(
            "UPDATE core.board_action SET state = 'done', done_by = $by, done_at = $at, done_note = $n WHERE id = $id",
            {"by": who, "at": datetime.now(), "n": _text(note, "note", required=False), "id": int(action_id)},
        )
        audit.record(con, by, "complete action", "board action", action_id, {"state": rows[0][0]}, {"state": "done"})


def revise_target(con: duckdb.DuckDBPyConnection, *, objective: str, revision: RevisionInput, by: Actor) -> list[int]:
    """Revise an objective's final target from a quarter on, keeping the original. Returns the new rows' ids."""
    who = _who(con, by, Action.REVISE)
    code = _objective(con, objective)[0]
    planned = _plan_revision(con, code, revision)
    with transaction(con):
        ids = _insert_revision(con, code, planned, revision, who, datetime.now())
        audit.record(con, by, "revise target", "objective", code, None, {"revision": revision, "rows": ids})
        return ids


def _insert_action(
    con: duckdb.DuckDBPyConnection, code: str, action: ActionInput, who: str, now: datetime, review_id: int | None
) -> int:
    rows = con.execute(
        "INSERT INTO core.board_action (objective_code, review_id, description, owner, due_on, recorded_by, "
        "recorded_at) VALUES ($o, $r, $d, $w, $due, $by, $at) RETURNING id",
        {"o": code, "r": review_id, "d": action.description, "w": action.owner, "due": action.due_on, "by": who,
         "at": now},
    ).fetchall()  # fmt: skip
    return int(rows[0][0])


@dataclass(frozen=True)
class _NewTarget:
    partner: str
    deadline: str
    deadline_index: int


@dataclass(frozen=True)
class _InForce:
    baseline_index: int
    deadline: str
    deadline_index: int
    value: float
    left_on: date | None


def _in_force(con: duckdb.DuckDBPyConnection, code: str, start: Period) -> dict[str, _InForce]:
    """Each partner's baseline and the final target in force in quarter `start`."""
    rows = con.execute(
        "SELECT b.partner_code, b.period_index, f.period, f.period_index, f.value, pa.left_on "
        "FROM core.target b JOIN core.partner pa ON pa.code = b.partner_code "
        "JOIN LATERAL (SELECT * FROM core.target f WHERE f.objective_code = b.objective_code "
        "  AND f.partner_code = b.partner_code AND f.kind = 'final' AND f.superseded_at IS NULL "
        "  AND coalesce(f.effective_from_index, -1) <= $idx "
        "  ORDER BY coalesce(f.effective_from_index, -1) DESC, f.id DESC LIMIT 1) f ON true "
        "WHERE b.objective_code = $o AND b.kind = 'baseline' AND b.superseded_at IS NULL ORDER BY pa.sort_order",
        {"o": code, "idx": start.index},
    ).fetchall()
    return {p: _InForce(int(b), str(d), int(di), float(v), left) for p, b, d, di, v, left in rows}


def _check_value(value: object, kpi_name: str, low: float | None, high: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BoardError("The new target must be a number.")
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"{low:g} to {high:g}" if low is not None and high is not None else f"{low or high:g}"
        raise BoardError(f"The new target {value:g} is outside the range of {kpi_name} ({span}).")
    return float(value)


def _plan_revision(con: duckdb.DuckDBPyConnection, code: str, revision: RevisionInput) -> list[_NewTarget]:
    """Check a revision against the objective's targets; the rows it will add, one per partner that changes."""
    _, kpi_name, low, high, annual = _objective(con, code)
    if not _text(revision.reason, "reason", required=False):
        raise BoardError("A target revision needs a reason: say why the board is changing the target.")
    value = _check_value(revision.value, kpi_name, low, high)
    start = _first_quarter(revision.applies_from)
    in_force = _in_force(con, code, start)
    if not in_force:
        raise BoardError(f"{code} has no baseline and target to revise.")
    members = {p: t for p, t in in_force.items() if t.left_on is None or t.left_on >= start.start}
    wanted = list(revision.partners) if revision.partners else list(members)
    unknown = [p for p in wanted if p not in members]
    if unknown or not wanted:
        raise BoardError(
            f"{code} has no target for {', '.join(unknown) or 'any partner'} in {start}: "
            f"choose from {', '.join(members) or 'none'}."
        )
    planned = []
    for partner in wanted:
        now = members[partner]
        if start.index <= now.baseline_index:
            raise BoardError(
                f"A revision must apply from a quarter after the baseline ({Period.from_index(now.baseline_index)})."
            )
        deadline, deadline_index = now.deadline, now.deadline_index
        if revision.deadline is not None:
            chosen = revision.deadline
            deadline = str(Period(chosen.year) if annual else (chosen if chosen.quarter else Period(chosen.year, 4)))
            deadline_index = parse_period(deadline).index
            if deadline_index <= now.baseline_index:
                raise BoardError(f"The deadline {deadline} must come after the baseline.")
        if (value, deadline_index) != (now.value, now.deadline_index):
            planned.append(_NewTarget(partner, deadline, deadline_index))
    if not planned:
        raise BoardError(f"The target is already {value:g} from {start}: nothing to revise.")
    return planned


def _first_quarter(period: Period) -> Period:
    """A revision applies from a quarter; a whole year means from its first quarter."""
    return period if period.quarter else Period(period.year, 1)


def _insert_revision(
    con: duckdb.DuckDBPyConnection,
    code: str,
    planned: list[_NewTarget],
    revision: RevisionInput,
    who: str,
    now: datetime,
) -> list[int]:
    """Add the revised final targets. Earlier revisions that applied from the same quarter or later give way;
    the framework's original target is never touched, so quarters before the revision keep it."""
    start = _first_quarter(revision.applies_from)
    ids = []
    for target in planned:
        con.execute(
            "UPDATE core.target SET superseded_at = $at WHERE objective_code = $o AND partner_code = $p "
            "AND kind = 'final' AND superseded_at IS NULL AND effective_from_index >= $idx",
            {"at": now, "o": code, "p": target.partner, "idx": start.index},
        )
        rows = con.execute(
            "INSERT INTO core.target (objective_code, partner_code, kind, period, period_index, value, "
            "effective_from_index, recorded_at, recorded_by, reason) "
            "VALUES ($o, $p, 'final', $per, $pi, $v, $eff, $at, $by, $why) RETURNING id",
            {"o": code, "p": target.partner, "per": target.deadline, "pi": target.deadline_index,
             "v": float(revision.value), "eff": start.index, "at": now, "by": who, "why": revision.reason.strip()},
        ).fetchall()  # fmt: skip
        ids.append(int(rows[0][0]))
    return ids


@reads_progress
def series(
    con: duckdb.DuckDBPyConnection, objectives: list[str], period: Period, quarters: int = 8, *, published: bool = True
) -> pd.DataFrame:
    """The progress of `objectives` per partner over the `quarters` quarters to `period` (for charts)."""
    params = {"objectives": objectives, "first": period.index - quarters + 1, "last": period.index}
    return _frame(con, "board_series", params | {"published": published})
