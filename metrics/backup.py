"""Backup and restore: a whole database copied into a new, private file, checked table by table.

A copy is made with DuckDB's `COPY FROM DATABASE` from a read-only attachment, so the app may go on reading
while it runs and no writer can change the database half-way through. A restore never overwrites in place:
the backup is copied into a new file beside the database, brought up to this Charter's schema, checked, and
only then moved into place; the database it replaces is kept beside it (docs/security.md, "Backups").
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from metrics import store


class BackupError(store.StoreError):
    """A backup or restore that cannot be done, said plainly."""


@dataclass(frozen=True)
class Copied:
    """What a backup or restore copied: the schema version and the rows of each table."""

    source: Path
    target: Path
    version: int
    rows: dict[str, int]

    def summary(self) -> str:
        tables = len(self.rows)
        rows = sum(self.rows.values())
        return f"schema version {self.version}, {tables} tables, {rows} rows (each table's rows counted in both)"


def backup(db: Path, out: Path, wait: float = 5.0) -> Copied:
    """Copy the database at `db` into a new private file `out`; refuse to overwrite anything."""
    if not db.exists():
        raise BackupError(f"there is no database at {db}; nothing to back up")
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name for the backup")
    if out.resolve() == db.resolve():
        raise BackupError(f"{out} is the database itself; choose a new file name for the backup")
    with _private_file(out) as fresh:
        copied = _copy(db, fresh, wait)
        _link(fresh, out)
    return Copied(db, out, copied.version, copied.rows)


def restore(backup_file: Path, db: Path, wait: float = 5.0) -> tuple[Copied, Path | None]:
    """Replace the database at `db` with a checked copy of `backup_file`; return what was copied and where the
    replaced database was kept (None when there was none)."""
    if not backup_file.is_file():
        raise BackupError(f"{backup_file}: no such file")
    if backup_file.resolve() == db.resolve():
        raise BackupError(f"{backup_file} is the database itself; name the backup file to restore from")
    _require_backup_file(backup_file)
    with _private_file(db) as fresh:
        copied = _copy(backup_file, fresh, wait)
        with store.connect(fresh, wait=wait, create=False) as con:
            store.migrate(con)  # an older backup is brought up to this Charter's schema
            version = store.schema_version(con)
        kept = _swap(db, fresh, wait)
    return Copied(backup_file, db, version, copied.rows), kept


def _require_backup_file(path: Path) -> None:
    """Refuse a file that is not a DuckDB database before DuckDB is asked to open it."""
    with path.open("rb") as f:
        head = f.read(12)
    if head[8:12] != b"DUCK":
        raise BackupError(
            f"{path} is not a Charter backup (a DuckDB database file); give the file `charter backup` wrote"
        )


def _copy(source: Path, target: Path, wait: float) -> Copied:
    """Copy every schema, table, view, macro and sequence of `source` into the empty database `target`."""
    con = duckdb.connect()
    try:
        _attach_read_only(con, source, wait)
        con.execute("ATTACH $path AS target_db", {"path": str(target)})
        version = _charter_version(con, source)
        con.execute("COPY FROM DATABASE source_db TO target_db")
        rows = _compare(con, source)
        con.execute("DETACH target_db")
    except duckdb.Error as exc:
        raise BackupError(f"could not copy {source}: {exc}") from exc
    finally:
        con.close()
    return Copied(source, target, version, rows)


def _attach_read_only(con: duckdb.DuckDBPyConnection, source: Path, wait: float) -> None:
    """Attach `source` read-only, waiting up to `wait` seconds while another program writes to it."""
    deadline = time.monotonic() + wait
    while True:
        try:
            con.execute("ATTACH $path AS source_db (READ_ONLY)", {"path": str(source)})
            return
        except duckdb.Error as exc:
            if not store.is_lock_error(exc):
                raise BackupError(f"cannot open {source}: {exc}") from exc
            if time.monotonic() >= deadline:
                raise store.DatabaseBusy(
                    f"the database at {source} is busy: another program is writing to it. Try again in a minute."
                ) from exc
            time.sleep(0.1)


def _charter_version(con: duckdb.DuckDBPyConnection, source: Path) -> int:
    """The schema version of the attached source, refusing a file that is not a Charter database."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'source_db' "
        "AND schema_name = 'core' AND table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not found:
        raise BackupError(f"{source} is a DuckDB file but not a Charter database (it has no core.schema_version)")
    version = int(con.execute("SELECT coalesce(max(version), 0) FROM source_db.core.schema_version").fetchall()[0][0])
    if version > store.LATEST_VERSION:
        raise store.SchemaTooNew(
            f"{source} has schema version {version}, newer than this Charter knows ({store.LATEST_VERSION}); "
            "upgrade Charter"
        )
    return version


def _compare(con: duckdb.DuckDBPyConnection, source: Path) -> dict[str, int]:
    """Every table's row count in source and copy; a difference stops the copy."""
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'source_db' ORDER BY ALL"
    ).fetchall()
    rows = {}
    for schema, table in tables:
        name = f'"{schema}"."{table}"'
        here, there = con.execute(
            f"SELECT (SELECT count(*) FROM source_db.{name}), (SELECT count(*) FROM target_db.{name})"  # noqa: S608 (names from the catalogue)
        ).fetchall()[0]
        if here != there:
            raise BackupError(f"the copy of {source} is incomplete: {schema}.{table} has {there} rows, not {here}")
        rows[f"{schema}.{table}"] = int(here)
    return rows


@contextmanager
def _private_file(beside: Path) -> Iterator[Path]:
    """A path for a new database in a private folder next to `beside` (same file system, so it can be moved)."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=".charter-copy-", dir=beside.parent))
    except OSError as exc:
        raise BackupError(f"cannot write beside {beside}: {exc.strerror or exc}") from exc
    try:
        yield folder / "copy.duckdb"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _link(fresh: Path, out: Path) -> None:
    """Put the finished copy at `out`, readable by its owner only, never over a file made meanwhile."""
    fresh.chmod(store.PRIVATE)
    try:
        os.link(fresh, out)
    except FileExistsError as exc:
        raise BackupError(f"{out} already exists; choose a new file name for the backup") from exc
    except OSError:  # a file system without hard links
        os.rename(fresh, out)


def _swap(db: Path, fresh: Path, wait: float) -> Path | None:
    """Move the restored copy into place, keeping the database it replaces beside it."""
    fresh.chmod(store.PRIVATE)
    kept = None
    if db.exists():
        with store.connect(db, wait=wait, create=False) as con:
            con.execute("CHECKPOINT")  # the replaced database keeps everything written to its log
        kept = db.with_name(f"{db.name}.before-restore-{datetime.now():%Y%m%dT%H%M%S}")
        os.replace(db, kept)
    os.replace(fresh, db)
    return kept
