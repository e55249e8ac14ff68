"""The board's records: its meetings, its review of each objective (with the action, revision or closing it
decides), and the actions it agrees.

Every write checks everything first and then writes in one transaction with the audit trail, recording who
and when; a refused write changes nothing. Closing an objective sets its status to the board's result
(achieved, missed or withdrawn) with a change in its history, which the progress rules read as the board's
decision (docs/progress-rules.md, 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from metrics import audit
from metrics import board_checks as checks
from metrics.access import Action, Actor
from metrics.board_checks import BoardError
from metrics.board_targets import NewTarget, RevisionInput, in_force, insert_revision, plan_revision
from metrics.periods import Period, PeriodError, parse_period
from metrics.status import Status
from metrics.store import transaction

DECISIONS = ("noted", "action agreed", "target revised", "closed")
# How a 'closed' decision ends the objective: the objective statuses the board may set (metrics/models.py).
RESULTS = ("achieved", "missed", "withdrawn")
ASSESSMENTS = (Status.ON_TRACK.word, Status.AT_RISK.word, Status.OFF_TRACK.word, "Too early to say")


@dataclass(frozen=True)
class ActionInput:
    """An action the board agrees: what, who, by when."""

    description: str
    owner: str
    due_on: date


@dataclass(frozen=True)
class _Review:
    """A review checked and ready to write."""

    code: str
    held_on: date
    comment: str
    action: ActionInput | None
    targets: list[NewTarget]
    closing: tuple[str, str] | None  # the objective's status before and after


def _check_action(action: ActionInput, not_before: date | None) -> ActionInput:
    owner = checks.text(action.owner, "an action owner")
    description = checks.text(action.description, "a description of the action (what is to be done)")
    due = checks.parse_day(action.due_on)
    if not_before is not None and due < not_before:
        raise BoardError(
            f"The action is due on {due:%-d %B %Y}, before the meeting that agreed it ({not_before:%-d %B %Y})."
        )
    return ActionInput(description, owner, due)


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
    who = checks.who(con, by)
    day = checks.parse_day(held_on)
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
    text = checks.text(notes, "notes", required=False)
    with transaction(con):
        rows = con.execute(
            "INSERT INTO core.board_meeting (held_on, period, period_index, attendees, notes, recorded_by, "
            "recorded_at) VALUES ($d, $p, $i, $a, $n, $by, $at) RETURNING id",
            {"d": day, "p": str(quarter), "i": quarter.index, "a": people, "n": text, "by": who, "at": datetime.now()},
        ).fetchall()
        audit.record(con, by, "record meeting", "board meeting", rows[0][0], None,
                     {"held_on": day, "period": str(quarter), "attendees": people})  # fmt: skip
    return int(rows[0][0])


def _check_decision(decision: str, action: object, revision: object, result: str | None) -> None:
    """The decision and what it needs: an action, a revision or a result, and nothing it does not use."""
    if decision not in DECISIONS:
        raise BoardError(f"The decision must be one of: {', '.join(DECISIONS)}.")
    if decision == "action agreed" and action is None:
        raise BoardError("The decision is 'action agreed': give the action, its owner and its due date.")
    if decision == "target revised" and revision is None:
        raise BoardError("The decision is 'target revised': give the new target, from when it applies, and why.")
    if revision is not None and decision != "target revised":
        raise BoardError("A new target was given, but the decision is not 'target revised': choose that decision.")
    if decision == "closed" and not result:
        raise BoardError(f"The decision is 'closed': say how the objective ends ({', '.join(RESULTS)}).")
    if result and decision != "closed":
        raise BoardError(f"A result ({result}) was given, but the decision is not 'closed': choose that decision.")
    if result and result not in RESULTS:
        raise BoardError(f"An objective is closed as one of: {', '.join(RESULTS)}.")


def _check_closing(con: duckdb.DuckDBPyConnection, obj: checks.Objective, reviewed: str, result: str) -> None:
    """Achieved or missed are results: the board can record one once every council's deadline has passed."""
    if result == "withdrawn":
        return
    quarter = parse_period(reviewed)
    targets = in_force(con, obj.code, quarter)
    running = [t for t in targets.values() if t.deadline_index >= quarter.index]
    if running:
        last = max(running, key=lambda t: t.deadline_index).deadline
        raise BoardError(
            f"{obj.code} runs until {last}, so in the {reviewed} review it cannot be closed as {result}: "
            "record a result after its deadline, or withdraw it, or revise its target."
        )


