"""The `charter` command (docs/architecture.md) through its real entry point, as an administrator runs it."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from metrics import store
from metrics.access import Actor
from metrics.framework import read_framework
from metrics.loader import load_framework
from tests.conftest import AS_OF, CHARTER, FRAMEWORK, charter, table_contents
from tests.test_tickets import SERVICENOW

HEADER = "partner,period,kpi,value,note\n"


def rejected(n: int) -> str:
    return f"Rejected: {n} {'problem' if n == 1 else 'problems'} to fix; nothing was loaded."


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def query(db: Path, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        return con.execute(sql, params or {}).fetchall()


def next_submission(db: Path) -> int:
    return int(query(db, "SELECT max(id) FROM core.submission")[0][0] or 0) + 1


def without_loaded_at(contents: dict[str, list[tuple[object, ...]]]) -> dict[str, list[tuple[object, ...]]]:
    """Every row, leaving out when the framework was last loaded (rewritten on each load: see test_framework)."""
    return {**contents, "core.partnership": [row[:-1] for row in contents["core.partnership"]]}


# --- init ------------------------------------------------------------------------------------------


def test_init_creates_a_new_database_with_the_public_views(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    done = charter(db, "init")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        f"Database {db}: schema upgraded from version 0 to {store.LATEST_VERSION}.\n"
        f"Database {db}: only its owner can read or write it (mode 600).\n"
    )
    assert query(db, "SELECT count(*) FROM partner") == [(0,)]
    assert query(db, "SELECT count(*) FROM objective_progress") == [(0,)]
    again = charter(db, "init")
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout == (
        f"Database {db}: schema is up to date (version {store.LATEST_VERSION}).\n"
        f"Database {db}: only its owner can read or write it (mode 600).\n"
    )


def test_a_new_database_and_its_log_are_kept_to_their_owner(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    old = os.umask(0o022)  # the usual umask, under which DuckDB would make both world-readable
    try:
        done = charter(db, "init")
        assert (done.returncode, done.stderr) == (0, "")
        assert db.stat().st_mode & 0o777 == 0o600
        assert [p.name for p in tmp_path.iterdir()] == ["new.duckdb"]  # no private folder left behind
        with store.connect(db) as con:
            with store.transaction(con):
                con.execute("INSERT INTO core.partner VALUES ('AB', 'A B', DATE '2020-04-01', NULL, 1)")
            assert Path(f"{db}.wal").stat().st_mode & 0o777 == 0o600
        assert {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()} == {"new.duckdb": 0o600}
    finally:
        os.umask(old)


def test_init_says_when_others_can_read_the_database(empty_db: Path) -> None:
    empty_db.chmod(0o644)
    done = charter(empty_db, "init")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[1] == (
        f"Database {empty_db}: others on this computer can read it (mode 644); run `chmod 600 {empty_db}` to stop that."
    )


def test_init_demo_twice_loads_the_demo_once(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    first = charter(db, "init", "--demo")
    assert (first.returncode, first.stderr) == (0, "")
    files, figures = query(
        db,
        "SELECT count(DISTINCT s.id), count(*) FROM core.submission s JOIN core.measurement m "
        "ON m.submission_id = s.id WHERE s.source = 'demo'",
    )[0]
    assert f"Demo figures: {files} new submissions with {figures} figures (0 already present), up to 2025/26 Q2.\n" in (
        first.stdout
    )
    assert "Demo framework: Added 4 partners.\n" in first.stdout
    (benchmarks,) = query(db, "SELECT count(*) FROM benchmark")[0]
    assert f"Demo benchmarks: benchmarks.csv: loaded {benchmarks} benchmarks.\n" in first.stdout
    # Two further partnerships, each in a database of its own beside the install's (docs/hosting.md)
    assert query(db, "SELECT count(*) FROM partnership") == [(3,)]
    assert query(db, "SELECT code, home FROM partnership") == [("LICTP", True), ("MKIP", False), ("SELCP", False)]
    mkip, selcp = (db.parent / f"{db.stem}.partnerships" / f"{code}.duckdb" for code in ("MKIP", "SELCP"))
    assert query(mkip, "SELECT code, joined_on FROM partner ORDER BY code") == [
        ("MBC", date(2013, 4, 1)),
        ("SBC", date(2013, 4, 1)),
        ("TWBC", date(2013, 4, 1)),
    ]
    assert query(selcp, "SELECT share FROM cost_share WHERE partner_code = 'BBC'") == [(0.23,)]
    assert {code for (code,) in query(db, "SELECT code FROM partner")} == {"HBBC", "OWBC", "BDC", "MBC"}
    assert {code for (code,) in query(selcp, "SELECT code FROM partner")} == {"BBC", "ELDC", "SHDC"}
    before = table_contents(db)
    hosted_before = [without_loaded_at(table_contents(path)) for path in (mkip, selcp)]
    mkip_files, selcp_files = (query(path, "SELECT count(*) FROM core.submission")[0][0] for path in (mkip, selcp))
    second = charter(db, "init", "--demo")
    assert (second.returncode, second.stderr) == (0, "")
    assert [without_loaded_at(table_contents(path)) for path in (mkip, selcp)] == hosted_before
    assert second.stdout == (
        f"Database {db}: schema is up to date (version {store.LATEST_VERSION}).\n"
        f"Database {db}: only its owner can read or write it (mode 600).\n"
        f"Partnership MKIP ({mkip}): schema up to date.\n"
        f"Partnership SELCP ({selcp}): schema up to date.\n"
        "Demo framework: The framework is already up to date: nothing changed.\n"
        f"Demo benchmarks: {benchmarks} already present.\n"
        f"Demo figures: 0 new submissions with 0 figures ({files} already present), up to 2025/26 Q2.\n"
        "Demo business: already present: nothing changed.\n"
        "Demo service desk: demo-service-desk-illustrative-2024-25-Q3-to-2025-26-Q2.csv was already imported "
        "(import 1); no new tickets.\n"
        "Demo board history: meetings already recorded; none added.\n"
        "MKIP demo framework: The framework is already up to date: nothing changed.\n"
        f"MKIP demo figures: 0 new submissions with 0 figures ({mkip_files} already present), up to 2025/26 Q2.\n"
        "MKIP demo business: already present: nothing changed.\n"
        "SELCP demo framework: The framework is already up to date: nothing changed.\n"
        f"SELCP demo figures: 0 new submissions with 0 figures ({selcp_files} already present), up to 2025/26 Q2.\n"
        "SELCP demo business: already present: nothing changed.\n"
    )
    assert without_loaded_at(table_contents(db)) == without_loaded_at(before)


def test_the_demo_is_not_loaded_over_a_real_partnership(empty_db: Path, tmp_path: Path) -> None:
    real = write(
        tmp_path,
        "real.yaml",
        FRAMEWORK.read_text(encoding="utf-8").replace("illustrative: true", "illustrative: false", 1),
    )
    with store.connect(empty_db) as con:
        load_framework(con, read_framework(real), by=Actor.administrator("admin"), sha256="x")
    before = table_contents(empty_db)
    done = charter(empty_db, "init", "--demo")
    assert done.returncode == 1
    assert done.stderr == (
        "charter init: this database holds a real partnership (Leicestershire ICT Partnership); "
        "the demo is not loaded into it\n"
    )
    assert table_contents(empty_db) == before


def test_the_database_can_be_named_by_charter_db(demo_db: Path) -> None:
    done = subprocess.run(
        [str(CHARTER), "submissions", "--status", "submitted"],
        capture_output=True,
        text=True,
        env={**os.environ, "CHARTER_DB": str(demo_db)},
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "demo-BDC-2025-26-Q2-correction.csv" in done.stdout


def test_a_file_that_is_not_a_database_is_refused_not_written_over(tmp_path: Path) -> None:
    figures = tmp_path / "figures.csv"
    figures.write_text("partner,period,kpi,value\nHBBC,2025/26 Q1,DS01,72.5\n", encoding="utf-8")
    done = charter(figures, "init")
    assert done.returncode == 1
    assert done.stderr == (
        f"charter init: {figures} is not a Charter database (a DuckDB file); give the path of the database, "
        "or of a new one\n"
    )
    assert figures.read_text(encoding="utf-8") == "partner,period,kpi,value\nHBBC,2025/26 Q1,DS01,72.5\n"


# --- ingest ----------------------------------------------------------------------------------------

GOOD = HEADER + 'HBBC,2025/26 Q2,DS01,71.5%,Up after the new forms\nHBBC,2025/26 Q2,DS04,"1,234",\n'


def test_ingest_a_good_file_loads_it_for_approval(demo_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "hbbc-q2.csv", GOOD)
    sid = next_submission(demo_db)
    done = charter(demo_db, "ingest", "hbbc-q2.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"hbbc-q2.csv: accepted 2 figures as submission {sid}\n"
    assert query(
        demo_db,
        "SELECT kpi_code, value, note, submission_id, approved FROM measurement "
        "WHERE partner_code = 'HBBC' AND period = '2025/26 Q2' AND kpi_code IN ('DS01', 'DS04') ORDER BY kpi_code",
    ) == [("DS01", 71.5, "Up after the new forms", sid, False), ("DS04", 1234.0, None, sid, False)]
    assert query(
        demo_db,
        "SELECT kpi_code, value, row_number, submission_status, superseded FROM measurement_history "
        "WHERE submission_id = $s ORDER BY kpi_code",
        {"s": sid},
    ) == [("DS01", 71.5, 2, "submitted", False), ("DS04", 1234.0, 3, "submitted", False)]
    assert query(demo_db, "SELECT file_name, sha256, status, row_count FROM submission WHERE id = $s", {"s": sid}) == [
        ("hbbc-q2.csv", hashlib.sha256(path.read_bytes()).hexdigest(), "submitted", 2)
    ]


def test_ingest_the_identical_file_twice_changes_nothing_the_second_time(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "hbbc-q2.csv", GOOD)
    sid = next_submission(demo_db)
    assert charter(demo_db, "ingest", "hbbc-q2.csv", cwd=tmp_path).returncode == 0
    before = table_contents(demo_db)
    again = charter(demo_db, "ingest", "hbbc-q2.csv", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (0, "")
    assert re.fullmatch(
        rf"hbbc-q2\.csv: this identical file was already loaded as submission {sid} on \d+ \w+ \d{{4}} at \d\d:\d\d; "
        r"nothing changed\n",
        again.stdout,
    ), again.stdout
    assert table_contents(demo_db) == before


def test_a_resubmitted_figure_supersedes_the_old_one_which_stays_in_history(demo_db: Path, tmp_path: Path) -> None:
    old_value, old_sid = query(
        demo_db,
        "SELECT value, submission_id FROM measurement WHERE partner_code = 'HBBC' AND kpi_code = 'DS01' "
        "AND period = '2025/26 Q2'",
    )[0]
    write(tmp_path, "fix.csv", HEADER + "HBBC,2025/26 Q2,DS01,66.6,Corrected: late entries\n")
    sid = next_submission(demo_db)
    done = charter(demo_db, "ingest", "fix.csv", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"fix.csv: accepted 1 figure as submission {sid}\n")
    where = "WHERE partner_code = 'HBBC' AND kpi_code = 'DS01' AND period = '2025/26 Q2'"
    assert query(demo_db, f"SELECT value, submission_id, approved FROM measurement {where}") == [(66.6, sid, False)]  # noqa: S608
    assert query(
        demo_db,
        f"SELECT value, submission_id, superseded FROM measurement_history {where} ORDER BY submission_id",  # noqa: S608
    ) == [(old_value, old_sid, True), (66.6, sid, False)]
    # Members see the approved figure until the new one is approved.
    published = (
        "SELECT actual FROM objective_progress WHERE objective_code = 'OBJ06' AND partner_code = 'HBBC' "
        "AND period = '2025/26 Q2'"
    )
    assert query(demo_db, published) == [(old_value,)]
    assert charter(demo_db, "approve", str(sid)).returncode == 0
    assert query(demo_db, published) == [(66.6,)]


def test_dry_run_checks_and_writes_nothing(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "hbbc-q2.csv", GOOD)
    before = table_contents(demo_db)
    done = charter(demo_db, "ingest", "--dry-run", "hbbc-q2.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "hbbc-q2.csv: 2 figures would be accepted (dry run: nothing loaded)\n"
    assert table_contents(demo_db) == before


def test_dry_run_reports_problems_like_a_real_run(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "bad.csv", HEADER + "XYZ,2025/26 Q2,DS01,1,\n")
    done = charter(demo_db, "ingest", "--dry-run", "bad.csv", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == "bad.csv:2:partner: 'XYZ' is not a partner; use one of HBBC, BDC, MBC, OWBC"


BAD_FILES = [
    (
        "partner.csv",
        HEADER + "HBBC,2025/26 Q2,DS01,70,\nXYZ,2025/26 Q2,DS01,70,\n",
        ["partner.csv:3:partner: 'XYZ' is not a partner; use one of HBBC, BDC, MBC, OWBC"],
    ),
    (
        "period.csv",
        HEADER + "HBBC,2025 Q2,DS01,70,\n",
        [
            "period.csv:2:period: '2025 Q2' is ambiguous: a single year does not say which financial year; "
            "write 2025/26 Q1 or 2024/25 Q1 (financial years run April to March)"
        ],
    ),
    (
        "future.csv",
        HEADER + "HBBC,2025/26 Q4,DS01,70,\n",
        ["future.csv:2:period: 2025/26 Q4 ends on 31 March 2026; send its figures after that"],
    ),
    (
        "running.csv",
        HEADER + "HBBC,2025/26 Q3,DS01,70,\n",
        ["running.csv:2:period: 2025/26 Q3 ends on 31 December 2025; send its figures after that"],
    ),
    (
        "value.csv",
        HEADER + "HBBC,2025/26 Q2,DS01,seventy,\nHBBC,2025/26 Q2,DS02,170,\nHBBC,2025/26 Q2,DS03,,\n",
        [
            "value.csv:2:value: 'seventy' is not a number; write the figure alone, e.g. 72.5, 72.5%, 1,234 or £1,234",
            "value.csv:3:value: 170% is outside the range for DS02 (Services available end to end online): "
            "it must be between 0% and 100%",
            "value.csv:4:value: the value is blank; give the figure, or say in the note column why there is none",
        ],
    ),
    (
        "columns.csv",
        "partner,period,value\nHBBC,2025/26 Q2,70\n",
        [
            "columns.csv:1:kpi: the header row has no 'kpi' column; it must name the columns partner, period, kpi "
            "and value (note is optional)"
        ],
    ),
    ("empty.csv", "", ["empty.csv:1:-: the file is empty; it needs a header row and at least one row of figures"]),
    ("header.csv", HEADER, ["header.csv:2:-: there are no figures under the header row"]),
    (
        "figures.pdf",
        b"%PDF-1.7",
        ["figures.pdf:1:-: a .pdf file cannot be read; save the figures as a CSV, XLSX or ODS file and send that"],
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_rejected_whole_with_every_problem_on_stderr(
    demo_db: Path, tmp_path: Path, name: str, content: str | bytes, expected: list[str]
) -> None:
    write(tmp_path, name, content)
    before = table_contents(demo_db)
    done = charter(demo_db, "ingest", name, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [*expected, rejected(len(expected))]
    assert "Traceback" not in done.stderr + done.stdout
    assert table_contents(demo_db) == before


def test_a_good_file_beside_a_bad_one_is_not_loaded_either(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "good.csv", GOOD)
    write(tmp_path, "bad.csv", HEADER + "BDC,2025/26 Q2,DS01,70%,\nBDC,2025/26 Q2,ds01,71%,\n")
    before = table_contents(demo_db)
    done = charter(demo_db, "ingest", "good.csv", "bad.csv", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "bad.csv:3:kpi: DS01 for BDC in 2025/26 Q2 is already given on row 2; keep one figure per partner, period "
        "and KPI",
        rejected(1),
    ]
    assert table_contents(demo_db) == before


def test_an_officer_limited_to_their_council(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "mixed.csv", HEADER + "HBBC,2025/26 Q2,DS01,70,\nBDC,2025/26 Q2,DS01,70,\n")
    done = charter(demo_db, "ingest", "--partner", "HBBC", "mixed.csv", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "mixed.csv:3:partner: you may only submit figures for HBBC, not BDC",
        rejected(1),
    ]


def test_a_missing_file_is_a_usage_error(demo_db: Path, tmp_path: Path) -> None:
    before = table_contents(demo_db)
    done = charter(demo_db, "ingest", "nowhere.csv", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "charter ingest: nowhere.csv: no such file\n")
    assert table_contents(demo_db) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["ingest"], "the following arguments are required: FILE"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["--as-of", "20/11/2025", "init"], "argument --as-of: invalid fromisoformat value: '20/11/2025'"),
        (["approve", "seven"], "argument id: invalid int value: 'seven'"),
        (["return", "3"], "the following arguments are required: --reason"),
        (["template", "--partner", "HBBC", "--period", "2025 Q1", "--out", "x.xlsx"], "'2025 Q1' is ambiguous"),
    ],
)
def test_bad_usage_exits_2_without_a_traceback(demo_db: Path, tmp_path: Path, args: list[str], says: str) -> None:
    done = charter(demo_db, *args, cwd=tmp_path)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr


def test_a_command_on_a_database_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    write(tmp_path, "good.csv", GOOD)
    db = tmp_path / "typo.duckdb"
    done = charter(db, "ingest", "good.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (
        1,
        f"charter ingest: there is no database at {db}; create it with `charter init`\n",
    )
    assert not db.exists()


def test_a_database_at_an_older_schema_is_refused_until_init(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with store.connect(db) as con:
        store.migrate(con, upto=1)
    write(tmp_path, "good.csv", GOOD)
    done = charter(db, "ingest", "good.csv", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        f"charter ingest: the database at {db} has schema version 1, not {store.LATEST_VERSION}; "
        "run `charter init` to bring it up to date (no data is lost)\n"
    )


# --- review ----------------------------------------------------------------------------------------


def _correction(db: Path) -> tuple[int, str, float, float]:
    """The demo's correction awaiting approval: its id, one KPI it corrects, the old and the new value."""
    [(sid,)] = query(db, "SELECT id FROM core.submission WHERE status = 'submitted'")
    kpi, new = query(
        db, "SELECT kpi_code, value FROM core.measurement WHERE submission_id = $s ORDER BY row_number", {"s": sid}
    )[0]
    [(old,)] = query(
        db,
        "SELECT value FROM measurement_history WHERE partner_code = 'BDC' AND kpi_code = $k AND period = '2025/26 Q2' "
        "AND submission_status = 'approved'",
        {"k": kpi},
    )
    return sid, kpi, old, new


