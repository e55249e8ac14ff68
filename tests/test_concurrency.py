"""Concurrency and crashes (docs/architecture.md): a killed submission leaves nothing behind, the command line
writes while the app serves, and two officers sending figures at once both land."""

from __future__ import annotations

import csv
import io
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from metrics import cli, store, submissions, template
from metrics.access import Actor
from metrics.ingest import Catalogue, CheckResult
from metrics.periods import parse_period
from tests.browser import serve, settle
from tests.conftest import AS_OF, CHARTER, FRAMEWORK, charter, table_contents

PERIOD = "2025/26 Q2"  # the last complete quarter at AS_OF
HEADER = "partner,period,kpi,value,note\n"

# Run in a child process: store a file as the app and `charter ingest` do, but stall once its rows are
# inserted (inside the transaction, before COMMIT), so that the test can kill it at the worst moment.
STALLING_SUBMISSION = """
import sys, time
from datetime import date
from pathlib import Path

from metrics import store, submissions
from metrics.access import Actor

db, path, as_of = sys.argv[1], Path(sys.argv[2]), date.fromisoformat(sys.argv[3])
real_insert = submissions._insert


def insert_then_stall(con, *args, **kwargs):
    sid = real_insert(con, *args, **kwargs)
    rows = con.execute(
        "SELECT count(*) FROM core.measurement WHERE submission_id = $s", {"s": sid}
    ).fetchall()[0][0]
    print(f"inserted {rows}", flush=True)
    time.sleep(120)
    return sid


submissions._insert = insert_then_stall
data = path.read_bytes()
with store.connect(db, as_of=as_of) as con:
    result = submissions.check_file(data, path.name, submissions.catalogue(con, as_of))
    if not result.ok:
        print("problems", *result.problems, flush=True)
        sys.exit(3)
    submissions.store_files(con, [(result, data)], by=Actor.administrator("an officer"), source="test")
print("committed", flush=True)
"""

# Run in a child process: hold the database open for writing for a while, as another program would.
HOLDER = """
import sys, time

from metrics import store

with store.connect(sys.argv[1]) as con:
    con.execute("SELECT count(*) FROM core.submission").fetchall()
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    print(f"releasing {time.time()}", flush=True)
"""


