"""The records-in write API (issue 14): figures from any source go through `submissions.submit`.

A source that is not a file gives typed records; they are checked by a file's rules, named FILE:ROW:COLUMN by
their origin, and stored as one submission inside the caller's transaction, or not at all. The service desk
and note-edit paths use it and write or parse no CSV text; no dashboard page opens the store itself.
"""

from __future__ import annotations

import ast
import inspect
import math
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from metrics import queries, store, submissions
from metrics.access import AccessDenied, Actor, Role
from metrics.config import ROOT
from metrics.figures import Record
from metrics.submissions import Origin, SubmissionRefused
from tests.conftest import AS_OF, table_contents

ADMIN = Actor.administrator("finance lead")
OFFICER = Actor("officer@hinckley-bosworth.example", Role.OFFICER, frozenset({"HBBC"}))
FINANCE = Origin("finance import 3", "finance")
GOOD = [
    Record("HBBC", "2025/26 Q2", "DS01", 71.5, "From the ledger", row=1),
    Record("BDC", "2025/26 Q2", "DS04", 1234, row=2),
]


@contextmanager
def opened(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one step, closed after it, so that table_contents can read the file between steps."""
    with store.connect(db, as_of=AS_OF) as con:
        yield con


def test_records_from_a_source_that_is_not_a_file_are_stored_as_one_submission(demo_db: Path) -> None:
    with opened(demo_db) as con, store.transaction(con):
        stored = submissions.submit(con, GOOD, FINANCE, by=ADMIN, today=AS_OF)
    assert stored.message() == f"finance import 3: accepted 2 figures as submission {stored.submission_id}"
    with opened(demo_db) as con:
        row = con.execute(
            "SELECT file_name, source, status, row_count, partners, periods, content IS NULL, sha256 "
            "FROM core.submission WHERE id = $s",
            {"s": stored.submission_id},
        ).fetchall()[0]
        assert row[:7] == ("finance import 3", "finance", "submitted", 2, ["BDC", "HBBC"], ["2025/26 Q2"], True)
        assert re.fullmatch("[0-9a-f]{64}", row[7])  # a fingerprint of the figures themselves
        assert con.execute(
            "SELECT row_number, partner_code, kpi_code, period, value, note FROM core.measurement "
            "WHERE submission_id = $s ORDER BY row_number",
            {"s": stored.submission_id},
        ).fetchall() == [(1, "HBBC", "DS01", "2025/26 Q2", 71.5, "From the ledger"),
                         (2, "BDC", "DS04", "2025/26 Q2", 1234.0, None)]  # fmt: skip
        assert queries.submission_file(con, stored.submission_id) is None  # no file was sent: none to download
        assert con.execute(
            "SELECT action FROM core.audit WHERE entity = 'submission' AND entity_key = $s",
            {"s": str(stored.submission_id)},
        ).fetchall() == [("submit (finance)",)]


def test_a_later_error_in_the_callers_transaction_leaves_nothing_written(demo_db: Path) -> None:
    before = table_contents(demo_db)
    with (
        opened(demo_db) as con,
        pytest.raises(ValueError, match="the source's own step failed"),
        store.transaction(con),
    ):
        submissions.submit(con, GOOD, FINANCE, by=ADMIN, today=AS_OF)
        raise ValueError("the source's own step failed")
    assert table_contents(demo_db) == before


BAD = [
    (Record("HBC", "2025/26 Q2", "DS01", 70.0, row=4),
     "partner: 'HBC' is not a partner; use one of HBBC, BDC, MBC, OWBC"),
    (Record("HBBC", "2025/26 Q2", "DS99", 70.0, row=4),
     "kpi: 'DS99' is not a KPI code; use one of DS01, DS02, DS03, DS04, DS05, DS06, DS07, DS08, DS09, DS10, ..."),
    (Record("HBBC", "2025/26 Q2", "DS01", 140.0, row=4),
     "value: 140% is outside the range for DS01 (Transactions completed online): it must be between 0% and 100%"),
    (Record("HBBC", "2025/26 Q3", "DS01", 70.0, row=4),
     "period: 2025/26 Q3 ends on 31 December 2025; send its figures after that"),
    (Record("HBBC", "2024/25", "DS01", 70.0, row=4),
     "period: DS01 is reported quarterly; write the period as a quarter such as 2024/25 Q1"),
    (Record("HBBC", "2025/26 Q2", "DS01", None, row=4),
     "value: the value is blank; give the figure, or say in the note column why there is none"),
    (Record("HBBC", "2025/26 Q2", "DS01", math.nan, row=4),
     "value: 'nan' is not a number; give the figure as a number, e.g. 72.5"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("record", "expected"), BAD, ids=[b[1].split(":")[0] + "-" + str(i) for i, b in enumerate(BAD)]
)
def test_a_bad_record_is_refused_naming_its_origin_row_and_column(demo_db: Path, record: Record, expected: str) -> None:
    before = table_contents(demo_db)
    with opened(demo_db) as con, pytest.raises(SubmissionRefused) as refused, store.transaction(con):
        submissions.submit(con, [GOOD[1], record], FINANCE, by=ADMIN, today=AS_OF)
    assert str(refused.value) == f"finance import 3:4:{expected}"
    assert table_contents(demo_db) == before


def test_every_problem_is_named_at_once_with_exact_messages(demo_db: Path) -> None:
    records = [
        Record("HBBC", "2025/26 Q2", "DS01", 71.5, row=7),
        Record("hbbc", "2025/26 Q2", "ds01", 72.0, row=9),  # the same figure again, written differently
        Record("BDC", "2025/26 Q5", "DS04", -1.0, row=8),
    ]
    with opened(demo_db) as con, pytest.raises(SubmissionRefused) as refused, store.transaction(con):
        submissions.submit(con, records, Origin("benchmarks 2025", "benchmarks"), by=ADMIN, today=AS_OF)
    assert str(refused.value).splitlines() == [
        "benchmarks 2025:8:period: '2025/26 Q5' names quarter 5; quarters run Q1 to Q4, e.g. 2025/26 Q1",
        "benchmarks 2025:8:value: -1 is outside the range for DS04 (Customer portal accounts): it must be at least 0",
        "benchmarks 2025:9:kpi: DS01 for HBBC in 2025/26 Q2 is already given on row 7; keep one figure per "
        "partner, period and KPI",
    ]


def test_an_officer_submits_records_only_for_their_own_council(demo_db: Path) -> None:
    before = table_contents(demo_db)
    with opened(demo_db) as con, pytest.raises(AccessDenied) as denied, store.transaction(con):
        submissions.submit(con, GOOD, FINANCE, by=OFFICER, today=AS_OF)
    assert str(denied.value) == f"{OFFICER.email} may submit figures only for HBBC, not for BDC"
    assert table_contents(demo_db) == before


def test_someone_who_may_not_submit_is_refused_before_the_records_are_checked(demo_db: Path) -> None:
    viewer = Actor("member@melton.example", Role.VIEWER)
    before = table_contents(demo_db)
    with opened(demo_db) as con, pytest.raises(AccessDenied) as denied, store.transaction(con):
        submissions.submit(con, [*GOOD, BAD[0][0]], FINANCE, by=viewer, today=AS_OF)
    assert (
        str(denied.value) == "member@melton.example (viewer) may not submit figures; that needs the role admin, officer"
    )
    assert table_contents(demo_db) == before


def test_submit_outside_a_transaction_is_a_mistake_in_the_program(demo_db: Path) -> None:
    with opened(demo_db) as con, pytest.raises(RuntimeError, match=r"call it inside store\.transaction"):
        submissions.submit(con, GOOD, FINANCE, by=ADMIN, today=AS_OF)


def test_a_note_edit_is_a_submission_of_one_figure_with_no_file(demo_db: Path) -> None:
    with opened(demo_db) as con:
        held = con.execute(
            "SELECT value, submission_id FROM core.current_figures(false) WHERE partner_code = 'HBBC' "
            "AND kpi_code = 'DS01' AND period = '2025/26 Q2'"
        ).fetchall()[0]
        stored = submissions.edit_note(
            con, partner="HBBC", kpi="DS01", period="2025/26 Q2", note="Checked against the ledger", by=ADMIN,
            today=AS_OF,
        )  # fmt: skip
        assert con.execute(
            "SELECT file_name, source, row_count, content IS NULL FROM core.submission WHERE id = $s",
            {"s": stored.submission_id},
        ).fetchall() == [(f"note edit of submission {held[1]}", "note edit", 1, True)]
        assert con.execute(
            "SELECT value, note FROM core.measurement WHERE submission_id = $s", {"s": stored.submission_id}
        ).fetchall() == [(held[0], "Checked against the ledger")]


def test_the_history_of_a_submission_with_no_file_says_so_and_offers_no_download(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with opened(demo_db) as con:
        stored = submissions.edit_note(
            con, partner="HBBC", kpi="DS01", period="2025/26 Q2", note="Checked against the ledger", by=ADMIN,
            today=AS_OF,
        )  # fmt: skip
        name = con.execute("SELECT file_name FROM core.submission WHERE id = $s", {"s": stored.submission_id})
        [(file_name,)] = name.fetchall()
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    app.session_state["actor"] = ADMIN
    app.run()
    app.switch_page("app_pages/history.py").run()  # the newest submission is chosen first
    assert not app.exception, [e.value for e in app.exception]
    said = f"No original file is kept for this submission ({file_name}); its figures are listed above."
    assert said in [c.value for c in app.main.caption]
    assert not app.get("download_button")


# --- the sources write and parse no CSV text; pages do not open the store --------------------------------------


def _names(tree: ast.AST) -> set[str]:
    """Every module imported and every name or attribute used in `tree`."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            found |= {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
    return found


@pytest.mark.parametrize(
    ("where", "tree"),
    [
        ("metrics/tickets.py", lambda: ast.parse((ROOT / "metrics" / "tickets.py").read_text())),
        ("submissions.edit_note", lambda: ast.parse(textwrap.dedent(inspect.getsource(submissions.edit_note)))),
        ("metrics/submissions.py imports", lambda: ast.parse((ROOT / "metrics" / "submissions.py").read_text())),
    ],
)
def test_the_ticket_and_note_edit_paths_write_and_parse_no_csv(where: str, tree: object) -> None:
    names = _names(tree())  # type: ignore[operator]
    if where.endswith("imports"):  # the module as a whole may re-export check_file for file uploads
        names &= {"csv", "io"}
    assert not names & {"csv", "io", "StringIO", "check_file", "check_sheet", "read_sheet", "_insert"}, where


def test_no_dashboard_module_but_resources_imports_the_store() -> None:
    offenders = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        if path.name == "resources.py":  # the one door to the database: it opens, migrates and caches
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            imported = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [f"{node.module}.{a.name}" for a in node.names]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.relative_to(ROOT)}: {name}" for name in imported if name.startswith("metrics.store")]
    assert offenders == []
