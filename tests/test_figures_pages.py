"""The officers' pages through AppTest: upload (every problem as a table, the preview, submit, cancel),
approvals, and submission history. Nothing refused may change the database."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from metrics import ingest
from metrics.access import Actor, Role
from metrics.config import ROOT
from tests.conftest import AS_OF, table_contents
from tests.test_ingest import ALL_KPIS, HEADER, NEED_COLUMNS, NOT_A_NUMBER

APP = str(ROOT / "dashboard" / "app.py")
LEAD = Actor("lead@example.org", Role.ADMIN)  # the performance lead, who approves
OFFICER = Actor("jo@hbbc.gov.uk", Role.OFFICER, frozenset({"HBBC"}))  # an officer for Hinckley & Bosworth


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = LEAD  # signed in (tests about an officer sign in as OFFICER instead)
    return at


def _as_officer(app: AppTest) -> AppTest:
    app.session_state["actor"] = OFFICER
    return app


def _open(app: AppTest, page: str) -> AppTest:
    app.run()
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _upload(app: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    app.file_uploader[0].set_value((name, data, mime)).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- upload: every error case of docs/file-contract.md as a row / column / problem table -------------

OTHER_COUNCIL = "you may only submit figures for HBBC, not BDC"  # HBBC is the council chosen on the page
NOT_A_PARTNER = "'XYZ' is not a partner; use one of HBBC, BDC, MBC, OWBC"
FUTURE = "2025/26 Q4 ends on 31 March 2026; send its figures after that"
RANGE = "101% is outside the range for DS02 (Services available end to end online): it must be between 0% and 100%"
TWICE = "DS01 for HBBC in 2025/26 Q1 is already given on row 2; keep one figure per partner, period and KPI"
STRAY = (
    "'234' is under no column of the header row; put a figure or note that contains a comma in double quotes, "
    'e.g. "1,234"'
)
REFUSED = [
    ("unknown partner", HEADER + "XYZ,2025/26 Q1,DS01,72.5,\n", [(2, "partner", NOT_A_PARTNER)]),
    ("other council", HEADER + "BDC,2025/26 Q1,DS01,72.5,\n", [(2, "partner", OTHER_COUNCIL)]),
    (
        "unknown KPI",
        HEADER + "HBBC,2025/26 Q1,XX99,72.5,\n",
        [(2, "kpi", f"'XX99' is not a KPI code; use one of {ALL_KPIS}")],
    ),
    (
        "bad period",
        HEADER + "HBBC,2025/26 Q5,DS01,72.5,\n",
        [(2, "period", "'2025/26 Q5' names quarter 5; quarters run Q1 to Q4, e.g. 2025/26 Q1")],
    ),
    ("future period", HEADER + "HBBC,2025/26 Q4,DS01,72.5,\n", [(2, "period", FUTURE)]),
    (
        "yearly KPI given a quarter",
        HEADER + "HBBC,2024/25 Q4,FIN02,1000,\n",
        [(2, "period", "FIN02 is reported yearly; write the period as a whole year such as 2024/25")],
    ),
    ("text value", HEADER + "HBBC,2025/26 Q1,DS01,about 70,\n", [(2, "value", f"'about 70' {NOT_A_NUMBER}")]),
    ("out of range", HEADER + "HBBC,2025/26 Q1,DS02,101,\n", [(2, "value", RANGE)]),
    (
        "blank value without a note",
        HEADER + "HBBC,2025/26 Q1,DS01,,\n",
        [(2, "value", "the value is blank; give the figure, or say in the note column why there is none")],
    ),
    ("duplicate figure", HEADER + "HBBC,2025/26 Q1,DS01,72.5,\nhbbc,Q1 2025/26,ds01,73,\n", [(3, "kpi", TWICE)]),
    ("unquoted comma", "partner,period,kpi,value\nHBBC,2025/26 Q1,DS04,1,234\n", [(2, "column 5", STRAY)]),
    (
        "missing column",
        "partner,period,value,note\nHBBC,2025/26 Q1,72.5,\n",
        [(1, "kpi", f"the header row has no 'kpi' column; {NEED_COLUMNS}")],
    ),
    ("empty file", "", [(1, "–", "the file is empty; it needs a header row and at least one row of figures")]),
    ("no figures", HEADER, [(2, "–", "there are no figures under the header row")]),
]


def _table(app: AppTest) -> list[tuple[object, ...]]:
    [table] = app.dataframe
    assert list(table.value.columns) == ["Row", "Column", "Problem"]
    return [tuple(r) for r in table.value.itertuples(index=False)]


def _capital(message: str) -> str:
    return message[:1].upper() + message[1:]


@pytest.mark.parametrize(("case", "text", "expected"), REFUSED, ids=[c for c, _, _ in REFUSED])
def test_every_problem_shows_as_a_table_and_nothing_is_written(
    app: AppTest, demo_db: Path, case: str, text: str, expected: list[tuple[int, str, str]]
) -> None:
    before = table_contents(demo_db)
    _open(app, "upload")
    _upload(app, "figures.csv", text.encode())
    assert _table(app) == [(row, column, _capital(message)) for row, column, message in expected]
    problems = "problem needs" if len(expected) == 1 else "problems need"
    assert app.error[0].value.startswith(f"**figures.csv was not loaded**: {len(expected)} {problems} fixing.")
    assert "Nothing has been loaded." in app.error[0].value
    assert not [b for b in app.button if b.label == "Submit these figures"]
    assert table_contents(demo_db) == before


def test_a_file_for_another_council_says_to_choose_it(app: AppTest) -> None:
    _open(app, "upload")
    _upload(app, "figures.csv", (HEADER + "BDC,2025/26 Q1,DS01,72.5,\n").encode())
    assert app.error[0].value.endswith("If the file is for another council, choose that council above.")
    app.selectbox[0].select("BDC").run()  # the council box: the same file is now clean
    assert not app.exception
    assert not app.dataframe[0].value.empty and "passed every check" in app.success[0].value


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "report.pdf",
            b"%PDF-1.4 figures",
            "A .pdf file cannot be read; save the figures as a CSV, XLSX or ODS file and send that",
        ),
        (
            "figures.csv",
            b"partner\x00period\x00",
            "The file is not a text CSV file; save it from your spreadsheet as CSV, XLSX or ODS",
        ),
        (
            "figures.xls",
            b"\xd0\xcf\x11\xe0",
            "A .xls file (Excel 97-2003) cannot be checked reliably; open it in Excel or LibreOffice, save it as "
            "XLSX and send that",
        ),
    ],
    ids=["pdf", "binary named csv", "old xls"],
)
def test_a_file_of_the_wrong_type_shows_what_to_do(
    app: AppTest, demo_db: Path, name: str, data: bytes, expected: str
) -> None:
    before = table_contents(demo_db)
    _open(app, "upload")
    _upload(app, name, data, "application/octet-stream")
    assert _table(app) == [(1, "–", expected)]
    assert table_contents(demo_db) == before


def test_a_formula_without_a_saved_result_shows_where_and_what_to_do(app: AppTest, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["partner", "period", "kpi", "value"])
    book.active.append(["HBBC", "2025/26 Q1", "DS01", "=70+2.5"])  # openpyxl saves no result for a formula
    book.save(tmp_path / "formula.xlsx")
    _open(app, "upload")
    _upload(app, "formula.xlsx", (tmp_path / "formula.xlsx").read_bytes(), "application/octet-stream")
    assert _table(app) == [(2, "value", _capital(ingest.UNSAVED_FORMULA))]


def test_a_file_over_the_size_limit_shows_as_a_table_row(
    app: AppTest, demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARTER_MAX_UPLOAD_MB", "1")
    before = table_contents(demo_db)
    _open(app, "upload")
    _upload(app, "figures.csv", (HEADER + "HBBC,2025/26 Q1,DS01,72.5,\n").ljust(1_572_864, "\n").encode())
    assert _table(app) == [(1, "–", "The file is 1.5 MB, over the 1 MB limit; split it into smaller files")]
    assert table_contents(demo_db) == before


def test_a_spreadsheet_with_two_sheets_says_which_was_read(app: AppTest, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["Quarterly figures"])
    figures = book.create_sheet("Figures")
    figures.append(["partner", "period", "kpi", "value"])
    figures.append(["HBBC", "2025/26 Q1", "DS01", 72.5])
    figures.row_dimensions[2].hidden = True
    book.save(tmp_path / "two.xlsx")
    _open(app, "upload")
    _upload(app, "two.xlsx", (tmp_path / "two.xlsx").read_bytes(), "application/octet-stream")
    assert [i.value for i in app.info] == [
        "two.xlsx has 2 sheets; read the sheet named 'Figures'.",
        "two.xlsx: row 2 is hidden in the spreadsheet; it was read like the others.",
    ]
    assert "passed every check: 1 figures" in app.success[0].value


# --- upload: a clean file, its preview, submit and cancel ------------------------------------------

CLEAN = (
    HEADER
    + "HBBC,2025/26 Q2,DS01,70,\n"  # held now: 62.4
    + "HBBC,2025/26 Q2,DS02,65.4,\n"  # held now: 65.4, no note
    + "HBBC,2025/26 Q2,DS05,71.5,First figure for the quarter\n"  # nothing held yet
).encode()


def test_a_clean_file_shows_the_preview_beside_the_figures_held_now(app: AppTest) -> None:
    _open(_as_officer(app), "upload")
    _upload(app, "figures.csv", CLEAN)
    assert app.success[0].value == "**figures.csv** passed every check: 3 figures."
    preview = app.dataframe[0].value
    rows = preview[["kpi_code", "period", "value", "current_value", "change"]].astype(object)
    assert [tuple(None if v != v else v for v in r) for r in rows.itertuples(index=False)] == [
        ("DS01", "2025/26 Q2", 70.0, 62.4, "▲ changed"),
        ("DS02", "2025/26 Q2", 65.4, 65.4, "unchanged"),
        ("DS05", "2025/26 Q2", 71.5, None, "▲ new"),
    ]
    assert "2 of 3 figures are new or different from those held now (marked ▲)." in [m.value for m in app.markdown]
    submit = next(b for b in app.button if b.label == "Submit these figures")
    assert not submit.disabled  # the signed-in person is recorded with the submission
    assert f"Submitted as {OFFICER.email}." in [c.value for c in app.main.caption]


def test_submitting_with_a_name_stores_a_submission(app: AppTest, demo_db: Path) -> None:
    _open(_as_officer(app), "upload")
    _upload(app, "figures.csv", CLEAN)
    next(b for b in app.button if b.label == "Submit these figures").click().run()
    assert not app.exception
    [(sid, name, by, status, rows)] = _query(
        demo_db, "SELECT id, file_name, submitted_by, status, row_count FROM submission ORDER BY id DESC LIMIT 1"
    )
    assert (name, by, status, rows) == ("figures.csv", OFFICER.email, "submitted", 3)
    assert app.success[0].value == (
        f"figures.csv: accepted 3 figures as submission {sid}. The performance lead will now review it."
    )
    assert app.file_uploader[0].value is None  # ready for the next file
    assert _query(
        demo_db,
        f"SELECT kpi_code, period, value FROM core.measurement WHERE submission_id = {sid} ORDER BY row_number",  # noqa: S608
    ) == [("DS01", "2025/26 Q2", 70.0), ("DS02", "2025/26 Q2", 65.4), ("DS05", "2025/26 Q2", 71.5)]


def test_the_same_file_again_is_not_submitted_twice(app: AppTest, demo_db: Path) -> None:
    _open(_as_officer(app), "upload")
    _upload(app, "figures.csv", CLEAN)
    next(b for b in app.button if b.label == "Submit these figures").click().run()
    before = table_contents(demo_db)
    _upload(app, "again.csv", CLEAN)
    assert "is the very same file as submission" in app.info[-1].value
    assert not [b for b in app.button if b.label == "Submit these figures"]
    assert table_contents(demo_db) == before


def test_cancel_stores_nothing(app: AppTest, demo_db: Path) -> None:
    before = table_contents(demo_db)
    _open(_as_officer(app), "upload")
    _upload(app, "figures.csv", CLEAN)
    next(b for b in app.button if b.label.startswith("Cancel")).click().run()
    assert not app.exception
    assert app.info[-1].value == "figures.csv was not sent; nothing has been loaded."
    assert app.file_uploader[0].value is None
    assert table_contents(demo_db) == before


# --- approvals -------------------------------------------------------------------------------------


def _waiting(db: Path) -> int:
    """The demo's one submission waiting for approval."""
    [(sid,)] = _query(db, "SELECT id FROM submission WHERE status = 'submitted'")
    return int(sid)  # type: ignore[call-overload]


