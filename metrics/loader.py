"""Write a checked framework into the database: idempotent, in one transaction, keeping target history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from metrics import audit, risks, store
from metrics.access import Action, Actor, require
from metrics.models import Framework, Objective
from metrics.periods import parse_period
from metrics.store import transaction

TargetKey = tuple[str, str, str]  # partner, kind, period (period only distinguishes interim targets)


@dataclass
class LoadReport:
    """What loading a framework changed."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    targets_changed: int = 0
    not_in_file: dict[str, list[str]] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.changed or self.targets_changed)

    def lines(self) -> list[str]:
        if self.unchanged:
            out = ["The framework is already up to date: nothing changed."]
        else:
            out = [f"Added {_count(n, what)}." for what, n in self.added.items()]
            out += [f"Changed {_count(n, what)}." for what, n in self.changed.items()]
            if self.targets_changed:
                out.append(
                    f"Changed {self.targets_changed} baselines or targets; the earlier values are kept in history."
                )
        for what, codes in self.not_in_file.items():
            out.append(f"Kept {_count(len(codes), what)} that the file no longer lists: {', '.join(codes)}.")
        return out


_LABELS = {
    "partner": ("partner", "partners"),
    "commitment": ("commitment", "commitments"),
    "principle": ("principle", "principles"),
    "outcome": ("outcome", "outcomes"),
    "kpi": ("KPI", "KPIs"),
    "objective": ("objective", "objectives"),
}


def _count(n: int, table: str) -> str:
    one, many = _LABELS[table]
    return f"{n} {one if n == 1 else many}"


_SIMPLE_TABLES: dict[str, tuple[str, ...]] = {
    "partner": ("code", "name", "joined_on", "left_on", "sort_order"),
    "commitment": ("code", "title", "commitment", "description", "cross_cutting", "sort_order"),
    "principle": ("code", "strapline", "description", "illustrative", "sort_order"),
    "outcome": ("code", "parent_code", "text", "sort_order"),
    "kpi": (
        "code",
        "name",
        "definition",
        "unit",
        "polarity",
        "category",
        "frequency",
        "rollup",
        "min_value",
        "max_value",
        "source",
        "sort_order",
        "decimals",
    ),
    "objective": (
        "code",
        "title",
        "description",
        "commitment_code",
        "kpi_code",
        "owner",
        "status",
        "deadline_period",
        "tolerance_kind",
        "tolerance_amount",
        "tolerance_set_by",
        "tolerance_set_on",
        "sort_order",
    ),
}
# The statements for each table, made once from the fixed mapping above (never from input).
_STATEMENTS: dict[str, tuple[str, str]] = {
    table: (
        f"SELECT {', '.join(columns)} FROM core.{table}",  # noqa: S608
        f"INSERT OR REPLACE INTO core.{table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join('$' + c for c in columns)})",
    )
    for table, columns in _SIMPLE_TABLES.items()
}


def _rows(fw: Framework) -> dict[str, list[dict[str, Any]]]:
    """The framework as table rows."""
    parent_of = {o.code: o.parent for o in fw.outcomes}
    commitments = {c.code for c in fw.commitments}
    return {
        "partner": [
            {"code": p.code, "name": p.name, "joined_on": p.joined_on, "left_on": p.left_on, "sort_order": i}
            for i, p in enumerate(fw.partners)
        ],
        "commitment": [
            {**c.model_dump(include={"code", "title", "commitment", "description", "cross_cutting"}), "sort_order": i}
            for i, c in enumerate(fw.commitments)
        ],
        "principle": [
            {**p.model_dump(include={"code", "strapline", "description", "illustrative"}), "sort_order": i}
            for i, p in enumerate(fw.principles)
        ],
        "outcome": [
            {"code": o.code, "parent_code": o.parent, "text": o.text, "sort_order": i}
            for i, o in enumerate(fw.outcomes)
        ],
        "kpi": [
            {
                "code": k.code,
                "name": k.name,
                "definition": k.definition,
                "unit": k.unit.value,
                "polarity": k.polarity.value,
                "category": k.category.value,
                "frequency": k.frequency.value,
                "rollup": k.rollup.value,
                "min_value": k.valid_min,
                "max_value": k.valid_max,
                "source": k.source,
                "sort_order": i,
                "decimals": k.places,
            }
            for i, k in enumerate(fw.kpis)
        ],
        "objective": [
            {
                "code": o.code,
                "title": o.title,
                "description": o.description,
                "commitment_code": o.commitment
                or next(parent_of[c] for c in o.outcomes if parent_of[c] in commitments),
                "kpi_code": o.kpi,
                "owner": o.owner,
                "status": o.status.value,
                "deadline_period": str(o.deadline),
                "tolerance_kind": o.tolerance.kind,
                "tolerance_amount": o.tolerance.amount,
                "tolerance_set_by": o.tolerance.set_by,
                "tolerance_set_on": o.tolerance.set_on,
                "sort_order": i,
            }
            for i, o in enumerate(fw.objectives)
        ],
    }


