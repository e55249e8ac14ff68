"""Open data: the approved figures and progress as a Frictionless Data Package (docs/open-data.md).

Each resource is a CSV written by DuckDB from the public views, with a Table Schema whose field types follow
the columns' SQL types. Values are written exactly as held: formula neutralising (metrics/exports.py) is for
spreadsheets a person opens, not for data a program reads. Only approved figures are published.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from metrics import store

LICENCE = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}


class PublishError(store.StoreError):
    """The data package cannot be written, said plainly."""


@dataclass(frozen=True)
class Resource:
    """One CSV of the package: its name, the SQL file that reads it, its key and what it points to.

    Every CSV starts with `partnership_code`, as the public views do, and every key and reference holds it too: a
    council may belong to two partnerships, so rows copied out of several packages stay whose they are."""

    name: str
    title: str
    key: tuple[str, ...]
    refs: tuple[tuple[str, str, str], ...] = ()  # (column, resource, column)


RESOURCES = (
    Resource("partners", "Partner councils", ("code",)),
    Resource("commitments", "The charter's commitments and principles", ("code",)),
    Resource("kpis", "Indicators", ("code",)),
    Resource("objectives", "SMART objectives", ("code",), (("kpi_code", "kpis", "code"),)),
    Resource(
        "measurements",
        "Approved figures, per council, period and indicator",
        ("partner_code", "period", "kpi_code"),
        (("partner_code", "partners", "code"), ("kpi_code", "kpis", "code")),
    ),
    Resource(
        "progress",
        "Progress against targets, from approved figures",
        ("objective_code", "partner_code", "period"),
        (("objective_code", "objectives", "code"), ("partner_code", "partners", "code")),
    ),
)

# Table Schema types for DuckDB's column types (the first word of the type's name).
_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "number",
    "DECIMAL": "number",
    "FLOAT": "number",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "SMALLINT": "integer",
    "HUGEINT": "integer",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "datetime",
}


def publish(con: duckdb.DuckDBPyConnection, partnership: str, out: Path) -> dict[str, int]:
    """Write the data package for `partnership` into the new folder `out`; return the rows of each resource."""
    name, short, illustrative = _partnership(con, partnership)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PublishError(f"{out} already exists and is not an empty folder; choose a new folder")
    try:
        work = Path(tempfile.mkdtemp(prefix=".charter-publish-", dir=out.parent))
    except OSError as exc:
        raise PublishError(f"cannot write beside {out}: {exc.strerror or exc}") from exc
    try:
        counts, resources = {}, []
        for item in RESOURCES:
            counts[item.name], schema = _write_csv(con, item, work / f"{item.name}.csv")
            resources.append(_describe(item, schema))
        package = _package(name, short, illustrative, resources)
        (work / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
        if out.exists():
            out.rmdir()
        work.rename(out)  # the folder appears whole or not at all
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return counts


def _partnership(con: duckdb.DuckDBPyConnection, code: str) -> tuple[str, str, bool]:
    """The partnership's name, code and whether it is illustrative; a code this database does not hold is refused."""
    row = con.execute(store.read_sql("publish_partnership"), {"code": code}).fetchone()
    if row is None:
        held = [r[0] for r in con.execute("SELECT short_name FROM core.partnership").fetchall()]
        said = ", ".join(held) or "none (load a framework first)"
        raise PublishError(f"no partnership {code!r} in this database; it holds: {said}")
    return str(row[0]), str(row[1]), bool(row[2])


def _write_csv(con: duckdb.DuckDBPyConnection, item: Resource, path: Path) -> tuple[int, list[dict[str, str]]]:
    """Write one resource's rows as CSV (UTF-8, header, empty for missing) and return its count and fields."""
    sql = store.read_sql(f"publish_{item.name}")
    relation = con.sql(sql)
    fields = [
        {"name": col, "type": _TYPES.get(str(kind).split("(")[0], "string")}
        for col, kind in zip(relation.columns, relation.types, strict=True)
    ]
    con.execute(f"COPY ({sql}) TO '{_quoted(path)}' (FORMAT csv, HEADER true)")
    count = int(con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0])  # noqa: S608 (our own SQL file)
    return count, fields


def _quoted(path: Path) -> str:
    """A path as a SQL string literal's body (COPY takes no parameter for its file)."""
    return str(path).replace("'", "''")


def _describe(item: Resource, fields: list[dict[str, str]]) -> dict[str, Any]:
    if not fields or fields[0]["name"] != "partnership_code":
        raise AssertionError(f"publish_{item.name}.sql must start with partnership_code")  # a mistake in the program
    key = ["partnership_code", *item.key]
    schema: dict[str, Any] = {"fields": fields, "primaryKey": key, "missingValues": [""]}
    if item.refs:
        schema["foreignKeys"] = [
            {
                "fields": ["partnership_code", col],
                "reference": {"resource": resource, "fields": ["partnership_code", target]},
            }
            for col, resource, target in item.refs
        ]
    return {
        "name": item.name,
        "title": item.title,
        "path": f"{item.name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "schema": schema,
    }


def _package(name: str, code: str, illustrative: bool, resources: list[dict[str, Any]]) -> dict[str, Any]:
    description = f"Performance of {name} against its charter: approved figures and progress against targets."
    if illustrative:
        description += " ILLUSTRATIVE: these are demonstration figures, not a council's real performance."
    return {
        "profile": "tabular-data-package",
        "name": re.sub(r"[^a-z0-9._-]+", "-", code.lower()) + "-performance",  # the names the standard allows
        "title": f"{name}: performance figures",
        "description": description,
        "licenses": [LICENCE],
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "resources": resources,
    }
