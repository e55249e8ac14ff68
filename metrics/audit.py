"""The audit trail: every write recorded with who, what, when, and the record before and after."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Any

import duckdb

from metrics.access import Actor


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    return str(value)


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False)


def record(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    entity: str,
    key: object,
    before: Any = None,
    after: Any = None,
) -> None:
    """Add one audit row; call inside the write's own transaction so both land or neither does."""
    con.execute(
        "INSERT INTO core.audit (recorded_at, actor, role, action, entity, entity_key, before, after) "
        "VALUES (current_timestamp, $actor, $role, $action, $entity, $key, $before, $after)",
        {
            "actor": actor.email,
            "role": actor.role.value,
            "action": action,
            "entity": entity,
            "key": str(key),
            "before": _json(before),
            "after": _json(after),
        },
    )
