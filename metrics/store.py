"""DuckDB: open the database briefly, migrate it, and write in single transactions.

DuckDB lets one process hold a database file. So every caller opens the file only for the moment it
needs it and closes it at once (see docs/architecture.md); a caller that meets another's lock retries for a
few seconds and then says plainly that the database is busy.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from metrics import status

SQL = resources.files("metrics") / "sql"
F = TypeVar("F", bound=Callable[..., Any])
_MIGRATION = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# "already attached": two threads of one process opening the file at the same moment (DuckDB 2.0); the second retries.
_LOCKED = ("lock", "Conflicting lock", "different configuration", "busy", "already attached")


class StoreError(Exception):
    """The database cannot be used as asked."""


class DatabaseBusy(StoreError):
    """Another program holds the database for longer than we are willing to wait."""


class WriteConflict(DatabaseBusy):
    """Someone else changed the same records at the same moment; nothing of this change was written."""


class DatabaseMissing(StoreError):
    """There is no database file where one was expected."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of Charter."""


def migrations() -> list[tuple[int, str, str]]:
    """Every migration as (version, file name, SQL), in order."""
    found = []
    for item in (SQL / "migrations").iterdir():
        match = _MIGRATION.match(item.name)
        if match:
            found.append((int(match.group(1)), item.name, item.read_text(encoding="utf-8")))
    return sorted(found)


LATEST_VERSION = migrations()[-1][0]


def read_sql(name: str) -> str:
    """The text of `metrics/sql/NAME.sql`."""
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


def _require_duckdb_file(path: Path) -> None:
    """Refuse a file that is there but is not a DuckDB database (a mistyped `--db` naming a CSV, say): DuckDB
    would open it without complaint and everything written would be lost."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    with path.open("rb") as f:
        head = f.read(12)
    if head[8:12] != b"DUCK":
        raise StoreError(
            f"{path} is not a Charter database (a DuckDB file); give the path of the database, or of a new one"
        )


PRIVATE = 0o600  # a new database and its write-ahead log: readable and writable by their owner only


def _create_private(path: Path) -> None:
    """Make a new, empty database at `path` that only its owner can read.

    DuckDB refuses an empty file and creates its own with the process umask (often world-readable), so the
    database is made in a private folder beside `path`, narrowed to PRIVATE and only then linked into place.
    """
    try:
        folder = Path(tempfile.mkdtemp(prefix=".charter-new-", dir=path.parent))
    except OSError as exc:
        raise StoreError(f"cannot create the database at {path}: {exc.strerror or exc}") from exc
    try:
        fresh = folder / "new.duckdb"
        duckdb.connect(str(fresh)).close()
        fresh.chmod(PRIVATE)
        try:
            os.link(fresh, path)  # never over a database another program made meanwhile
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.rename(fresh, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def keep_wal_private(path: Path | str | None) -> None:
    """Give the database's write-ahead log the database file's own mode (DuckDB makes it with the umask)."""
    if path is None:
        return
    with suppress(OSError):  # no log just now, or not ours to change: nothing to narrow
        Path(f"{path}.wal").chmod(Path(path).stat().st_mode & 0o777)


def mode_of(path: Path | str) -> int:
    """The permission bits of the database file, e.g. 0o600."""
    return Path(path).stat().st_mode & 0o777


def is_lock_error(exc: Exception) -> bool:
    """Whether a DuckDB error says another program holds the file (then waiting may help)."""
    return any(word.lower() in str(exc).lower() for word in _LOCKED)


@contextmanager
def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    wait: float = 5.0,
    as_of: date | None = None,
    create: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for the length of a `with` block, waiting up to `wait` seconds for a lock.

    `as_of` fixes "today" for the progress rules (tests and `--as-of`); by default it is the real date.
    `create=False` refuses to make a new, empty file where none is (a mistyped `--db`).
    """
    path = Path(path)
    if (read_only or not create) and not path.exists():
        raise DatabaseMissing(f"there is no database at {path}; create it with `charter init`")
    with _in_use(path):
        if not read_only and not path.exists():
            _create_private(path)
        con = _open(path, read_only, wait)
        try:
            if as_of is not None:
                con.execute("SET VARIABLE charter_as_of = CAST($d AS DATE)", {"d": as_of})
            yield con
        finally:
            con.close()
            if not read_only:
                keep_wal_private(path)