class Child:
    """A Python child process whose stdout lines can be awaited with a timeout."""

    def __init__(self, script: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for(self, prefix: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"no '{prefix}' within {timeout} s; saw {seen}") from None
            if line is None:
                raise AssertionError(f"the child ended (exit {self.proc.wait()}) before '{prefix}'; saw {seen}")
            if line.startswith(prefix):
                return line
            seen.append(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def children(tmp_path: Path) -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for child in started:
        child.stop()


def start(children: list[Child], tmp_path: Path, source: str, *args: str) -> Child:
    script = tmp_path / f"child{len(children)}.py"
    script.write_text(source, encoding="utf-8")
    child = Child(script, *args)
    children.append(child)
    return child


def every_kpi_file(db: Path, partner: str, folder: Path) -> Path:
    """A full quarterly return: every KPI due from `partner` in PERIOD (as the template lists them), at its target."""
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        _, rows = template.rows(con, partner, parse_period(PERIOD))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["partner", "period", "kpi", "value", "note"])
    for row in rows:
        _, period, kpi, *_, last_value, target, _value, _note = row
        writer.writerow([partner, period, kpi, f"{target if target is not None else last_value:g}", ""])
    path = folder / f"{partner}-return.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert len(rows) >= 15
    return path


def query(db: Path, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        return con.execute(sql, params or {}).fetchall()


def figures_of(db: Path, submission_id: int) -> int:
    return int(query(db, "SELECT count(*) FROM core.measurement WHERE submission_id = $s", {"s": submission_id})[0][0])


def next_submission(db: Path) -> int:
    return int(query(db, "SELECT max(id) FROM core.submission")[0][0] or 0) + 1


def ingest(db: Path, path: Path) -> subprocess.Popen[str]:
    command = [str(CHARTER), "--db", str(db), "--as-of", AS_OF.isoformat(), "ingest", str(path)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


# --- a crash in the middle of a submission ------------------------------------------------------------


def test_a_submission_killed_after_inserting_its_rows_leaves_the_database_as_it_was(
    demo_db: Path, tmp_path: Path, children: list[Child]
) -> None:
    path = every_kpi_file(demo_db, "MBC", tmp_path)
    expected = len(path.read_text(encoding="utf-8").splitlines()) - 1
    before = table_contents(demo_db)
    child = start(children, tmp_path, STALLING_SUBMISSION, str(demo_db), str(path), AS_OF.isoformat())
    # Every row is in, inside the uncommitted transaction, when the process dies.
    assert child.wait_for("inserted", timeout=30) == f"inserted {expected}"
    os.kill(child.proc.pid, signal.SIGKILL)
    assert child.proc.wait(timeout=10) == -signal.SIGKILL

    assert table_contents(demo_db) == before
    # ... and the database still works: the same file goes in whole, and progress is computed.
    done = charter(demo_db, "ingest", str(path))
    assert (done.returncode, done.stderr) == (0, "")
    sid = int(query(demo_db, "SELECT max(id) FROM core.submission")[0][0])
    assert done.stdout.endswith(f"{path}: accepted {expected} figures as submission {sid}\n")
    assert figures_of(demo_db, sid) == expected
    assert query(demo_db, "SELECT count(*) FROM objective_progress")[0][0] > 0


# --- the command line while the app is serving ----------------------------------------------------------


def melton_row(page: Page, url: str) -> str:
    """What the Objective page says about OBJ08 for Melton in PERIOD, as a member sees it."""
    page.goto(f"{url}/objective?objective=OBJ08&quarter={PERIOD}&partner=MBC")
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    table = page.locator("table.charter-table", has_text=f"OBJ08 by partner in {PERIOD}")
    return table.locator("tr", has_text="Melton Borough Council").inner_text()


@pytest.mark.browser
def test_charter_ingest_works_while_the_app_is_serving(demo_db: Path, tmp_path: Path, browser: Browser) -> None:
    # Melton has not sent DS07 (OBJ08's KPI, lower is better) for the quarter: overdue.
    late = tmp_path / "melton-late.csv"
    late.write_text(
        f"partner,period,kpi,value,note\r\nMBC,{PERIOD},DS07,19.4%,Sent late: the survey closed in October.\r\n",
        encoding="utf-8",
    )
    with serve(demo_db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        row = melton_row(page, url)
        assert "Figure overdue" in row and "— figure overdue" in row  # the status, and the actual's dash and reason

        # The app has read the database and its session is still open: the command line can write.
        done = charter(demo_db, "ingest", str(late), timeout=30)
        assert (done.returncode, done.stderr) == (0, ""), "the app kept the database locked"
        sid = int(query(demo_db, "SELECT max(id) FROM core.submission")[0][0])
        assert done.stdout == f"{late}: accepted 1 figure as submission {sid}\n"

        page.goto(url)
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("h1").first.inner_text() == "Overview"
        assert "Figure overdue" in melton_row(page, url), "a figure was shown to members before it was approved"

        approved = charter(demo_db, "approve", str(sid), timeout=30)
        assert (approved.returncode, approved.stdout, approved.stderr) == (0, f"Submission {sid} approved.\n", "")
        # The app's cache is keyed by the data version, so the approved figure shows at once.
        row = melton_row(page, url)
        assert "On track" in row and "19.4%" in row
        page.close()


# --- two officers at once -----------------------------------------------------------------------------


def test_two_officers_submitting_at_once_in_the_app_both_land(demo_db: Path, tmp_path: Path) -> None:
    """The app's sessions are threads of one process, each opening its own connection to write."""
    paths = {p: every_kpi_file(demo_db, p, tmp_path) for p in ("MBC", "HBBC")}
    first = next_submission(demo_db)
    ready = threading.Barrier(len(paths), timeout=30)
    outcome: dict[str, object] = {}

    def submit(partner: str) -> None:
        data = paths[partner].read_bytes()
        try:
            with store.connect(demo_db, as_of=AS_OF) as con:
                result = submissions.check_file(data, paths[partner].name, submissions.catalogue(con, AS_OF))
                ready.wait()  # both transactions are open at the same moment
                outcome[partner] = submissions.store_files(
                    con, [(result, data)], by=Actor.administrator(partner), source="upload"
                )[0]
        except Exception as exc:  # reported below, with the partner
            outcome[partner] = exc

    threads = [threading.Thread(target=submit, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(isinstance(s, submissions.Stored) for s in outcome.values()), outcome
    stored = {p: s for p, s in outcome.items() if isinstance(s, submissions.Stored)}
    assert sorted(s.submission_id for s in stored.values()) == [first, first + 1]
    for partner, item in stored.items():
        rows = len(paths[partner].read_text(encoding="utf-8").splitlines()) - 1
        assert (item.rows, figures_of(demo_db, item.submission_id)) == (rows, rows)
        assert query(
            demo_db, "SELECT submitted_by, status FROM submission WHERE id = $i", {"i": item.submission_id}
        ) == [(partner, "submitted")]


def test_two_reviewers_approving_one_file_at_once_one_is_told_to_try_again(demo_db: Path) -> None:
    """Two sessions change one submission's row at once: the later gets words, not a traceback."""
    waiting = int(query(demo_db, "SELECT id FROM submission WHERE status = 'submitted'")[0][0])
    everything = "SELECT * FROM core.submission ORDER BY id"
    with store.connect(demo_db) as first, store.connect(demo_db) as second:
        before = second.execute(everything).fetchall()
        first.execute("BEGIN TRANSACTION")
        first.execute("UPDATE core.submission SET review_comment = 'looking' WHERE id = $i", {"i": waiting})
        with pytest.raises(store.DatabaseBusy, match=r"^the database is busy: someone else changed the same records"):
            submissions.review(second, waiting, approve=True, by=Actor.administrator("second reviewer"))
        first.execute("ROLLBACK")
        assert second.execute(everything).fetchall() == before
        submissions.review(
            second, waiting, approve=True, by=Actor.administrator("second reviewer")
        )  # trying again works
    assert query(demo_db, "SELECT status, reviewed_by FROM core.submission WHERE id = $i", {"i": waiting}) == [
        ("approved", "second reviewer")
    ]


def test_two_officers_ingesting_at_once_from_the_command_line_both_land(
    demo_db: Path, tmp_path: Path, children: list[Child]
) -> None:
    paths = [every_kpi_file(demo_db, p, tmp_path) for p in ("MBC", "HBBC")]
    first = next_submission(demo_db)
    # Another program holds the database while both start, so both are waiting when it is freed.
    holder = start(children, tmp_path, HOLDER, str(demo_db), "1")
    holder.wait_for("holding")
    runs = [ingest(demo_db, path) for path in paths]
    released = float(holder.wait_for("releasing").split()[1])
    results = [(run.communicate(timeout=60), run.returncode) for run in runs]
    landed = [path for path, ((_, err), code) in zip(paths, results, strict=True) if code == 0 and err == ""]
    told = [path for path, ((_, err), code) in zip(paths, results, strict=True) if code == 1 and " is busy: " in err]
    # Both land; on a slow machine one may instead be told plainly to try again, having written nothing.
    assert len(landed) >= 1 and len(landed) + len(told) == 2, results
    assert next_submission(demo_db) == first + len(landed)
    for path in told:
        retry = charter(demo_db, "ingest", str(path))
        assert (retry.returncode, retry.stderr) == (0, "")
    for sid in (first, first + 1):
        ((name, rows, at),) = query(
            demo_db, "SELECT file_name, row_count, submitted_at FROM submission WHERE id = $i", {"i": sid}
        )
        assert figures_of(demo_db, sid) == rows == len(Path(str(name)).read_text(encoding="utf-8").splitlines()) - 1
        assert at > datetime.fromtimestamp(released), "stored while another program held the database"
    stored = query(demo_db, "SELECT file_name FROM submission WHERE id >= $i ORDER BY file_name", {"i": first})
    assert stored == sorted((str(path),) for path in paths)


def test_ingest_waits_for_a_program_holding_the_database_then_succeeds(
    demo_db: Path, tmp_path: Path, children: list[Child]
) -> None:
    path = every_kpi_file(demo_db, "MBC", tmp_path)
    holder = start(children, tmp_path, HOLDER, str(demo_db), "2")
    holder.wait_for("holding")
    started = time.monotonic()
    done = charter(demo_db, "ingest", str(path), timeout=30)
    waited = time.monotonic() - started
    released = float(holder.wait_for("releasing").split()[1])
    assert (done.returncode, done.stderr) == (0, "")
    sid = next_submission(demo_db) - 1
    assert done.stdout == f"{path}: accepted {figures_of(demo_db, sid)} figures as submission {sid}\n"
    ((at,),) = query(demo_db, "SELECT submitted_at FROM submission WHERE id = $i", {"i": sid})
    assert at > datetime.fromtimestamp(released), "stored while another program held the database"
    assert waited > 1.5, f"finished in {waited:.1f} s, before the holder let go"
    assert holder.proc.wait(timeout=10) == 0


# --- busy, not broken: checking a file holds no connection ---------------------------------------------------


def hold_checks(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Hold every file check in the middle until `release` is set; `started` is set when one is held."""
    started, release = threading.Event(), threading.Event()
    real = submissions.check_file

    def held_check(data: bytes, name: str, cat: Catalogue) -> CheckResult:
        started.set()
        release.wait(60)
        return real(data, name, cat)

    monkeypatch.setattr(submissions, "check_file", held_check)
    return started, release


# A row with a quoted note: the file is checked row by row, with no connection open (a plain CSV is checked as sets
# in DuckDB on the connection that then writes it, in a fraction of a second: metrics/setcheck.py).
SLOW_ROW = f'HBBC,{PERIOD},DS01,70,"checked row by row, with no connection open"\n'


@contextmanager
def a_check_in_progress(monkeypatch: pytest.MonkeyPatch, db: Path, path: Path) -> Iterator[dict[str, object]]:
    """`charter ingest PATH` in a thread of this process, held in the middle of checking the file until the
    block ends; yields what it returned and printed (as `code` and `stderr`) once it has finished."""
    started, release = hold_checks(monkeypatch)
    outcome: dict[str, object] = {}

    def run() -> None:
        err = io.StringIO()
        with redirect_stderr(err), redirect_stdout(io.StringIO()):
            outcome["code"] = cli.main(["--db", str(db), "--as-of", AS_OF.isoformat(), "ingest", str(path)])
        outcome["stderr"] = err.getvalue()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert started.wait(60), "the check never started"
        yield outcome
    finally:
        release.set()
        thread.join(60)


def test_charter_ingest_writes_while_another_ingest_is_checking_a_file(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = tmp_path / "slow.csv"
    slow.write_text(HEADER + SLOW_ROW, encoding="utf-8")
    (tmp_path / "quick.csv").write_text(HEADER + f"BDC,{PERIOD},DS01,60,\n", encoding="utf-8")
    first = next_submission(demo_db)
    with a_check_in_progress(monkeypatch, demo_db, slow) as outcome:
        quick = charter(demo_db, "ingest", "quick.csv", cwd=tmp_path)
        assert (quick.returncode, quick.stderr) == (0, "")
        assert quick.stdout == f"quick.csv: accepted 1 figure as submission {first}\n"
    assert outcome == {"code": 0, "stderr": ""}
    stored = query(demo_db, "SELECT id, file_name FROM submission WHERE id >= $i ORDER BY id", {"i": first})
    assert stored == [(first, "quick.csv"), (first + 1, str(slow))]


def test_figures_checked_against_kpis_changed_meanwhile_are_not_stored(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = tmp_path / "slow.csv"
    slow.write_text(HEADER + SLOW_ROW, encoding="utf-8")
    framework = tmp_path / "framework.yaml"
    framework.write_text(
        FRAMEWORK.read_text(encoding="utf-8").replace("    max: 100\n", "    max: 60\n", 1), encoding="utf-8"
    )
    with a_check_in_progress(monkeypatch, demo_db, slow) as outcome:
        reload = charter(demo_db, "load-framework", str(framework))
        assert (reload.returncode, reload.stderr) == (0, "")
        before = table_contents(demo_db)
    assert outcome == {
        "code": 1,
        "stderr": f"charter ingest: the partnership's partners or KPIs changed while {slow} was being checked; "
        "nothing was loaded: send the same file again to check it against them\n",
    }
    assert table_contents(demo_db) == before
    again = charter(demo_db, "ingest", str(slow))
    assert (again.returncode, again.stdout) == (1, "")
    assert again.stderr.splitlines()[0] == (
        f"{slow}:2:value: 70% is outside the range for DS01 (Transactions completed online): it must be between "
        "0% and 60%"
    )


BUSY = (
    "the database at {} is busy: another program is using it. Try again in a minute; if it stays busy, check "
    "what else has it open."
)


def test_a_second_connection_in_this_process_keeps_the_first_ones_lock(demo_db: Path, tmp_path: Path) -> None:
    # Reading a file's header opens and closes it, which drops the process's lock on it: the app's sessions
    # are threads of one process, so one session opening the database must not unlock another's.
    (tmp_path / "quick.csv").write_text(HEADER + f"BDC,{PERIOD},DS01,60,\n", encoding="utf-8")
    before = table_contents(demo_db)
    with store.connect(demo_db, read_only=True) as held:
        with store.connect(demo_db, read_only=True) as other:
            assert other.execute("SELECT count(*) FROM core.partner").fetchall() == [(4,)]
        refused = charter(demo_db, "ingest", "quick.csv", cwd=tmp_path, env={"CHARTER_LOCK_WAIT_SECONDS": "0.5"})
        assert (refused.returncode, refused.stdout) == (1, "")
        assert refused.stderr == f"charter ingest: {BUSY.format(demo_db)}\n"
        assert held.execute("SELECT count(*) FROM core.partner").fetchall() == [(4,)]
    assert table_contents(demo_db) == before


def test_charter_ingest_writes_while_the_upload_page_is_checking_a_file(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from metrics.access import Role
    from metrics.config import ROOT

    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    started, release = hold_checks(monkeypatch)
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    app.session_state["actor"] = Actor("jo@hbbc.gov.uk", Role.OFFICER, frozenset({"HBBC"}))
    app.run()
    app.switch_page("app_pages/upload.py").run()
    app.file_uploader[0].set_value(("slow.csv", (HEADER + f"HBBC,{PERIOD},DS01,70,\n").encode(), "text/csv"))
    page = threading.Thread(target=app.run)
    page.start()
    try:
        assert started.wait(60), "the page never started checking the file"
        (tmp_path / "quick.csv").write_text(HEADER + f"BDC,{PERIOD},DS01,60,\n", encoding="utf-8")
        sid = next_submission(demo_db)
        quick = charter(demo_db, "ingest", "quick.csv", cwd=tmp_path, env={"CHARTER_LOCK_WAIT_SECONDS": "1"})
        assert (quick.returncode, quick.stderr) == (0, "")
        assert quick.stdout == f"quick.csv: accepted 1 figure as submission {sid}\n"
    finally:
        release.set()
        page.join(120)
    assert not app.exception, [e.value for e in app.exception]
    assert app.success[0].value == "**slow.csv** passed every check: 1 figures."
