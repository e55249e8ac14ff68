"""Benchmarks for the pages: a KPI's band per quarter (charts) and each council's quartile (the scorecard)."""

from __future__ import annotations

import duckdb
import pandas as pd

from metrics.store import read_sql


def bands(con: duckdb.DuckDBPyConnection, kpi: str) -> pd.DataFrame:
    """The KPI's benchmark band for each quarter a benchmark covers (empty where none is held)."""
    return con.execute(read_sql("benchmark_bands"), {"kpi": kpi}).df()


def quartiles(con: duckdb.DuckDBPyConnection, period: str) -> pd.DataFrame:
    """Each council's quartile for each benchmarked KPI in `period` (1 best, in the KPI's direction)."""
    return con.execute(read_sql("benchmark_quartiles"), {"period": period}).df()
