"""The only home of Streamlit caching. Query results are cached by the database's data version.

The app never holds the database open between requests (docs/architecture.md): each cached query opens it
read-only, runs, and closes it. The cache key includes `store.data_version` (file times and sizes, read
without a query) and today's date, so a new upload or a new day shows at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics import accounts, board, queries, store
from metrics.access import Actor
from metrics.config import Settings
from metrics.periods import Period, parse_period

T = TypeVar("T")
# Pages name the store's errors through here: only this module (and the write helpers below) opens the database.
DatabaseBusy = store.DatabaseBusy
StoreError = store.StoreError
# A result is never stale (the data version is in its key), but results for an older version are never asked for
# again: dropping them after an hour keeps the app's memory from growing with every upload.
CACHE_TTL = "1h"


def settings() -> Settings:
    """Read on every call (microseconds), so that a changed CHARTER_DB takes effect at once."""
    return Settings.from_env()


def db_path() -> Path:
    return settings().db


def today() -> date:
    return date.today()


def _version() -> tuple[Any, ...]:
    return (str(db_path()), store.data_version(db_path()), today())


@st.cache_resource(show_spinner=False, max_entries=2)
def _progress(version: tuple[Any, ...]) -> pa.Table:
    """Every objective's progress on approved figures, worked out once per data version and shared by every
    page and session (read only): the rules take most of a cold page's time at fifty councils."""
    with store.connect(db_path(), read_only=True, wait=settings().lock_wait_seconds, as_of=version[-1]) as con:
        return con.sql("SELECT * FROM core.progress(core.as_of(), true)").to_arrow_table()


# The reads that go through `charter_progress` (metrics/sql); any other read would work them out for nothing.
READS_PROGRESS = {"progress_for_period", "status_changes", "objective_progress", "exceptions", "series"}


@contextmanager
def _reading(
    name: str, version: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, as of the version's day, whose progress on approved figures comes from `_progress`."""
    with store.connect(db_path(), read_only=True, wait=settings().lock_wait_seconds, as_of=version[-1]) as con:
        if name in READS_PROGRESS and dict(kwargs).get("published", True):
            store.use_progress(con, _progress(version), version[-1])
        yield con


@st.cache_data(show_spinner=False, max_entries=512, ttl=CACHE_TTL)
def _query(name: str, version: tuple[Any, ...], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Any:
    with _reading(name, version, kwargs) as con:
        return getattr(queries, name)(con, *args, **dict(kwargs))


def query(name: str, *args: Any, **kwargs: Any) -> Any:
    """Run `metrics.queries.NAME(con, *args, **kwargs)`, cached until the data changes."""
    return _query(name, _version(), args, tuple(sorted(kwargs.items())))


@st.cache_data(show_spinner=False, max_entries=256, ttl=CACHE_TTL)
def _board_query(
    name: str, version: tuple[Any, ...], args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> Any:
    with _reading(name, version, kwargs) as con:
        return getattr(board, name)(con, *args, **dict(kwargs))


def board_query(name: str, *args: Any, **kwargs: Any) -> Any:
    """Run `metrics.board.NAME(con, *args, **kwargs)` (the board's reads), cached until the data changes."""
    return _board_query(name, _version(), args, tuple(sorted(kwargs.items())))


@st.cache_data(show_spinner=False, max_entries=512, ttl=CACHE_TTL)
def _chart_spec(name: str, _builder: Callable[..., Any], args: tuple[Any, ...]) -> dict[str, Any]:
    del name  # the builder's name: part of the cache key only
    return _builder(*args).to_dict(validate=False)  # type: ignore[no-any-return]  # checked in tests/test_charts.py


def chart_spec(builder: Callable[..., Any], *args: Any) -> dict[str, Any]:
    """The Vega-Lite spec of `builder(*args)` (an Altair chart from dashboard/charts.py), built and checked
    against the schema once for the same arguments: on a rerun a page's charts cost nothing to make again."""
    return _chart_spec(f"{builder.__module__}.{builder.__qualname__}", builder, args)


@st.cache_data(show_spinner=False, max_entries=1024, ttl=CACHE_TTL)
def _account_now(actor: Actor, version: tuple[Any, ...]) -> Actor | None:
    with store.connect(db_path(), read_only=True, wait=settings().lock_wait_seconds) as con:
        return accounts.refresh(con, actor)


def account_now(actor: Actor) -> Actor | None:
    """A signed-in person's account as it stands now (None once disabled): read again whenever the database
    changes, so every rerun sees a change at once without opening the database (the writes check it again)."""
    return _account_now(actor, _version())


def database_ready() -> str | None:
    """None when the database can be read; otherwise what to do about it, in words."""
    path = db_path()
    if not path.exists():
        return f"There is no database at `{path}` yet. Create it with `charter init --demo` (or `make run`)."
    try:
        with store.connect(path, read_only=True, wait=settings().lock_wait_seconds) as con:
            store.require_current(con, path)
            if queries.partnership(con) is None:
                return "The database has no framework yet. Load one with `charter load-framework FILE`."
    except store.StoreError as exc:
        return str(exc)
    return None


def partnership() -> queries.PartnershipInfo:
    info = query("partnership")
    assert info is not None  # database_ready() is checked first  # noqa: S101
    return info  # type: ignore[no-any-return]


def quarters() -> list[Period]:
    first = query("first_figure_period")
    return queries.quarters(today(), first)


def progress_for_period(period: Period, published: bool = True) -> pd.DataFrame:
    return query("progress_for_period", parse_period(str(period)), published=published)  # type: ignore[no-any-return]


def read(action: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `action` on a read-only connection opened for the moment (not cached)."""
    with store.connect(db_path(), read_only=True, wait=settings().lock_wait_seconds) as con:
        return action(con)


@contextmanager
def writing() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection opened for the moment, on a database of the current schema."""
    with store.connect(db_path(), wait=settings().lock_wait_seconds) as con:
        store.require_current(con, db_path())
        yield con


def write(action: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Run `action` on a read-write connection opened for the moment; caches see the change at once
    because the data version (file times) changes."""
    with writing() as con:
        return action(con)