def test_submissions_lists_them_newest_first(demo_db: Path) -> None:
    sid, *_ = _correction(demo_db)
    done = charter(demo_db, "submissions")
    assert (done.returncode, done.stderr) == (0, "")
    header, first, *rest = done.stdout.splitlines()
    assert header.split() == [
        "id", "status", "file_name", "partners", "periods", "row_count", "submitted_by", "submitted_at"
    ]  # fmt: skip
    assert first.split()[:5] == [str(sid), "submitted", "demo-BDC-2025-26-Q2-correction.csv", "BDC", "2025/26"]
    assert len(rest) == sid - 1
    waiting = charter(demo_db, "submissions", "--status", "submitted").stdout.splitlines()
    assert [line.split()[0] for line in waiting[1:]] == [str(sid)]


def test_approve_publishes_the_figures(demo_db: Path) -> None:
    sid, kpi, old, new = _correction(demo_db)
    published = (
        "SELECT p.actual FROM objective_progress p JOIN objective o ON o.code = p.objective_code "
        "WHERE o.kpi_code = $k AND p.partner_code = 'BDC' AND p.period = '2025/26 Q2'"
    )
    assert query(demo_db, published, {"k": kpi}) == [(old,)]
    done = charter(demo_db, "--by", "Performance lead", "approve", str(sid))
    assert (done.returncode, done.stdout, done.stderr) == (0, f"Submission {sid} approved.\n", "")
    assert query(demo_db, published, {"k": kpi}) == [(new,)]
    assert query(demo_db, "SELECT status, reviewed_by FROM core.submission WHERE id = $s", {"s": sid}) == [
        ("approved", "Performance lead")
    ]
    again = charter(demo_db, "approve", str(sid))
    assert (again.returncode, again.stderr) == (
        1,
        f"charter approve: submission {sid} is already approved; only a submitted one can be approved\n",
    )
    missing = charter(demo_db, "approve", "9999")
    assert (missing.returncode, missing.stderr) == (1, "charter approve: there is no submission 9999\n")


