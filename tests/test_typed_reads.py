"""Pages read through typed functions (`resources.cached(queries.fn, ...)`), never by a name in a string, and
never import the store; the reads answered from the kept progress rows are exactly those whose SQL reads
`charter_progress` (issue 14, item 3)."""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pandas.testing import assert_frame_equal

from dashboard import resources
from metrics import board, queries, store, ticket_reads
from metrics.periods import Period

ROOT = Path(__file__).resolve().parents[1]
SQL = ROOT / "metrics" / "sql"
DASHBOARD = sorted((ROOT / "dashboard").rglob("*.py"))
READ_MODULES = (queries, board, ticket_reads)
KEPT = "charter_progress("  # what `store.use_progress` answers from the kept rows
# Progress worked out afresh, which the kept rows cannot answer: a read must go through `charter_progress`.
BYPASS = re.compile(r"core\.progress\(|\bobjective_progress\b(?!_)")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _named_reads(path: Path, root: Path = ROOT) -> list[str]:
    """Calls like `resources.query("name")` or `resources.board_query(...)`: reads named by a string."""
    found = []
    for node in ast.walk(_tree(path)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        named = node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
        if node.func.attr in {"query", "board_query"} or (node.func.attr == "cached" and named):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)[:60]}")
    return found


def _store_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module == "metrics.store":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from metrics.store import ...")
        if isinstance(node, ast.ImportFrom) and node.module == "metrics" and any(a.name == "store" for a in node.names):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from metrics import store")
        if isinstance(node, ast.Import) and any(alias.name == "metrics.store" for alias in node.names):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: import metrics.store")
    return found


def test_no_dashboard_module_reads_by_name() -> None:
    assert [f for path in DASHBOARD for f in _named_reads(path)] == []
    assert not hasattr(resources, "query")
    assert not hasattr(resources, "board_query")
    assert not hasattr(resources, "READS_PROGRESS")


def test_the_name_check_finds_a_named_read(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text('kpis = resources.query("kpis")\nmore = resources.cached("kpi_series")\n', encoding="utf-8")
    assert _named_reads(page, tmp_path) == [
        "page.py:1: resources.query('kpis')",
        "page.py:2: resources.cached('kpi_series')",
    ]


def test_only_resources_imports_the_store() -> None:
    found = [f for path in DASHBOARD for f in _store_imports(path)]
    assert [f for f in found if not f.startswith("dashboard/resources.py:")] == []
    assert any(f.endswith("from metrics import store") for f in found)  # the check sees resources.py's own


def _reads(module: ModuleType) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every function of a read module that takes a connection first."""
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ == module.__name__ and next(iter(inspect.signature(fn).parameters), None) == "con":
            yield name, fn


def _sql_of(module: ModuleType, fn: Callable[..., Any], seen: set[str] | None = None) -> str:
    """The SQL a read runs: the files it names (`read_sql`, `_frame`), its inline SQL, and the SQL of the
    module's functions it calls."""
    seen = seen if seen is not None else set()
    seen.add(fn.__name__)
    text = []
    for node in ast.walk(ast.parse(inspect.getsource(fn))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            named = re.fullmatch(r"\w+", node.value) and (SQL / f"{node.value}.sql").is_file()
            text.append((SQL / f"{node.value}.sql").read_text(encoding="utf-8") if named else node.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in seen:
            called = getattr(module, node.func.id, None)
            if inspect.isfunction(called) and called.__module__ == module.__name__:
                text.append(_sql_of(module, called, seen))
    return "\n".join(text)


ALL_READS = [(module, name, fn) for module in READ_MODULES for name, fn in _reads(module)]


def test_the_reads_are_found() -> None:
    names = {f"{m.__name__}.{n}" for m, n, _ in ALL_READS}
    assert {"metrics.queries.progress_for_period", "metrics.queries.kpis", "metrics.board.exceptions"} <= names
    assert len(names) > 30


@pytest.mark.parametrize(("module", "name", "fn"), ALL_READS, ids=[f"{m.__name__}.{n}" for m, n, _ in ALL_READS])
def test_progress_readers_are_marked_exactly(module: ModuleType, name: str, fn: Callable[..., Any]) -> None:
    sql = _sql_of(module, fn)
    assert store.is_progress_reader(fn) == (KEPT in sql), (
        f"{module.__name__}.{name}: its SQL {'reads' if KEPT in sql else 'does not read'} charter_progress, "
        f"so it {'needs' if KEPT in sql else 'must not have'} @reads_progress"
    )
    assert not BYPASS.search(sql), f"{module.__name__}.{name} works progress out afresh: read charter_progress"
    if store.is_progress_reader(fn):  # the app reads `published` from the keywords to choose the kept rows
        assert inspect.signature(fn).parameters["published"].kind is inspect.Parameter.KEYWORD_ONLY


def test_the_progress_check_sees_marked_reads() -> None:
    """The check above compares something: the Overview's and the board's progress reads are marked."""
    marked = {f"{m.__name__}.{n}" for m, n, fn in ALL_READS if store.is_progress_reader(fn)}
    assert {"metrics.queries.progress_for_period", "metrics.board.exceptions"} <= marked


@pytest.fixture
def kept_calls(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[date]]:
    """The days `store.use_progress` was asked for, by reads through `resources.cached`."""
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    calls: list[date] = []
    real = store.use_progress

    def recording(con: Any, rows: Any, as_of: date) -> None:
        calls.append(as_of)
        real(con, rows, as_of)

    monkeypatch.setattr(store, "use_progress", recording)
    resources._cached.clear()
    yield calls
    resources._cached.clear()


def test_cached_reads_use_the_kept_rows_only_for_marked_reads(kept_calls: list[date], demo_db: Path) -> None:
    period = Period(2025, 2)
    with store.connect(demo_db, read_only=True) as con:
        direct = queries.progress_for_period(con, period)
        unpublished = queries.progress_for_period(con, period, published=False)
        kpis = queries.kpis(con)
    assert_frame_equal(resources.cached(queries.progress_for_period, period), direct)
    assert kept_calls == [date.today()]
    assert_frame_equal(resources.cached(queries.progress_for_period, period, published=False), unpublished)
    assert_frame_equal(resources.cached(queries.kpis), kpis)
    assert kept_calls == [date.today()]
    assert_frame_equal(resources.cached(queries.progress_for_period, period), direct)  # from the cache
    assert kept_calls == [date.today()]


def test_cached_reads_are_keyed_by_the_function(kept_calls: list[date]) -> None:
    """Two reads with the same arguments are two entries (the function's qualified name is in the key)."""
    objectives = resources.cached(queries.objectives)
    kpis = resources.cached(queries.kpis)
    assert list(objectives.columns) != list(kpis.columns)
    assert "kpi_code" in objectives.columns and "polarity" in kpis.columns
