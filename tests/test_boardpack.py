"""`charter boardpack`: the board pack as a PDF whose text can be searched, and its tables as XLSX and CSV."""

from __future__ import annotations

import csv
import re
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from metrics import board, boardpack, queries, store
from metrics.access import Actor
from metrics.board import ActionInput
from metrics.periods import parse_period
from tests.conftest import AS_OF, charter

Q2 = parse_period("2025/26 Q2")


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext reads it, with runs of whitespace (line ends too) made single spaces."""
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))  # type: ignore[union-attr]


def _review(db: Path, objective: str, comment: str, owner: str = "Head of ICT", description: str = "Report") -> None:
    with store.connect(db, as_of=AS_OF) as con:
        meeting = board.record_meeting(
            con,
            held_on="18/11/2025",
            period=Q2,
            attendees="Chair, Members",
            by=Actor.administrator("Clerk"),
            today=AS_OF,
        )
        board.record_review(
            con, meeting_id=meeting, objective=objective, assessment="On track", decision="action agreed",
            comment=comment, by=Actor.administrator("Clerk"), action=ActionInput(description, owner, date(2026, 2, 27)),
        )  # fmt: skip


def test_the_pack_names_every_commitment_and_every_objective_off_track(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    done = charter(demo_db, "boardpack", "--period", "2025/26 Q2", "--out", str(out))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("Wrote the 2025/26 Q2 board pack: 18 objectives under review, 0 open actions.\n")
    text = pdf_text(out)
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        commitments = con.execute("SELECT title FROM commitment").fetchall()
        progress = queries.progress_for_period(con, Q2)
        completeness = queries.completeness(con, Q2, AS_OF, 30)
    off_track = progress.loc[progress["status"] == "Off track", "objective_title"].unique()
    assert len(commitments) == 5 and len(off_track) >= 5
    for (title,) in commitments:
        assert title in text
    for title in off_track:
        assert title in text
    # the same figures as the pages: the data status comes from the Data collection page's query
    assert f"Of the {completeness['expected'].sum()} figures due for 2025/26 Q2 (by 30 October 2025), " in text
    assert f"{completeness['received'].sum()} have been received" in text
    total = pages(out)
    assert total > 10 and "Page 1 of" in text and f"Page {total} of {total}" in text
    assert "Illustrative demonstration data" in text


def test_a_review_recorded_appears_in_the_next_pack(demo_db: Path, tmp_path: Path) -> None:
    # OBJ03 is not on the exception list: a review of it still brings it into the pack, with its own page.
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        assert "OBJ03" not in boardpack.gather(con, Q2, AS_OF).under_review
    _review(demo_db, "OBJ03", "Devices replaced; the board thanks the infrastructure team.")
    out = tmp_path / "pack.pdf"
    done = charter(demo_db, "boardpack", "--period", "2025/26 Q2", "--out", str(out))
    assert done.returncode == 0 and "19 objectives under review, 1 open action." in done.stdout
    text = pdf_text(out)
    assert (
        "18 November 2025 (2025/26 Q2 review): assessed On track; decision: action agreed. Devices replaced; "
        "the board thanks the infrastructure team. Action: Report (Head of ICT, due 27 Feb 2026). Recorded by Clerk."
    ) in text
    assert "Reviewed at the board meeting of 18 November 2025. Present: Chair, Members." in text
    assert "OBJ03 Replace or upgrade every device on an unsupported operating system by March 2025" in text
    assert "1 open action, 0 of them overdue on 20 November 2025." in text
    assert "Report: Head of ICT, due 27 February 2026 (open)." in text


def test_a_revision_shows_in_the_pack_beside_the_target_it_replaced(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    board.revise_target(
        con, objective="OBJ07", by=Actor.administrator("Strategy board"),
        revision=board.RevisionInput(70, parse_period("2025/26 Q3"), "Card payments moved to the new portal"),
    )  # fmt: skip
    pack = boardpack.gather(con, Q2, AS_OF)
    out = tmp_path / "pack.pdf"
    out.write_bytes(boardpack.pdf_bytes(pack))
    text = pdf_text(out)
    assert "Target revisions (the original targets are kept)" in text
    assert re.search(r"BDC: from 2025/26 Q3, 70\.0% by 2025/26 Q4 \(was [\d.]+%\)\. Reason: Card payments", text)


def test_the_tables_come_as_xlsx_and_csv_with_formulas_neutralised(demo_db: Path, tmp_path: Path) -> None:
    _review(demo_db, "OBJ07", '=HYPERLINK("http://example.invalid","click")', owner="@owner", description="+44 call")
    xlsx, folder = tmp_path / "pack.xlsx", tmp_path / "csv"
    done = charter(
        demo_db, "boardpack", "--period", "2025/26 Q2", "--out", str(tmp_path / "p.pdf"), "--xlsx", str(xlsx),
        "--csv", str(folder),
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == [
        "summary", "exceptions", "reviews", "target revisions", "open actions", "completeness",
        "figures still owed", "meetings", "charges against budgets", "one-off costs", "risks", "notices due",
        "contracts ending",
    ]  # fmt: skip
    reviews = book["reviews"]
    header = [c.value for c in reviews[1]]
    cell = reviews.cell(row=2, column=header.index("comment") + 1)
    assert cell.value == '\'=HYPERLINK("http://example.invalid","click")' and cell.data_type == "s"
    actions = book["open actions"]
    header = [c.value for c in actions[1]]
    assert actions.cell(row=2, column=header.index("owner") + 1).value == "'@owner"
    assert actions.cell(row=2, column=header.index("description") + 1).value == "'+44 call"
    for sheet in book.worksheets:  # no cell anywhere is a formula; each table says whose it is (docs/hosting.md)
        assert next(c.value for c in sheet[1]) == "partnership_code", sheet.title
        assert {c.value for c in sheet["A"][1:]} <= {"LICTP"}, sheet.title
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        headers = {c.value for c in sheet[1]}  # nor a column kept only for sorting
        assert not headers & {"partner_order", "kpi_order", "period_index", "effective_from_index"}, sheet.title
    names = sorted(p.name for p in folder.iterdir())
    assert names[0] == "board-pack-2025-26-Q2-charges-against-budgets.csv" and len(names) == 13  # 8, money 2, risks 3
    with (folder / "board-pack-2025-26-Q2-reviews.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["comment"] == '\'=HYPERLINK("http://example.invalid","click")'
    with (folder / "board-pack-2025-26-Q2-open-actions.csv").open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.DictReader(f))["owner"] == "'@owner"


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2025/26", "charter boardpack: a board pack covers one quarter: write e.g. 2025/26 Q4\n"),
        (
            "2025/26 Q3",
            "charter boardpack: 2025/26 Q3 has not ended yet (it ends on 31 December 2025); "
            "the latest quarter is 2025/26 Q2\n",
        ),
        ("2025 Q2", None),
    ],
)
def test_a_pack_for_a_period_that_cannot_have_one_is_refused(
    demo_db: Path, tmp_path: Path, period: str, message: str | None
) -> None:
    out = tmp_path / "pack.pdf"
    done = charter(demo_db, "boardpack", "--period", period, "--out", str(out))
    assert done.returncode == 2 and not out.exists()
    if message:
        assert done.stderr == message
    else:
        assert done.stderr.startswith("charter boardpack: '2025 Q2' is ambiguous")


def test_a_pack_from_a_database_without_a_framework_is_refused(empty_db: Path, tmp_path: Path) -> None:
    done = charter(empty_db, "boardpack", "--period", "2025/26 Q2", "--out", str(tmp_path / "p.pdf"))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "charter boardpack: the database has no framework yet; load one with `charter load-framework FILE`\n"
    )
