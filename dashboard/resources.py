"""The only home of Streamlit caching. Query results are cached by the database's data version.

The app never holds the database open between requests (docs/architecture.md): each cached query opens it
read-only, runs, and closes it. The cache key includes `store.data_version` (file times and sizes, read
without a query) and today's date, so a new upload or a new day shows at once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from metrics import accounts, hosting, queries, store
from metrics.access import Actor
from metrics.config import Settings
from metrics.partnership_settings import effective as effective_settings
from metrics.periods import Period, parse_period
from metrics.store import DatabaseBusy as DatabaseBusy  # pages name the store's errors through here
from metrics.store import StoreError as StoreError

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
# A result is never stale (the data version is in its key), but results for an older version are never asked for
# again: dropping them after an hour keeps the app's memory from growing with every upload.
CACHE_TTL = "1h"


_FROZEN: list[bool] = []


def freeze_imports() -> None:
    """Once a process: leave the modules imported so far (pandas, Altair, Streamlit: ~130,000 objects) out of every
    later garbage collection. Streamlit collects in full after each run (`runner.postScriptGC`), ~0.1 s of CPU
    that went to walking objects that live as long as the process (docs/architecture.md)."""
    if not _FROZEN:
        _FROZEN.append(True)
        gc.collect()
        gc.freeze()


# Page scripts of this process running at once. Each session's script runs in a thread of its own, and the threads
# take the interpreter in turn, so more at once finish no sooner; but each holds its own working memory (its pandas
# frames) while it runs, and twenty at once took the app past 1.4 GB at fifty councils (docs/architecture.md).
PAGES_AT_ONCE = 2
_TURNS = threading.BoundedSemaphore(PAGES_AT_ONCE)


@contextmanager
def taking_turns() -> Iterator[None]:
    """Run a page's script with at most PAGES_AT_ONCE others of this process; the rest wait their turn."""
    with _TURNS:
        yield


def settings() -> Settings:
    """Read on every call (microseconds), so that a changed CHARTER_DB takes effect at once."""
    return Settings.from_env()


def host_path() -> Path:
    """The install's own database (CHARTER_DB), which lists the partnerships it serves (docs/architecture.md)."""
    return settings().db


CHOSEN = "chosen_partnership"  # session state: the Hosted partnership this session shows (dashboard/picker.py)


def chosen() -> hosting.Hosted | None:
    """The partnership this session shows; None before the picker has run (the install's own)."""
    found = st.session_state.get(CHOSEN)
    return found if isinstance(found, hosting.Hosted) else None


def db_path() -> Path:
    """The chosen partnership's database file: every read and write of a page goes to it alone."""
    found = chosen()
    return host_path() if found is None else found.path


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_TTL)
def _partnerships(host: str, version: tuple[Any, ...]) -> list[hosting.Hosted]:
    del version  # part of the key only: adding or deleting a partnership writes the install's database
    return hosting.partnerships(Path(host), wait=settings().lock_wait_seconds)


def partnerships() -> list[hosting.Hosted]:
    """Every partnership the install serves, its own first (read again when the install's database changes)."""
    host = host_path()
    return _partnerships(str(host), store.data_version(host))


@st.cache_data(show_spinner=False, max_entries=256, ttl=CACHE_TTL)
def _own_settings(path: str, version: tuple[Any, ...], install: Settings) -> tuple[bool, int]:
    del version  # part of the key only
    with store.connect(Path(path), read_only=True, wait=settings().lock_wait_seconds) as con:
        found = effective_settings(con, install)
    return found.public, found.max_upload_mb


@st.cache_data(show_spinner=False, max_entries=1024, ttl=CACHE_TTL)
def _has_account(path: str, version: tuple[Any, ...], email: str) -> bool:
    del version  # part of the key only
    with store.connect(Path(path), read_only=True, wait=settings().lock_wait_seconds) as con:
        found = accounts.get_account(con, email)
    return found is not None and not found.disabled


def has_account(path: Path, email: str) -> bool:
    """Whether `email` has an account (not disabled) in the partnership whose database is `path`."""
    return _has_account(str(path), store.data_version(path), email)


def partnership_settings(path: Path | None = None) -> Settings:
    """The install's settings as they apply to one partnership (the chosen one by default): its own public access
    and upload limit where it sets them (core.partnership), else the install's."""
    where, base = path or db_path(), settings()
    public, max_upload_mb = _own_settings(str(where), store.data_version(where), base)
    return base.model_copy(update={"public": public, "max_upload_mb": max_upload_mb})


def today() -> date:
    return date.today()


def _version() -> tuple[Any, ...]:
    path = db_path()  # the first item: cached functions open this file, so two partnerships never share a result
    return (str(path), store.data_version(path), today())


@st.cache_resource(show_spinner=False, max_entries=2)
def _progress(version: tuple[Any, ...]) -> pa.Table:
    """Every objective's progress on approved figures, worked out once per data version and shared by every
    page and session (read only): the rules take most of a cold page's time at fifty councils."""
    with store.connect(Path(version[0]), read_only=True, wait=settings().lock_wait_seconds, as_of=version[-1]) as con:
        return con.sql("SELECT * FROM core.progress(core.as_of(), true)").to_arrow_table()


