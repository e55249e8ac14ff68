"""Benchmarks: quartiles per KPI and period from a published comparison (docs/file-contract.md, "Benchmarks").

A file of benchmarks is a business file (metrics/business_files.py: bounded read, a row model, FILE:ROW:COLUMN,
whole or nothing, audited); `charter benchmarks FILE` loads one. The public views `benchmark` and
`benchmark_position` (metrics/sql/views_benchmark.sql) place each approved figure in its quartile.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

import duckdb
from pydantic import BeforeValidator, Field, StringConstraints

from metrics import store
from metrics.business_files import CheckedRows, Kind, Money, Row, Word
from metrics.figures import Problem
from metrics.periods import PeriodError, parse_period

Text = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _period(value: Any) -> Any:
    """A quarter or a financial year as officers write it (2025/26 Q2, 2025/26), spelt the one way."""
    try:
        return str(parse_period(value))
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


class BenchmarkRow(Row):
    kpi_code: Annotated[str, StringConstraints(max_length=40)] | None = None
    period: Annotated[str, BeforeValidator(_period)]
    source: Text
    group_name: Text
    lower_quartile: Money | None = None
    median: Money | None = None
    upper_quartile: Money | None = None
    sample_size: int | None = Field(None, gt=0)
    scope: Annotated[Literal["council", "partnership"], Word] = "council"
    measure: str = Field("", max_length=200)
    illustrative: bool = False


def _rules(name: str, rows: CheckedRows) -> list[Problem]:
    """Quartiles in order, at least one given, and a KPI (or, for the partnership, a measure) named."""
    out = []
    for n, r in rows:
        given = [(c, r[c]) for c in ("lower_quartile", "median", "upper_quartile") if r[c] is not None]
        if not given:
            out.append(Problem(name, n, "median", "no quartile is given; give at least one of the three"))
        for (low_col, low), (high_col, high) in itertools.pairwise(given):
            if low > high:
                out.append(
                    Problem(name, n, high_col, f"{high_col} {high:g} is below {low_col} {low:g}; check the order")
                )
        if r["kpi_code"] is None and not r["measure"]:
            out.append(
                Problem(name, n, "kpi_code", "this is blank; name the KPI (or, for the partnership, the measure)")
            )
        if r["kpi_code"] is None and r["scope"] != "partnership":
            out.append(Problem(name, n, "kpi_code", "a council's benchmark names its KPI; fill in kpi_code"))
    return out


def _store(con: duckdb.DuckDBPyConnection, kind: Kind, rows: list[dict[str, Any]], code: str) -> int:
    """Each row replaces the benchmark with the same KPI (or measure), period, source and group."""
    for row in rows:
        period = parse_period(row["period"])
        params = {**row, "partnership_code": code, "period_index": period.index, "is_annual": period.is_annual}
        con.execute(store.read_sql("benchmark_replace"), {k: params[k] for k in _KEY})
        con.execute(store.read_sql("benchmark_insert"), params)
    return len(rows)


_KEY = ("partnership_code", "kpi_code", "measure", "period", "source", "group_name")

BENCHMARKS = Kind(
    "benchmarks",
    "benchmarks",
    BenchmarkRow,
    "core.benchmark",
    ("kpi_code", "measure", "period", "source", "group_name"),
    refs={"kpi_code": "SELECT code FROM core.kpi"},
    rows_check=_rules,
    store=_store,
)