def test_return_sends_a_submission_back_with_a_reason(demo_db: Path) -> None:
    sid, kpi, old, _ = _correction(demo_db)
    blank = charter(demo_db, "return", str(sid), "--reason", "  ")
    assert (blank.returncode, blank.stderr) == (
        1,
        "charter return: say why the submission is returned, so the officer knows what to change\n",
    )
    done = charter(demo_db, "return", str(sid), "--reason", "The figures do not match the ledger")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"Submission {sid} returned.\n", "")
    assert query(demo_db, "SELECT status, review_comment FROM core.submission WHERE id = $s", {"s": sid}) == [
        ("returned", "The figures do not match the ledger")
    ]
    # The returned figure is no longer current: the approved one before it is.
    assert query(
        demo_db,
        "SELECT value, approved FROM measurement WHERE partner_code = 'BDC' AND kpi_code = $k "
        "AND period = '2025/26 Q2'",
        {"k": kpi},
    ) == [(old, True)]


# --- load-framework --------------------------------------------------------------------------------


def test_load_framework_again_is_already_up_to_date(demo_db: Path) -> None:
    before = table_contents(demo_db)
    done = charter(demo_db, "load-framework", str(FRAMEWORK))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        f"{FRAMEWORK}: loaded the framework of Leicestershire ICT Partnership.\n"
        "The framework is already up to date: nothing changed.\n"
    )
    assert without_loaded_at(table_contents(demo_db)) == without_loaded_at(before)


