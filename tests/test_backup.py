"""`charter backup` and `charter restore` (metrics/backup.py): whole-database round trips through the real command."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from metrics import store
from tests.conftest import charter, table_contents

CORRECTION = "partner,period,kpi,value,note\nHBBC,2025/26 Q2,DS01,71.5,corrected after the backup\n"


def counted(db: Path) -> str:
    """The summary line's figures: every table and its rows, as `backup` and `restore` count them."""
    rows = table_contents(db)
    return f"schema version {store.LATEST_VERSION}, {len(rows)} tables, {sum(map(len, rows.values()))} rows"


def test_a_backup_restores_every_table_exactly(demo_db: Path, tmp_path: Path) -> None:
    before = table_contents(demo_db)
    summary = counted(demo_db)
    out = tmp_path / "saved.duckdb"
    done = charter(demo_db, "backup", "--out", str(out))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        f"Backed up {demo_db} to {out}: {summary} (each table's rows counted in both).\n"
        f"{out}: only its owner can read it; it holds every account and the audit trail, so keep it safe.\n"
    )
    assert out.stat().st_mode & 0o777 == 0o600
    assert table_contents(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".charter-copy-")]  # no folder left behind

    changed = tmp_path / "later.csv"
    changed.write_text(CORRECTION, encoding="utf-8")
    assert charter(demo_db, "ingest", str(changed)).returncode == 0
    assert table_contents(demo_db) != before

    done = charter(demo_db, "restore", str(out))
    assert (done.returncode, done.stderr) == (0, "")
    kept = next(p for p in demo_db.parent.iterdir() if p.name.startswith(f"{demo_db.name}.before-restore-"))
    assert done.stdout == (
        f"Restored {demo_db} from {out}: {summary} (each table's rows counted in both).\n"
        f"The database it replaced is kept at {kept}.\n"
    )
    assert table_contents(demo_db) == before
    assert demo_db.stat().st_mode & 0o777 == 0o600
    assert "corrected after the backup" in repr(table_contents(kept)["core.measurement"])


def test_a_restored_database_takes_new_figures_after_the_old_ones(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "saved.duckdb"
    assert charter(demo_db, "backup", "--out", str(out)).returncode == 0
    assert charter(demo_db, "restore", str(out)).returncode == 0
    with store.connect(demo_db, read_only=True) as con:
        last = con.execute("SELECT max(id) FROM core.submission").fetchall()[0][0]
    later = tmp_path / "later.csv"
    later.write_text(CORRECTION, encoding="utf-8")
    done = charter(demo_db, "ingest", str(later))
    assert (done.returncode, done.stderr) == (0, "")
    assert f"submission {last + 1}" in done.stdout.lower()  # the sequence came back with the tables


def test_an_older_backup_is_upgraded_as_it_is_restored(tmp_path: Path) -> None:
    old = tmp_path / "old.duckdb"
    with store.connect(old) as con:
        store.migrate(con, upto=6)
    db = tmp_path / "charter.duckdb"
    done = charter(db, "restore", str(old))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"Restored {db} from {old}: schema version {store.LATEST_VERSION}, ")
    assert "kept at" not in done.stdout  # there was no database to replace
    with store.connect(db, read_only=True) as con:
        assert store.schema_version(con) == store.LATEST_VERSION
        assert con.execute("SELECT count(*) FROM objective_progress").fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_text("partner,period\n"),
            "{f} is not a Charter backup (a DuckDB database file); give the file `charter backup` wrote",
        ),
        (
            lambda p: p.write_bytes(b""),
            "{f} is not a Charter backup (a DuckDB database file); give the file `charter backup` wrote",
        ),
        (
            lambda p: duckdb.connect(str(p)).execute("CREATE TABLE t (x INTEGER)").close(),
            "{f} is a DuckDB file but not a Charter database (it has no core.schema_version)",
        ),
    ],
    ids=["text", "empty", "other-duckdb"],
)
def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
    demo_db: Path, tmp_path: Path, make, message: str
) -> None:
    bad = tmp_path / "bad.duckdb"
    make(bad)
    before = table_contents(demo_db)
    done = charter(demo_db, "restore", str(bad))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"charter restore: {message.format(f=bad)}\n"
    assert table_contents(demo_db) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_backup_from_a_newer_charter_is_refused(demo_db: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.duckdb"
    shutil.copy(demo_db, newer)
    with store.connect(newer) as con:
        con.execute("INSERT INTO core.schema_version VALUES (999, '999_future.sql', current_timestamp)")
    done = charter(demo_db, "restore", str(newer))
    assert done.returncode == 1
    assert done.stderr == (
        f"charter restore: {newer} has schema version 999, newer than this Charter knows ({store.LATEST_VERSION}); "
        "upgrade Charter\n"
    )


def test_a_backup_never_overwrites_a_file(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "there.duckdb"
    out.write_text("something else")
    done = charter(demo_db, "backup", "--out", str(out))
    assert (done.returncode, done.stderr) == (
        1,
        f"charter backup: {out} already exists; choose a new file name for the backup\n",
    )
    assert out.read_text() == "something else"
    done = charter(demo_db, "backup", "--out", str(demo_db))
    assert done.returncode == 1


def test_only_an_administrator_may_back_up_or_restore(demo_db: Path, tmp_path: Path) -> None:
    assert charter(demo_db, "user", "add", "chair@board.example", "--role", "board", "--no-password").returncode == 0
    out = tmp_path / "saved.duckdb"
    done = charter(demo_db, "--as", "chair@board.example", "backup", "--out", str(out))
    assert done.returncode == 1
    assert done.stderr.startswith("charter backup: ")
    assert "manage users" in done.stderr
    assert not out.exists()


def test_a_backup_waits_for_a_writer_then_says_the_database_is_busy(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "saved.duckdb"
    writer = duckdb.connect(str(demo_db))  # another program writing: the file is locked
    try:
        done = charter(demo_db, "backup", "--out", str(out), env={"CHARTER_LOCK_WAIT_SECONDS": "0.5"})
    finally:
        writer.close()
    assert done.returncode == 1
    assert "is busy" in done.stderr
    assert not out.exists()
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".charter-copy-")]
