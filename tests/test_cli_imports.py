"""The `charter` command starts without its heavy libraries (issue 14): `--help`, `charter submissions`, `ingest`
(of a CSV) and `tickets` import none of pandas, pyarrow, numpy, pydantic, xlsxwriter, reportlab, altair or
streamlit, and print what they printed when they did. Honestly achievable, and so held here: they still import
duckdb (the database) and argon2 (the accounts module, which looks up the acting person); every other command
loads its own libraries when it runs."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from metrics import cli, cli_table, store, submissions
from metrics.config import Settings
from tests.conftest import AS_OF, ROOT, charter

HEAVY = {"pandas", "pyarrow", "numpy", "pydantic", "xlsxwriter", "reportlab", "altair", "streamlit"}
COLUMNS = list(cli.SUBMISSION_COLUMNS)


def imported(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `python -X importtime -m metrics ARGS`; the top-level packages it imported, from the import log.
    No CHARTER_* setting is passed on: any but CHARTER_DB is checked by the Settings model, which needs pydantic."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CHARTER_")}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "metrics", "--as-of", AS_OF.isoformat(), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    log = [line for line in done.stderr.splitlines() if line.startswith("import time:") and "[us]" not in line]
    return done, {line.split("|")[-1].strip().split(".")[0] for line in log}


def test_help_imports_none_of_the_heavy_libraries() -> None:
    done, names = imported("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: charter [-h] [--db DB]")
    assert "metrics" in names and "argparse" in names  # the log is read: an empty one would pass below
    assert names & HEAVY == set()


def test_submissions_imports_none_of_the_heavy_libraries(demo_db: Path) -> None:
    done, names = imported("--db", str(demo_db), "submissions")
    assert (done.returncode, done.stdout.splitlines()[0].split()) == (0, COLUMNS)
    assert "duckdb" in names
    assert names & HEAVY == set()


def test_no_submissions_imports_none_of_the_heavy_libraries(empty_db: Path) -> None:
    done, names = imported("--db", str(empty_db), "submissions")
    assert (done.returncode, done.stdout) == (0, "No submissions.\n")
    assert names & HEAVY == set()


def as_pandas_did(db: Path, status: str | None = None) -> str:
    """What `charter submissions` printed when it formatted the list with pandas."""
    with store.connect(db, read_only=True) as con:
        frame = submissions.list_submissions(con, status)
    return "No submissions.\n" if frame.empty else frame[COLUMNS].to_string(index=False) + "\n"


def test_submissions_print_as_pandas_printed_them(demo_db: Path) -> None:
    with store.connect(demo_db) as con:
        # A name with a tab, a line break and wide characters, no partners, and a time to the microsecond.
        con.execute(
            "INSERT INTO core.submission (id, file_name, sha256, submitted_by, submitted_at, status, row_count, "
            "partners, periods, source) VALUES (nextval('core.submission_id'), $name, 'x', 'Zoë Ng', "
            "TIMESTAMP '2025-11-19 09:15:02.000250', 'returned', 12345, [], ['2025/26 Q1', '2025/26 Q2'], 'app')",
            {"name": "Q2\tfigures\r\nfinal – 日本.csv"},
        )
    for status in (None, "submitted", "returned", "approved"):
        done = charter(demo_db, "submissions", *(["--status", status] if status else []))
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout == as_pandas_did(demo_db, status)
    returned = charter(demo_db, "submissions", "--status", "returned").stdout.splitlines()
    assert len(returned) == 2
    assert returned[1].endswith(
        r" returned Q2\tfigures\r\nfinal – 日本.csv          2025/26 Q1, 2025/26 Q2      12345       Zoë Ng "
        "2025-11-19 09:15:02.000250"
    )


STAMPS = {
    "midnight": ["2025-01-01 00:00:00", "2025-02-03 00:00:00"],
    "seconds": ["2025-01-01 00:00:00", "2025-02-03 10:04:05"],
    "milliseconds": ["2025-01-01 00:00:00", "2025-02-03 10:04:05.5"],
    "microseconds": ["2025-01-01 00:00:00.5", "2025-02-03 10:04:05.000007"],
    "hundreds of microseconds": ["2025-01-01 00:00:00.5", "2025-02-03 10:04:05.0123"],
}


@pytest.mark.parametrize("stamps", STAMPS.values(), ids=STAMPS.keys())
def test_table_lays_out_as_pandas(stamps: list[str]) -> None:
    texts = ["", "a\tb\nc\rd", "  lead", "x" * 70, "日本語", "\x07bell"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (id BIGINT, row_count INTEGER, text VARCHAR, stamp TIMESTAMP)")
    for i, text in enumerate(texts):
        con.execute("INSERT INTO t VALUES ($i, $n, $t, $at)", {"i": i * 37, "n": -i, "t": text, "at": stamps[i % 2]})
    rows = con.execute("SELECT * FROM t ORDER BY id").fetchall()
    assert isinstance(rows[0][3], datetime)
    expected = con.execute("SELECT * FROM t ORDER BY id").df().to_string(index=False)
    assert cli_table.table(["id", "row_count", "text", "stamp"], rows) == expected


def test_table_refuses_what_it_cannot_lay_out_as_pandas() -> None:
    with pytest.raises(
        TypeError, match=r"^column note: a table here holds ints, texts or timestamps, with none missing$"
    ):
        cli_table.table(["note"], [["a"], [None]])


@pytest.mark.parametrize(
    "env",
    [{}, {"CHARTER_DB": "elsewhere.duckdb"}, {"CHARTER_LOCK_WAIT_SECONDS": "0.5"},
     {"CHARTER_DB": "x.duckdb", "CHARTER_PUBLIC": "false", "CHARTER_LOCK_WAIT_SECONDS": "12"}],
)  # fmt: skip
def test_the_command_reads_the_settings_the_app_reads(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(f"CHARTER_{name.upper()}", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    args = cli.build_parser().parse_args(["submissions"])
    assert (args.db, args.wait) == (settings.db, settings.lock_wait_seconds)


def test_every_error_said_plainly_is_found_where_it_is_defined() -> None:
    for module, name, _ in cli._KNOWN:
        kind = getattr(importlib.import_module(module), name)
        assert issubclass(kind, Exception) and kind.__module__ == module, (module, name)


def _imported_in(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """`imported`, run in `folder` (where the command's files are)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CHARTER_")}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "metrics", "--as-of", AS_OF.isoformat(), *args],
        capture_output=True, text=True, encoding="utf-8", cwd=folder, env={**env, "PYTHONPATH": str(ROOT)}, timeout=60,
    )  # fmt: skip
    log = [line for line in done.stderr.splitlines() if line.startswith("import time:") and "[us]" not in line]
    return done, {line.split("|")[-1].strip().split(".")[0] for line in log}