@contextmanager
def _reading(
    fn: Callable[..., Any], version: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, as of the version's day, whose progress on approved figures comes from `_progress`
    when `fn` is marked `@store.reads_progress` (any other read would work the progress out for nothing)."""
    with store.connect(Path(version[0]), read_only=True, wait=settings().lock_wait_seconds, as_of=version[-1]) as con:
        if store.is_progress_reader(fn) and dict(kwargs).get("published", True):
            store.use_progress(con, _progress(version), version[-1])
        yield con


@st.cache_data(show_spinner=False, max_entries=768, ttl=CACHE_TTL)
def _cached(
    name: str,
    _fn: Callable[..., Any],
    version: tuple[Any, ...],
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    del name  # the read's qualified name: part of the cache key only (`_fn` itself is not hashed)
    with _reading(_fn, version, kwargs) as con:
        return _fn(con, *args, **dict(kwargs))


def cached(fn: Callable[Concatenate[duckdb.DuckDBPyConnection, P], R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`fn(con, *args, **kwargs)` for a read in metrics (queries, board), cached until the data changes."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    # The cache hands back what `fn` returned for the same arguments (a copy), so `fn`'s return type holds.
    return cast("R", _cached(name, fn, _version(), args, tuple(sorted(kwargs.items()))))


@st.cache_data(show_spinner=False, max_entries=256, ttl=CACHE_TTL)
def _derived(
    name: str,
    _fn: Callable[[Any], Any],
    _read: Callable[..., Any],
    version: tuple[Any, ...],
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
) -> Any:
    del name  # both functions' qualified names: part of the cache key only
    return _fn(_cached(f"{_read.__module__}.{_read.__qualname__}", _read, version, args, kwargs))


def derived(fn: Callable[[Any], T], read: Callable[..., Any], *args: Any, **kwargs: Any) -> T:
    """`fn(cached(read, *args))`, itself cached until the data changes: for pandas work on a read's result that is
    the same for every session (the Board review's exception list took ~0.1 s of CPU per run at fifty councils)."""
    names = f"{fn.__module__}.{fn.__qualname__}({read.__module__}.{read.__qualname__})"
    return cast("T", _derived(names, fn, read, _version(), args, tuple(sorted(kwargs.items()))))


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
    with store.connect(Path(version[0]), read_only=True, wait=settings().lock_wait_seconds) as con:
        return accounts.refresh(con, actor)


def account_now(actor: Actor) -> Actor | None:
    """A signed-in person's account as it stands now (None once disabled): read again whenever the database
    changes, so every rerun sees a change at once without opening the database (the writes check it again)."""
    return _account_now(actor, _version())


def database_ready(path: Path | None = None) -> str | None:
    """None when the database (the chosen partnership's by default) can be read; otherwise what to do, in words."""
    path = path or db_path()
    if not path.exists():
        return f"There is no database at `{path}` yet. Create it with `charter init --demo` (or `make run`)."
    try:
        return _problem((str(path), store.data_version(path), today()))
    except store.StoreError as exc:  # not cached: a busy database may be free at the next run
        return str(exc)


@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_TTL)
def _problem(version: tuple[Any, ...]) -> str | None:
    """What stops the app at this data version, looked at once: opening the database on every run cost each
    page ~0.1 s of CPU; a migration or a framework load writes the file, so the version changes with the answer."""
    path = Path(version[0])
    with store.connect(path, read_only=True, wait=settings().lock_wait_seconds) as con:
        store.require_current(con, path)
        if queries.partnership(con) is None:
            return "The database has no framework yet. Load one with `charter load-framework FILE`."
    return None


def register_pages(pages: Iterable[st.Page]) -> None:
    """Keep this run's registered pages by their URL path, for `page`."""
    st.session_state["charter_pages"] = {p.url_path: p for p in pages}


def page(url_path: str, script: str) -> st.Page | str:
    """The registered page at `url_path` (e.g. "objective"), else its `script` path. `st.page_link` given a path
    resolves it on disk (getcwd, realpath) on each call, ~1 ms: the Overview links ~1,500 objectives at fifty
    councils; given the page it only checks that the page is registered."""
    found = st.session_state.get("charter_pages", {}).get(url_path)
    return found if found is not None else script


def partnership() -> queries.PartnershipInfo:
    info = cached(queries.partnership)
    assert info is not None  # database_ready() is checked first  # noqa: S101
    return info


def partners() -> pd.DataFrame:
    return cached(queries.partners)


def quarters() -> list[Period]:
    return queries.quarters(today(), cached(queries.first_figure_period))


def progress_for_period(period: Period, published: bool = True) -> pd.DataFrame:
    return cached(queries.progress_for_period, parse_period(str(period)), published=published)


def read(action: Callable[[duckdb.DuckDBPyConnection], T], path: Path | None = None) -> T:
    """Run `action` on a read-only connection (to the chosen partnership's database by default), not cached."""
    with store.connect(path or db_path(), read_only=True, wait=settings().lock_wait_seconds) as con:
        return action(con)


@contextmanager
def writing(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection opened for the moment, on a database whose schema is current."""
    path = path or db_path()
    with store.connect(path, wait=settings().lock_wait_seconds) as con:
        store.require_current(con, path)
        yield con


def write(action: Callable[[duckdb.DuckDBPyConnection], T], path: Path | None = None) -> T:
    """Run `action` on a read-write connection opened for the moment; caches see the change at once
    because the data version (file times) changes."""
    with writing(path) as con:
        return action(con)