def test_load_framework_reports_a_bad_file_by_name_and_line(demo_db: Path, tmp_path: Path) -> None:
    text = FRAMEWORK.read_text(encoding="utf-8").replace(
        "    name: Blaby District Council", "    nmae: Blaby District Council"
    )
    line = text.splitlines().index("    nmae: Blaby District Council") + 1
    path = write(tmp_path, "framework.yaml", text)
    before = table_contents(demo_db)
    done = charter(demo_db, "load-framework", str(path))
    assert done.returncode == 1
    assert done.stderr == f"{path}:{line}: partners[2].nmae: `nmae` is not a known key here; did you mean `name`?\n"
    assert "Traceback" not in done.stderr
    assert table_contents(demo_db) == before
    missing = charter(demo_db, "load-framework", str(tmp_path / "nowhere.yaml"))
    assert (missing.returncode, missing.stderr) == (1, f"{tmp_path / 'nowhere.yaml'}: no such file\n")


# --- a busy database -------------------------------------------------------------------------------


def test_a_busy_database_is_said_to_be_busy_after_a_few_seconds(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "good.csv", GOOD)
    holder = duckdb.connect(str(demo_db))
    try:
        start = time.monotonic()
        done = charter(demo_db, "ingest", "good.csv", cwd=tmp_path, timeout=30)
        waited = time.monotonic() - start
    finally:
        holder.close()
    assert done.returncode == 1
    assert done.stderr == (
        f"charter ingest: the database at {demo_db} is busy: another program is using it. "
        "Try again in a minute; if it stays busy, check what else has it open.\n"
    )
    assert waited >= 4.5  # it waited the default five seconds before giving up (the timeout above bounds it)
    assert charter(demo_db, "ingest", "good.csv", cwd=tmp_path).returncode == 0  # free again


