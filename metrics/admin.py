"""The administrator's edits between framework loads: an objective's fields, its tolerance and its targets.

Every edit is checked, written in one transaction with the objective's change history and the audit
trail, and keeps what it replaced (a corrected target supersedes the old row, which stays in history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from metrics import audit
from metrics.access import Action, Actor, require
from metrics.models import ObjectiveStatus
from metrics.periods import PeriodError, parse_period
from metrics.store import transaction

EDITABLE = ("title", "owner", "status", "tolerance_kind", "tolerance_amount", "tolerance_set_by", "tolerance_set_on")
_SELECT_EDITABLE = (
    "SELECT title, owner, status, tolerance_kind, tolerance_amount, tolerance_set_by, tolerance_set_on "
    "FROM core.objective WHERE code = $c"
)
_UPDATE_EDITABLE = (
    "UPDATE core.objective SET title = $title, owner = $owner, status = $status, tolerance_kind = $tolerance_kind, "
    "tolerance_amount = $tolerance_amount, tolerance_set_by = $tolerance_set_by, tolerance_set_on = $tolerance_set_on "
    "WHERE code = $code"
)


class AdminError(Exception):
    """An edit that cannot be made as asked; the message says what to change."""


@dataclass(frozen=True)
class ObjectiveEdit:
    title: str
    owner: str
    status: str
    tolerance_kind: str
    tolerance_amount: float
    tolerance_set_by: str
    tolerance_set_on: date | None


def _check(edit: ObjectiveEdit) -> ObjectiveEdit:
    if not edit.title.strip():
        raise AdminError("The title is needed.")
    if not edit.owner.strip():
        raise AdminError("The owner is needed (a job title).")
    if edit.status not in {s.value for s in ObjectiveStatus}:
        raise AdminError(f"The status must be one of: {', '.join(s.value for s in ObjectiveStatus)}.")
    if edit.tolerance_kind not in ("percent", "absolute"):
        raise AdminError("The tolerance is either a percentage of the target or an absolute amount.")
    if edit.tolerance_amount < 0 or (edit.tolerance_kind == "percent" and edit.tolerance_amount > 100):
        raise AdminError("A percentage tolerance lies between 0 and 100; an absolute one is 0 or more.")
    if not edit.tolerance_set_by.strip():
        raise AdminError("Say who agreed the tolerance: members ask.")
    return ObjectiveEdit(
        edit.title.strip(), edit.owner.strip(), edit.status, edit.tolerance_kind, float(edit.tolerance_amount),
        edit.tolerance_set_by.strip(), edit.tolerance_set_on,
    )  # fmt: skip


def edit_objective(con: duckdb.DuckDBPyConnection, by: Actor, code: str, edit: ObjectiveEdit, reason: str) -> int:
    """Change an objective's title, owner, status or tolerance; returns how many fields changed."""
    require(by, Action.FRAMEWORK, con=con)
    edit = _check(edit)
    if not reason.strip():
        raise AdminError("Say why the objective is changed; the reason is kept with the change.")
    rows = con.execute(_SELECT_EDITABLE, {"c": code}).fetchall()
    if not rows:
        raise AdminError(f"There is no objective {code}.")
    before = dict(zip(EDITABLE, rows[0], strict=True))
    after = {field: getattr(edit, field) for field in EDITABLE}
    changed = [f for f in EDITABLE if before[f] != after[f]]
    if not changed:
        return 0
    now = datetime.now()
    with transaction(con):
        con.execute(_UPDATE_EDITABLE, {**after, "code": code})  # unchanged fields keep their values
        con.executemany(
            "INSERT INTO core.objective_change (objective_code, field, old_value, new_value, changed_at, changed_by, "
            "reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(code, f, None if before[f] is None else str(before[f]), None if after[f] is None else str(after[f]),
              now, by.email, reason.strip()) for f in changed],
        )  # fmt: skip
        audit.record(con, by, "edit objective", "objective", code, {f: before[f] for f in changed},
                     {f: after[f] for f in changed} | {"reason": reason.strip()})  # fmt: skip
    return len(changed)


def correct_target(
    con: duckdb.DuckDBPyConnection,
    by: Actor,
    *,
    objective: str,
    partner: str,
    kind: str,
    period: str,
    value: float,
    reason: str,
) -> None:
    """Correct a baseline or final target as set (not a board revision from a later quarter): the old row
    is superseded and kept in history."""
    require(by, Action.FRAMEWORK, con=con)
    if kind not in ("baseline", "final"):
        raise AdminError("Choose the baseline or the final target to correct.")
    if not reason.strip():
        raise AdminError("Say why the target is corrected; the reason is kept with it.")
    try:
        when = parse_period(period)
    except PeriodError as exc:
        raise AdminError(f"The period: {exc}.") from None
    live = con.execute(
        "SELECT id, period, value FROM core.target WHERE objective_code = $o AND partner_code = $p AND kind = $k "
        "AND superseded_at IS NULL AND effective_from_index IS NULL",
        {"o": objective, "p": partner, "k": kind},
    ).fetchall()
    if not live:
        raise AdminError(f"{objective} has no {kind} for {partner} to correct.")
    old_id, old_period, old_value = live[0]
    if old_period == str(when) and old_value == value:
        raise AdminError("That is the target already held; nothing to correct.")
    now = datetime.now()
    with transaction(con):
        con.execute("UPDATE core.target SET superseded_at = $now WHERE id = $id", {"now": now, "id": old_id})
        con.execute(
            "INSERT INTO core.target (objective_code, partner_code, kind, period, period_index, value, recorded_at, "
            "recorded_by, reason) VALUES ($o, $p, $k, $per, $idx, $v, $now, $by, $why)",
            {"o": objective, "p": partner, "k": kind, "per": str(when), "idx": when.index, "v": value, "now": now,
             "by": by.email, "why": reason.strip()},
        )  # fmt: skip
        before = {"partner": partner, "kind": kind, "period": old_period, "value": old_value}
        after = {"partner": partner, "kind": kind, "period": str(when), "value": value, "reason": reason.strip()}
        audit.record(con, by, "correct target", "objective", objective, before, after)