def _check_review(
    con: duckdb.DuckDBPyConnection,
    meeting_id: int,
    objective: str,
    assessment: str,
    decision: str,
    comment: str,
    action: ActionInput | None,
    revision: RevisionInput | None,
    result: str | None,
) -> _Review:
    obj = checks.objective(con, objective)
    held_on, reviewed = checks.meeting(con, meeting_id)
    if assessment not in ASSESSMENTS:
        raise BoardError(f"The assessment must be one of: {', '.join(ASSESSMENTS)}.")
    _check_decision(decision, action, revision, result)
    if result:
        _check_closing(con, obj, reviewed, result)
    text = checks.text(comment, "comment", required=False)
    checked_action = _check_action(action, held_on) if action is not None else None
    targets = plan_revision(con, obj.code, revision) if revision is not None else []
    closing = (obj.status, result) if result else None
    return _Review(obj.code, held_on, text, checked_action, targets, closing)


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
    result: str | None = None,
) -> int:
    """Record the board's review of one objective at a meeting, with the action, revision or closing it decided.

    'action agreed' needs an action; 'target revised' a revision; 'closed' a result (achieved, missed or
    withdrawn), which becomes the objective's status. All is written together or not at all. Returns its id.
    """
    who = checks.who(con, by, Action.REVISE if revision is not None else Action.REVIEW)
    plan = _check_review(con, meeting_id, objective, assessment, decision, comment, action, revision, result)
    now = datetime.now()
    with transaction(con):
        review_id = int(
            con.execute(
                "INSERT INTO core.board_review (meeting_id, objective_code, assessment, decision, comment, "
                "recorded_by, recorded_at) VALUES ($m, $o, $a, $d, $c, $by, $at) RETURNING id",
                {"m": int(meeting_id), "o": plan.code, "a": assessment, "d": decision, "c": plan.comment, "by": who,
                 "at": now},
            ).fetchall()[0][0]
        )  # fmt: skip
        if plan.action is not None:
            _insert_action(con, plan.code, plan.action, who, now, review_id)
        if revision is not None:
            insert_revision(con, plan.code, plan.targets, revision, who, now)
        if plan.closing is not None:
            _close(con, plan, plan.closing, who, now)
        audit.record(con, by, "record review", "board review", review_id, None,
                     {"objective": plan.code, "assessment": assessment, "decision": decision, "comment": plan.comment,
                      "action": plan.action, "revision": revision, "result": result})  # fmt: skip
    return review_id


def _close(con: duckdb.DuckDBPyConnection, plan: _Review, closing: tuple[str, str], who: str, now: datetime) -> None:
    """Set the objective's status to the board's result, kept in its history as who decided and when."""
    before, after = closing
    if before == after:
        return
    con.execute("UPDATE core.objective SET status = $s WHERE code = $c", {"s": after, "c": plan.code})
    why = f"Closed by the board at its meeting of {plan.held_on:%-d %B %Y}" + (
        f": {plan.comment}" if plan.comment else ""
    )
    con.execute(
        "INSERT INTO core.objective_change (objective_code, field, old_value, new_value, changed_at, changed_by, "
        "reason) VALUES ($o, 'status', $old, $new, $at, $by, $why)",
        {"o": plan.code, "old": before, "new": after, "at": now, "by": who, "why": why},
    )


def record_action(
    con: duckdb.DuckDBPyConnection, *, objective: str, action: ActionInput, by: Actor, review_id: int | None = None
) -> int:
    """Record an action on an objective (outside a review, or added to one). Returns its id."""
    who = checks.who(con, by)
    code = checks.objective(con, objective).code
    checked = _check_action(action, None)
    with transaction(con):
        action_id = _insert_action(con, code, checked, who, datetime.now(), review_id)
        audit.record(con, by, "record action", "board action", action_id, None, {"objective": code, "action": checked})
        return action_id


def complete_action(con: duckdb.DuckDBPyConnection, action_id: int, *, by: Actor, note: str = "") -> None:
    """Mark an open action done, with who did so, when, and an optional note."""
    who = checks.who(con, by)
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
            {"by": who, "at": datetime.now(), "n": checks.text(note, "note", required=False), "id": int(action_id)},
        )
        audit.record(con, by, "complete action", "board action", action_id, {"state": rows[0][0]}, {"state": "done"})


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
