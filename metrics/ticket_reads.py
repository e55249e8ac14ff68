"""The service desk's reads (issue 7), computed from the stored tickets whether or not their figures are approved.

One typed function per read, the SQL in `metrics/sql/tickets_*.sql`, as in metrics/queries.py (which names them too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb

from metrics.periods import Period
from metrics.store import read_sql

if TYPE_CHECKING:  # pandas takes longer to import than a command takes to run (metrics/queries.py)
    import pandas as pd


def _tickets_frame(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pd.DataFrame:
    con.execute(read_sql("tickets_macros"))  # temporary macros, on this connection only
    return con.execute(read_sql(name), params).df()


def ticket_measures(
    con: duckdb.DuckDBPyConnection, *, partner: str | None = None, first: int = 0, last: int
) -> pd.DataFrame:
    """Every service desk measure per partner, quarter and priority, with the KPI it feeds."""
    return _tickets_frame(
        con, "tickets_measures", {"partners": [partner] if partner else None, "first": first, "last": last}
    )


def ticket_resolution_bands(con: duckdb.DuckDBPyConnection, period: Period, partner: str | None = None) -> pd.DataFrame:
    """Incidents fixed in a quarter per partner and priority, by how long they took."""
    return _tickets_frame(
        con, "tickets_resolution_bands", {"partners": [partner] if partner else None, "idx": period.index}
    )


def ticket_backlog_ageing(
    con: duckdb.DuckDBPyConnection, *, partner: str | None = None, first: int, last: int
) -> pd.DataFrame:
    """Tickets open at each quarter's end per partner, by age."""
    return _tickets_frame(
        con, "tickets_backlog_ageing", {"partners": [partner] if partner else None, "first": first, "last": last}
    )


def ticket_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Ticket imports, newest first, with what each left out."""
    return con.execute(read_sql("tickets_imports")).df()


def ticket_kpi_map(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Which service desk measure feeds which KPI."""
    return _tickets_frame(con, "tickets_kpi_map", {})