def _desired_targets(fw: Framework, obj: Objective) -> dict[TargetKey, tuple[str, float]]:
    """(partner, kind, period) -> (period, value) for the partners the objective applies to."""
    span = (parse_period(obj.baseline.period).start, obj.deadline.end)
    applies = [
        p.code
        for p in fw.partners
        if (obj.partners is None or p.code in obj.partners)
        and p.joined_on <= span[1]
        and (p.left_on is None or p.left_on >= span[0])
    ]
    out: dict[TargetKey, tuple[str, float]] = {}
    for code in applies:
        for kind, step in [("baseline", obj.baseline), ("final", obj.target)] + [("interim", s) for s in obj.interim]:
            value = step.for_partner(code)
            if value is not None:
                period = str(parse_period(step.period))
                out[(code, kind, period if kind == "interim" else "")] = (period, value)
    return out


def load_framework(con: duckdb.DuckDBPyConnection, fw: Framework, *, by: Actor, sha256: str) -> LoadReport:
    """Load or update `fw` in one transaction; loading the same framework twice changes nothing."""
    require(by, Action.FRAMEWORK, con=con)
    who = by.email
    report = LoadReport()
    now = datetime.now()
    rows = _rows(fw)
    with transaction(con):
        _upsert_partnership(con, fw, sha256, now)
        for table, columns in _SIMPLE_TABLES.items():
            _upsert(con, table, columns, rows[table], report, who, now)
        _replace_users(con, fw)
        if fw.risk_bands:  # a framework without them leaves the bands in force (docs/file-contract.md, section 5)
            risks.set_bands(con, [(b.rating, b.min_score) for b in fw.risk_bands])
        for obj in fw.objectives:
            con.execute("DELETE FROM core.objective_outcome WHERE objective_code = $o", {"o": obj.code})
            con.executemany(
                "INSERT INTO core.objective_outcome VALUES ($1, $2)",
                [(obj.code, c) for c in dict.fromkeys(obj.outcomes)],
            )
            report.targets_changed += _sync_targets(con, obj.code, _desired_targets(fw, obj), who, now)
        if not report.unchanged:
            audit.record(con, by, "load framework", "framework", fw.partnership.short_name, None,
                         {"sha256": sha256, "changes": report.lines()})  # fmt: skip
    return report


def _upsert_partnership(con: duckdb.DuckDBPyConnection, fw: Framework, sha256: str, now: datetime) -> None:
    """Write the partnership row; a reload of the very same file leaves it (and its loaded_at) alone."""
    p = fw.partnership
    values = {
        "name": p.name,
        "short": p.short_name,
        "lead": p.lead_authority,
        "due": p.data_due_days,
        "ill": p.illustrative,
        "desc": p.description,
        "sha": sha256,
    }
    held = con.execute("SELECT short_name FROM core.partnership").fetchall()
    if held and held[0][0] != p.short_name:
        # The code names every business row and, in an install of several, the partnership's file (docs/hosting.md).
        raise store.StoreError(
            f"this database holds the partnership {held[0][0]}; the framework's short_name is {p.short_name}: "
            f"a partnership's code cannot change, so keep short_name: {held[0][0]} (another partnership goes in a "
            "database of its own: `charter partnership add FRAMEWORK.yaml`)"
        )
    same = con.execute(
        "SELECT count(*) FROM core.partnership WHERE name = $name AND short_name = $short AND lead_authority = $lead "
        "AND data_due_days = $due AND illustrative = $ill AND description = $desc AND framework_sha256 = $sha",
        values,
    ).fetchall()[0][0]
    if not same:
        con.execute(
            "INSERT INTO core.partnership (id, name, short_name, lead_authority, data_due_days, illustrative, "
            "description, framework_sha256, loaded_at) VALUES (1, $name, $short, $lead, $due, $ill, $desc, $sha, $at) "
            "ON CONFLICT (id) DO UPDATE SET name = $name, short_name = $short, lead_authority = $lead, "
            "data_due_days = $due, illustrative = $ill, description = $desc, framework_sha256 = $sha, loaded_at = $at",
            values | {"at": now},
        )