def test_approving_a_waiting_submission_publishes_it(app: AppTest, demo_db: Path) -> None:
    sid = _waiting(demo_db)
    _open(app, "approvals")
    assert "1 submission is waiting." in [m.value for m in app.markdown]
    app.button(key=f"approve-{sid}").click().run()
    assert not app.exception
    assert app.success[0].value == f"Submission {sid} approved: its figures are now published."
    assert _query(demo_db, f"SELECT status FROM submission WHERE id = {sid}") == [("approved",)]  # noqa: S608
    assert _query(demo_db, f"SELECT reviewed_by FROM core.submission WHERE id = {sid}") == [(LEAD.email,)]  # noqa: S608
    assert "Nothing is waiting for approval." in [m.value for m in app.markdown]


def test_returning_without_a_comment_is_refused_and_changes_nothing(app: AppTest, demo_db: Path) -> None:
    sid = _waiting(demo_db)
    before = table_contents(demo_db)
    _open(app, "approvals")
    app.button(key=f"return-{sid}").click().run()
    assert not app.exception
    assert app.error[0].value == "Say why the submission is returned, so the officer knows what to change"
    assert table_contents(demo_db) == before


def test_returning_with_a_comment_sends_it_back(app: AppTest, demo_db: Path) -> None:
    sid = _waiting(demo_db)
    _open(app, "approvals")
    app.text_input(key=f"comment-{sid}").input("DS05 looks too high; please check").run()
    app.button(key=f"return-{sid}").click().run()
    assert not app.exception
    assert app.success[0].value == f"Submission {sid} returned to the officer."
    assert _query(demo_db, f"SELECT status, review_comment FROM core.submission WHERE id = {sid}") == [  # noqa: S608
        ("returned", "DS05 looks too high; please check")
    ]


