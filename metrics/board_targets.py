"""Board target revisions: a new final target (and optionally deadline) from a quarter on, the original kept.

A revision adds a 'final' row to core.target that applies from a given quarter on (`effective_from_index`):
the original target stays, and stays in force for earlier quarters (docs/progress-rules.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from metrics import audit
from metrics import board_checks as checks
from metrics.access import Action, Actor
from metrics.board_checks import BoardError
from metrics.periods import Period, parse_period
from metrics.store import transaction


@dataclass(frozen=True)
class RevisionInput:
    """A new final target that applies from `applies_from` on, for some partners (None: every partner)."""

    value: float
    applies_from: Period
    reason: str
    partners: tuple[str, ...] | None = None
    deadline: Period | None = None


@dataclass(frozen=True)
class NewTarget:
    """One partner's revised final target, as it will be written."""

    partner: str
    deadline: str
    deadline_index: int


@dataclass(frozen=True)
class InForce:
    """A partner's baseline quarter and the final target in force in a quarter."""

    baseline_index: int
    deadline: str
    deadline_index: int
    value: float
    left_on: date | None


def in_force(con: duckdb.DuckDBPyConnection, code: str, start: Period) -> dict[str, InForce]:
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
    return {p: InForce(int(b), str(d), int(di), float(v), left) for p, b, d, di, v, left in rows}


def _check_value(value: object, kpi_name: str, low: float | None, high: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BoardError("The new target must be a number.")
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"{low:g} to {high:g}" if low is not None and high is not None else f"{low or high:g}"
        raise BoardError(f"The new target {value:g} is outside the range of {kpi_name} ({span}).")
    return float(value)


def first_quarter(period: Period) -> Period:
    """A revision applies from a quarter; a whole year means from its first quarter."""
    return period if period.quarter else Period(period.year, 1)


def _new_deadline(chosen: Period, annual: bool, baseline_index: int) -> tuple[str, int]:
    deadline = str(Period(chosen.year) if annual else (chosen if chosen.quarter else Period(chosen.year, 4)))
    deadline_index = parse_period(deadline).index
    if deadline_index <= baseline_index:
        raise BoardError(f"The deadline {deadline} must come after the baseline.")
    return deadline, deadline_index


def plan_revision(con: duckdb.DuckDBPyConnection, code: str, revision: RevisionInput) -> list[NewTarget]:
    """Check a revision against the objective's targets; the rows it will add, one per partner that changes."""
    obj = checks.objective(con, code)
    if not checks.text(revision.reason, "reason", required=False):
        raise BoardError("A target revision needs a reason: say why the board is changing the target.")
    value = _check_value(revision.value, obj.kpi_name, obj.low, obj.high)
    start = first_quarter(revision.applies_from)
    targets = in_force(con, code, start)
    if not targets:
        raise BoardError(f"{code} has no baseline and target to revise.")
    members = {p: t for p, t in targets.items() if t.left_on is None or t.left_on >= start.start}
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
            deadline, deadline_index = _new_deadline(revision.deadline, obj.annual, now.baseline_index)
        if (value, deadline_index) != (now.value, now.deadline_index):
            planned.append(NewTarget(partner, deadline, deadline_index))
    if not planned:
        raise BoardError(f"The target is already {value:g} from {start}: nothing to revise.")
    return planned


def insert_revision(
    con: duckdb.DuckDBPyConnection,
    code: str,
    planned: list[NewTarget],
    revision: RevisionInput,
    recorded_by: str,
    now: datetime,
) -> list[int]:
    """Add the revised final targets. Earlier revisions that applied from the same quarter or later give way;
    the framework's original target is never touched, so quarters before the revision keep it."""
    start = first_quarter(revision.applies_from)
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
             "v": float(revision.value), "eff": start.index, "at": now, "by": recorded_by,
             "why": revision.reason.strip()},
        ).fetchall()  # fmt: skip
        ids.append(int(rows[0][0]))
    return ids


def revise_target(con: duckdb.DuckDBPyConnection, *, objective: str, revision: RevisionInput, by: Actor) -> list[int]:
    """Revise an objective's final target from a quarter on, keeping the original. Returns the new rows' ids."""
    recorded_by = checks.who(con, by, Action.REVISE)
    code = checks.objective(con, objective).code
    planned = plan_revision(con, code, revision)
    with transaction(con):
        ids = insert_revision(con, code, planned, revision, recorded_by, datetime.now())
        audit.record(con, by, "revise target", "objective", code, None, {"revision": revision, "rows": ids})
        return ids