# --- read commands act as --as too ---------------------------------------------------------------------------

OFFICER = "officer@hinckley-bosworth.example"
VIEWER = "viewer@example.org"


def with_accounts(db: Path) -> None:
    """An HBBC officer, a viewer and a disabled board member (no passwords)."""
    from metrics import accounts

    admin = Actor.administrator("admin")
    with store.connect(db) as con:
        accounts.add_user(con, admin, email=OFFICER, role="officer", partners=("HBBC",), password=None)
        accounts.add_user(con, admin, email=VIEWER, role="viewer", partners=(), password=None)
        accounts.add_user(con, admin, email="gone@example.org", role="board", partners=(), password=None)
        accounts.set_disabled(con, admin, "gone@example.org")


READS = [
    (["--as", OFFICER, "template", "--partner", "BDC", "--period", "2025/26 Q2", "--out", "t.xlsx"],
     f"charter template: {OFFICER} may submit figures only for HBBC, not for BDC\n"),
    (["--as", VIEWER, "template", "--partner", "HBBC", "--period", "2025/26 Q2", "--out", "t.xlsx"],
     f"charter template: {VIEWER} (viewer) may not submit figures; that needs the role admin, officer\n"),
    (["--as", VIEWER, "submissions"],
     f"charter submissions: {VIEWER} (viewer) may not see figures awaiting approval; that needs the role admin, "
     "board, officer\n"),
    (["--as", OFFICER, "boardpack", "--period", "2025/26 Q2", "--out", "pack.pdf"],
     f"charter boardpack: {OFFICER} (officer) may not record a board review, decision or action; that needs the "
     "role admin, board\n"),
    (["--as", OFFICER, "ingest", "--dry-run", "bdc.csv"],
     f"charter ingest: {OFFICER} may submit figures only for HBBC, not for BDC\n"),
    (["--as", VIEWER, "user", "list"],
     f"charter user: {VIEWER} (viewer) may not manage users; that needs the role admin\n"),
    (["--as", "nobody@example.org", "submissions"],
     "charter submissions: there is no active account for nobody@example.org\n"),
    (["--as", "gone@example.org", "boardpack", "--period", "2025/26 Q2", "--out", "pack.pdf"],
     "charter boardpack: there is no active account for gone@example.org\n"),
    (["--as", "nobody@example.org", "template", "--partner", "HBBC", "--period", "2025/26 Q2", "--out", "t.xlsx"],
     "charter template: there is no active account for nobody@example.org\n"),
    (["--as", "nobody@example.org", "ingest", "--dry-run", "hbbc.csv"],
     "charter ingest: there is no active account for nobody@example.org\n"),
    (["--as", OFFICER, "tickets", "--dry-run", "incident.csv"],
     f"charter tickets: {OFFICER} may submit figures only for HBBC, not for BDC\n"),
    (["--as", "nobody@example.org", "tickets", "--dry-run", "incident.csv"],
     "charter tickets: there is no active account for nobody@example.org\n"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "says"), READS, ids=[" ".join(a[1:3]) for a, _ in READS])