def _open(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Connect, retrying for up to `wait` seconds while another program holds the file."""
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                raise StoreError(f"cannot open the database at {path}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"the database at {path} is busy: another program is using it. "
                    "Try again in a minute; if it stays busy, check what else has it open."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


# Connections this process has open, by file (the app's sessions are threads of one process).
_IN_USE: Counter[str] = Counter()
_IN_USE_LOCK = threading.Lock()


@contextmanager
def _in_use(path: Path) -> Iterator[None]:
    """Count a connection to `path` for its whole life, and check the file's header only while none is open.

    Reading the header opens and closes the file, and closing any descriptor of a file drops every POSIX
    lock this process holds on it, DuckDB's included: another program could then write to the database
    while a thread here still has it open.
    """
    key = str(path.resolve())
    with _IN_USE_LOCK:
        if not _IN_USE[key]:
            _require_duckdb_file(path)
        _IN_USE[key] += 1
    try:
        yield
    finally:
        with _IN_USE_LOCK:
            _IN_USE[key] -= 1


_OPEN: set[int] = set()  # connections inside transaction(), by id; a set's add and discard are thread-safe


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block as one transaction: all of it is written, or none of it.

    Inside one process (the app's sessions are threads) DuckDB lets two transactions run at once and
    refuses the second change of the same row ("Conflict on update", e.g. two reviewers approving one
    file at once): that writer is told to try again, as for a busy database, rather than shown a traceback.
    """
    con.execute("BEGIN TRANSACTION")
    _OPEN.add(id(con))
    try:
        yield con
        con.execute("COMMIT")
        keep_wal_private(_path_of(con))
    except duckdb.TransactionException as exc:
        _rollback(con)
        if "conflict" not in str(exc).lower():
            raise
        raise WriteConflict(
            "the database is busy: someone else changed the same records at the same moment, so nothing "
            "of this change was written. Try again."
        ) from exc
    except BaseException:
        _rollback(con)
        raise
    finally:
        _OPEN.discard(id(con))


def in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `con` is inside `transaction()`: writers that add to a caller's transaction check it first."""
    return id(con) in _OPEN


# Queries read progress through `charter_progress(as_of, published)` (views.sql: the rules themselves);
# `use_progress` shadows it on one connection with a temporary macro answering from rows worked out already.
_PROGRESS_KEPT = """CREATE OR REPLACE TEMP MACRO charter_progress(p_as_of, p_published) AS TABLE
    SELECT * FROM charter_progress_rows
    WHERE CASE WHEN p_published AND CAST(p_as_of AS DATE) = getvariable('charter_progress_day') THEN true
               ELSE error('charter_progress: the rows kept are for approved figures on '
                          || CAST(getvariable('charter_progress_day') AS VARCHAR)) END"""


_READS_PROGRESS = "__charter_reads_progress__"


def reads_progress(fn: F) -> F:
    """Mark a read whose SQL goes through `charter_progress`, so the app can answer it from rows kept per data
    version (`use_progress`); tests/test_typed_reads.py holds the marks and the SQL files equal."""
    setattr(fn, _READS_PROGRESS, True)
    return fn


def is_progress_reader(fn: Callable[..., Any]) -> bool:
    """Whether `fn` is marked `@reads_progress`."""
    return getattr(fn, _READS_PROGRESS, False) is True


def use_progress(con: duckdb.DuckDBPyConnection, rows: Any, as_of: date) -> None:
    """Answer `charter_progress(as_of, true)` on this connection from `rows` (an Arrow table of
    `core.progress(as_of, true)`, worked out earlier for the same data); any other call is refused."""
    con.register("charter_progress_rows", rows)
    con.execute("SET VARIABLE charter_progress_day = CAST($d AS DATE)", {"d": as_of})
    con.execute(_PROGRESS_KEPT)


def _path_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file behind a connection (None in memory), to keep its write-ahead log private after a write."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row[0] if row else None


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (DuckDB ends one itself when its COMMIT fails)."""
    with suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database; 0 for an empty one."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'core' AND table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return int(con.execute("SELECT coalesce(max(version), 0) FROM core.schema_version").fetchall()[0][0])


def migrate(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[int]:
    """Bring the schema up to date (or to version `upto`), each step in its own transaction."""
    current = schema_version(con)
    if current > LATEST_VERSION:
        raise SchemaTooNew(
            f"this database has schema version {current}, newer than this Charter knows ({LATEST_VERSION}); "
            "upgrade Charter"
        )
    applied = []
    for version, name, sql in migrations():
        if version <= current or (upto is not None and version > upto):
            continue
        with transaction(con):
            con.execute("CREATE SCHEMA IF NOT EXISTS core")
            con.execute(
                "CREATE TABLE IF NOT EXISTS core.schema_version "
                "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
            con.execute(sql)
            con.execute("INSERT INTO core.schema_version VALUES ($v, $n, current_timestamp)", {"v": version, "n": name})
        applied.append(version)
    if upto is None or upto >= LATEST_VERSION:
        with transaction(con):
            con.execute(status.sql())  # the status words and the direction rule that the views use
            con.execute(read_sql("views"))
            for extra in sorted(f.name for f in SQL.iterdir() if f.name.startswith("views_")):  # views_money.sql, ...
                con.execute(read_sql(extra.removesuffix(".sql")))
    return applied


def require_current(con: duckdb.DuckDBPyConnection, path: Path | str) -> None:
    """Refuse to work on a database that `charter init` has not brought up to date."""
    version = schema_version(con)
    if version != LATEST_VERSION:
        raise StoreError(
            f"the database at {path} has schema version {version}, not {LATEST_VERSION}; "
            "run `charter init` to bring it up to date (no data is lost)"
        )


def data_version(path: Path | str) -> tuple[float, int, float, int]:
    """A cheap fingerprint that changes whenever the database is written (no query, no lock).

    DuckDB writes to the `.wal` file first and folds it into the main file at checkpoints, so both
    files' modification times and sizes are part of it.
    """
    main, wal = Path(path), Path(f"{path}.wal")
    stat_main = main.stat() if main.exists() else None
    stat_wal = wal.stat() if wal.exists() else None
    return (
        stat_main.st_mtime if stat_main else 0.0,
        stat_main.st_size if stat_main else 0,
        stat_wal.st_mtime if stat_wal else 0.0,
        stat_wal.st_size if stat_wal else 0,
    )