# --- history ---------------------------------------------------------------------------------------


def test_history_lists_submissions_and_shows_what_one_changed(app: AppTest, demo_db: Path) -> None:
    [(count,)] = _query(demo_db, "SELECT count(*) FROM submission")
    _open(app, "history")
    listing = app.dataframe[0].value
    assert len(listing) == count and listing["id"].iloc[0] == count  # newest first
    sid = _waiting(demo_db)
    app.selectbox(key="submission").select(sid).run()
    assert not app.exception
    assert app.query_params["submission"] == str(sid)
    changes = app.dataframe[1].value
    assert len(changes) == 2 and set(changes["change"]) <= {"new", "changed", "unchanged"}
    [download] = app.get("download_button")
    assert "demo-BDC-2025-26-Q2-correction.csv" in download.proto.label


def test_history_follows_the_partner_even_for_a_submission_chosen_before(app: AppTest, demo_db: Path) -> None:
    sid = _waiting(demo_db)  # a BDC correction
    _open(app, "history")
    app.selectbox(key="submission").select(sid).run()
    app.sidebar.selectbox[1].select("MBC").run()
    assert not app.exception, [e.value for e in app.exception]
    assert set(app.dataframe[0].value["partners"]) == {"MBC"}
    assert app.selectbox(key="submission").value != sid