def test_a_read_command_is_refused_to_an_account_that_may_not_read_it(
    demo_db: Path, tmp_path: Path, args: list[str], says: str
) -> None:
    with_accounts(demo_db)
    work = tmp_path / "work"
    work.mkdir()
    write(work, "bdc.csv", HEADER + "BDC,2025/26 Q2,DS01,70,\n")
    write(work, "hbbc.csv", HEADER + "HBBC,2025/26 Q2,DS01,70,\n")
    write(work, "incident.csv", SERVICENOW)  # Blaby's tickets
    before = table_contents(demo_db)
    done = charter(demo_db, *args, cwd=work)
    assert (done.returncode, done.stdout, done.stderr) == (1, "", says)
    assert sorted(p.name for p in work.iterdir()) == ["bdc.csv", "hbbc.csv", "incident.csv"]  # nothing written
    assert table_contents(demo_db) == before


def test_a_read_command_is_given_to_an_account_that_may_read_it(demo_db: Path, tmp_path: Path) -> None:
    with_accounts(demo_db)
    write(tmp_path, "hbbc.csv", HEADER + "HBBC,2025/26 Q2,DS01,70,\n")
    done = charter(demo_db, "--as", OFFICER, "template", "--partner", "HBBC", "--period", "2025/26 Q2", "--out",
                   "t.xlsx", cwd=tmp_path)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "Wrote t.xlsx: the 2025/26 Q2 template for Hinckley & Bosworth Borough Council (HBBC).\n"
    done = charter(demo_db, "--as", OFFICER, "ingest", "--dry-run", "hbbc.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "hbbc.csv: 1 figures would be accepted (dry run: nothing loaded)\n"
    done = charter(demo_db, "--as", OFFICER, "submissions", "--status", "submitted")
    assert (done.returncode, done.stderr) == (0, "")
    assert "demo-BDC-2025-26-Q2-correction.csv" in done.stdout