# Files as an officer sends them: plain (checked as sets in DuckDB) and with a quoted note (checked row by row).
FIGURES = {
    "plain.csv": "partner,period,kpi,value,note\nHBBC,2025/26 Q1,DS01,72.5%,\n",
    "quoted.csv": 'partner,period,kpi,value,note\nHBBC,2025/26 Q1,DS02,61,"late, sorry"\n',
}


@pytest.mark.parametrize("name", FIGURES)
def test_ingest_imports_none_of_the_heavy_libraries(demo_db: Path, tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(FIGURES[name], encoding="utf-8")
    done, names = _imported_in(tmp_path, "--db", str(demo_db), "ingest", name)
    assert (done.returncode, done.stdout.split(":")[0]) == (0, name), done.stderr[-500:]
    assert "accepted 1 figure as submission" in done.stdout
    assert names & HEAVY == set()


def test_tickets_imports_none_of_the_heavy_libraries(demo_db: Path, tmp_path: Path) -> None:
    from tests.test_tickets import SERVICENOW, write

    write(tmp_path, "incident.csv", SERVICENOW)
    done, names = _imported_in(tmp_path, "--db", str(demo_db), "tickets", "incident.csv")
    assert (done.returncode, done.stdout.split(":")[0]) == (0, "incident.csv"), done.stderr[-500:]
    assert names & HEAVY == set()