def _upsert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: tuple[str, ...],
    rows: list[dict[str, Any]],
    report: LoadReport,
    by: str,
    now: datetime,
) -> None:
    """Insert new rows, replace changed ones (recording objective changes), leave equal ones alone."""
    select, insert = _STATEMENTS[table]
    existing = {r[0]: dict(zip(columns, r, strict=True)) for r in con.execute(select).fetchall()}
    label = table
    for row in rows:
        before = existing.pop(row["code"], None)
        if before == row:
            continue
        con.execute(insert, row)
        bucket = report.added if before is None else report.changed
        bucket[label] = bucket.get(label, 0) + 1
        if table == "objective" and before is not None:
            _record_objective_changes(con, before, row, by, now)
    if existing:
        report.not_in_file[label] = sorted(existing)


def _record_objective_changes(
    con: duckdb.DuckDBPyConnection, before: dict[str, Any], after: dict[str, Any], by: str, now: datetime
) -> None:
    changes = [
        (
            after["code"],
            key,
            None if before[key] is None else str(before[key]),
            None if after[key] is None else str(after[key]),
            now,
            by,
            "framework file loaded",
        )
        for key in after
        if key != "sort_order" and before[key] != after[key]
    ]
    if changes:
        con.executemany(
            "INSERT INTO core.objective_change (objective_code, field, old_value, new_value, changed_at, changed_by, "
            "reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            changes,
        )


def _replace_users(con: duckdb.DuckDBPyConnection, fw: Framework) -> None:
    con.execute(
        "DELETE FROM core.partner_users WHERE partner_code IN (SELECT unnest($codes))",
        {"codes": [p.code for p in fw.partners]},
    )
    rows = [(p.code, u.as_at, u.users) for p in fw.partners for u in p.active_users]
    if rows:
        con.executemany("INSERT INTO core.partner_users VALUES (?, ?, ?)", rows)


def _sync_targets(
    con: duckdb.DuckDBPyConnection, objective: str, desired: dict[TargetKey, tuple[str, float]], by: str, now: datetime
) -> int:
    """Supersede framework targets that changed or went, add new ones; return how many changed."""
    live = con.execute(
        "SELECT id, partner_code, kind, period, value FROM core.target "
        "WHERE objective_code = $o AND superseded_at IS NULL AND effective_from_index IS NULL",
        {"o": objective},
    ).fetchall()
    current = {(p, k, per if k == "interim" else ""): (tid, per, v) for tid, p, k, per, v in live}
    had_any = bool(current)
    changed = 0
    for key, (tid, period, value) in current.items():
        if desired.get(key) != (period, value):
            con.execute("UPDATE core.target SET superseded_at = $now WHERE id = $id", {"now": now, "id": tid})
            changed += 1
    for key, (period, value) in desired.items():
        if key in current and (current[key][1], current[key][2]) == (period, value):
            continue
        con.execute(
            "INSERT INTO core.target (objective_code, partner_code, kind, period, period_index, value, "
            "recorded_at, recorded_by, reason) VALUES ($o, $p, $k, $per, $idx, $v, $now, $by, $why)",
            {
                "o": objective,
                "p": key[0],
                "k": key[1],
                "per": period,
                "idx": parse_period(period).index,
                "v": value,
                "now": now,
                "by": by,
                "why": "framework file loaded",
            },
        )
        if key not in current and had_any:
            changed += 1
    return changed
