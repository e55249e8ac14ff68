"""Hostile files (issue 12) through the real commands: each refused with a message naming the limit, exit 1,
and nothing written. The files are built by hand in tests/perf/hostile.py (the benchmark times the same ones);
real LibreOffice files show the limits leave ordinary files alone."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from metrics import filelimits
from metrics.ingest import IngestError, read_sheet
from tests.conftest import charter, libreoffice, table_contents
from tests.perf import hostile
from tests.test_template import fill, make

GOOD = "partner,period,kpi,value,note\nHBBC,2025/26 Q2,DS01,71.5%,Up after the new forms\nHBBC,2025/26 Q2,DS04,1234,\n"
TICKETS = (
    "number,priority,opened_at,company\n"
    "INC1,1 - Critical,2025-04-01 09:00:00,Blaby District Council\n"
    "INC2,2 - High,2025-04-02 09:00:00,Blaby District Council\n"
)
SPLIT_FIGURES = "split the figures into smaller files, for example one per quarter"
SPLIT_TICKETS = "export fewer tickets at a time, for example a quarter per file"
BEYOND = "delete anything beyond the table (a stray cell far below or to the right counts), or "
SAVE_AGAIN = "open the file in Excel or LibreOffice, save it again and send that"
REJECTED = "Rejected: 1 problem to fix; nothing was loaded."

# (file name, its bytes, command, the message after "FILE:1:-: " or "charter tickets: FILE: ")
CASES: list[tuple[str, Callable[[], bytes], str, str]] = [
    ("last-cell.xlsx", hostile.last_cell, "ingest",
     f"the sheet 'Figures' reaches row 1,048,576 (XFD1048576), over the limit of 200,000 rows for a figures file; "
     f"{BEYOND}{SPLIT_FIGURES}"),
    ("last-cell.xlsx", hostile.last_cell, "tickets",
     f"the sheet 'Figures' reaches column XFD (16,384 columns), over the limit of 1,000 columns for a ticket export; "
     f"{BEYOND}{SPLIT_TICKETS}"),
    ("stray-cell.xlsx", hostile.stray_cell, "ingest",
     "the sheet 'Figures' spans 200,000 rows by 100 columns (20,000,000 cells, up to CV200000), over the limit of "
     f"2,000,000 cells for a figures file; {BEYOND}{SPLIT_FIGURES}"),
    ("stray-cell.xlsx", hostile.stray_cell, "tickets",
     "the sheet 'Figures' spans 200,000 rows by 100 columns (20,000,000 cells, up to CV200000), over the limit of "
     f"5,000,000 cells for a ticket export; {BEYOND}{SPLIT_TICKETS}"),
    ("bomb.xlsx", hostile.bomb, "ingest",
     f"xl/worksheets/sheet1.xml inside the file unpacks to 2 GB, over the limit of 256 MB for a figures file; "
     f"{SPLIT_FIGURES}"),
    ("bomb.xlsx", hostile.bomb, "tickets",
     "xl/worksheets/sheet1.xml inside the file unpacks to 2 GB, over the limit of 1 GB for a ticket export; "
     f"{SPLIT_TICKETS}"),
    ("liar.xlsx", lambda: hostile.bomb(declared=1024), "ingest",
     "xl/worksheets/sheet1.xml inside the file unpacks to more than the 1 KB its header says, so the file is "
     f"damaged; {SAVE_AGAIN}"),
    ("liar.xlsx", lambda: hostile.bomb(declared=1024), "tickets",
     "xl/worksheets/sheet1.xml inside the file unpacks to more than the 1 KB its header says, so the file is "
     f"damaged; {SAVE_AGAIN}"),
    ("texts.xlsx", hostile.many_texts, "ingest",
     "xl/sharedStrings.xml inside the file says it holds 4,000,000,000 texts, over the limit of 2,000,000 for a "
     f"figures file; {SAVE_AGAIN}"),
    ("laughs.xlsx", hostile.billion_laughs, "ingest",
     "xl/worksheets/sheet1.xml inside the file declares a document type or XML entities (<!DOCTYPE), which Excel "
     f"and LibreOffice never write and which can expand without end; {SAVE_AGAIN}"),
    ("laughs.xlsx", hostile.billion_laughs, "tickets",
     "xl/worksheets/sheet1.xml inside the file declares a document type or XML entities (<!DOCTYPE), which Excel "
     f"and LibreOffice never write and which can expand without end; {SAVE_AGAIN}"),
    ("repeated.ods", hostile.repeated_row, "ingest",
     "the sheet 'Figures' spans 100,001 rows by 60 columns (6,000,060 cells, up to BH100001; a row repeated 100,000 "
     f"times), over the limit of 2,000,000 cells for a figures file; {BEYOND}{SPLIT_FIGURES}"),
    ("repeated.ods", hostile.repeated_row, "tickets",
     "the sheet 'Figures' spans 100,001 rows by 60 columns (6,000,060 cells, up to BH100001; a row repeated 100,000 "
     f"times), over the limit of 5,000,000 cells for a ticket export; {BEYOND}{SPLIT_TICKETS}"),
    ("wide.csv", hostile.wide_csv, "ingest",
     "row 2 has 5,005 columns, over the limit of 1,000 columns for a figures file; keep only the columns the file "
     "needs, and put a note that contains a comma in double quotes"),
    ("wide.csv", hostile.wide_csv, "tickets",
     "row 2 has 5,005 columns, over the limit of 1,000 columns for a ticket export; keep only the columns the file "
     "needs, and put a note that contains a comma in double quotes"),
    ("long.csv", hostile.long_csv, "ingest",
     f"the file has 300,001 rows, over the limit of 200,000 rows for a figures file; {SPLIT_FIGURES}"),
    ("long.csv", lambda: hostile.long_csv(2_000_000), "tickets",
     f"the file has 2,000,001 rows, over the limit of 2,000,000 rows for a ticket export; {SPLIT_TICKETS}"),
    ("cell.csv", hostile.huge_cell_csv, "ingest",
     "row 2 has a cell of 1,048,576 characters, over the limit of 32,767 characters in a cell (Excel's own); "
     "shorten it: keep long text in a document and name the document in the note"),
    ("cell.csv", hostile.huge_cell_csv, "tickets",
     "row 2 has a cell of 1,048,576 characters, over the limit of 32,767 characters in a cell (Excel's own); "
     "shorten it: keep long text in a document and name the document in the note"),
    ("parts.xlsx", hostile.many_parts, "ingest",
     f"the file holds 1,001 parts, over the limit of 1,000 for a figures file; a spreadsheet holds a few dozen: "
     f"{SAVE_AGAIN}"),
    ("old.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "tickets",
     "a .xls file (Excel 97-2003) cannot be read safely; open it in Excel or LibreOffice, save it as XLSX or CSV and "
     "send that"),
]  # fmt: skip


def _expected(name: str, command: str, message: str) -> list[str]:
    if command == "ingest":
        return [f"{name}:1:-: {message}", REJECTED]
    return [f"charter tickets: {name}: {message}"]


@pytest.mark.parametrize(
    ("name", "build", "command", "message"), CASES, ids=[f"{c[2]}-{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_a_hostile_file_is_refused_by_the_command_and_nothing_is_written(
    demo_db: Path, tmp_path: Path, name: str, build: Callable[[], bytes], command: str, message: str
) -> None:
    (tmp_path / name).write_bytes(build())
    before = table_contents(demo_db)
    done = charter(demo_db, command, name, *(["--partner", "BDC"] if command == "tickets" else []), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == _expected(name, command, message)
    assert "Traceback" not in done.stdout + done.stderr
    assert table_contents(demo_db) == before


def test_a_part_packed_far_too_tightly_is_refused_by_its_ratio(demo_db: Path, tmp_path: Path) -> None:
    data = hostile.bomb(megabytes=100)  # under the 256 MB a figures file may unpack to, but packed 1,000 times
    (tmp_path / "tight.xlsx").write_bytes(data)
    info = zipfile.ZipFile(tmp_path / "tight.xlsx").getinfo(hostile.SHEET)
    before = table_contents(demo_db)
    done = charter(demo_db, "ingest", "tight.xlsx", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"tight.xlsx:1:-: xl/worksheets/sheet1.xml inside the file unpacks to "
        f"{info.file_size // info.compress_size:,} times its packed size (100 MB from "
        f"{filelimits.size_text(info.compress_size)}), over the limit of 200 times; no spreadsheet packs so tightly: "
        f"{SAVE_AGAIN}",
        REJECTED,
    ]
    assert info.file_size // info.compress_size > 200
    assert table_contents(demo_db) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_figures_file_is_read(demo_db: Path, tmp_path: Path, encoding: str) -> None:
    (tmp_path / "figures.csv").write_bytes(GOOD.replace(",", "\t").encode(encoding))  # Excel's "Unicode Text"
    done = charter(demo_db, "ingest", "--dry-run", "figures.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "figures.csv: 2 figures would be accepted (dry run: nothing loaded)\n"


def test_a_utf16_ticket_export_is_read(demo_db: Path, tmp_path: Path) -> None:
    (tmp_path / "incident.csv").write_bytes(TICKETS.encode("utf-16"))
    done = charter(demo_db, "tickets", "--dry-run", "incident.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "incident.csv: ServiceNow export, 2 rows, 2 good, 0 bad (dry run: nothing stored)\n"


def test_past_100_problems_the_rest_are_counted_by_column(demo_db: Path, tmp_path: Path) -> None:
    rows = "".join(f"HBBC,2025/26 Q2,ZZ{i % 10},1,\n" for i in range(150_000))
    (tmp_path / "bad.csv").write_text("partner,period,kpi,value,note\n" + rows)
    before = table_contents(demo_db)
    done = charter(demo_db, "ingest", "bad.csv", cwd=tmp_path)
    lines = done.stderr.splitlines()
    assert done.returncode == 1
    assert len(lines) == 102
    assert lines[0].startswith("bad.csv:2:kpi: 'ZZ0' is not a KPI code; use one of ")
    assert lines[99].startswith("bad.csv:101:kpi: 'ZZ9' is not a KPI code; use one of ")
    assert lines[100:] == [
        "bad.csv: and 149,900 more problems like those above: 149,900 in the kpi column",
        "Rejected: 150000 problems to fix; nothing was loaded.",
    ]
    assert table_contents(demo_db) == before


def test_a_real_libreoffice_file_with_a_million_empty_rows_below_is_read(
    _demo_template: Path, demo_db: Path, tmp_path: Path
) -> None:
    """LibreOffice ends a sheet with its empty rows as one row repeated about a million times: not a limit."""
    template = make(_demo_template, tmp_path, "HBBC", "2025/26 Q2")
    expected = fill(template, tmp_path / "filled.xlsx")
    [ods] = libreoffice([tmp_path / "filled.xlsx"], "ods", tmp_path / "ods", tmp_path / "profile")
    content = zipfile.ZipFile(ods).read("content.xml")
    assert b'table:number-rows-repeated="10485' in content and b'number-columns-repeated="16384"' in content
    done = charter(demo_db, "ingest", "--dry-run", str(ods))
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.endswith(f"{ods}: {len(expected)} figures would be accepted (dry run: nothing loaded)\n")


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEETS = [  # (what the sheet's XML does, the XML, the message, or None if it is read)
    ("cells without references follow from the row's", f'<worksheet {_NS}><sheetData><row r="1"><c t="inlineStr">'
     '<is><t>partner</t></is></c></row><row r="300000"><c><v>1</v></c><c><v>2</v></c></row></sheetData></worksheet>',
     f"the sheet 'Figures' reaches row 300,000 (A300000), over the limit of 200,000 rows for a figures file; "
     f"{BEYOND}{SPLIT_FIGURES}"),
    ("a namespace prefix on every tag", '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
     'main"><x:sheetData><x:row r="1"><x:c r="XFD1" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>'
     "</x:sheetData></x:worksheet>",
     f"the sheet 'Figures' reaches column XFD (16,384 columns), over the limit of 1,000 columns for a figures file; "
     f"{BEYOND}{SPLIT_FIGURES}"),
    ("a '>' inside an attribute before the reference", f'<worksheet {_NS}><sheetData><row r="1"><c a=">" r="CV200000">'
     "<v>1</v></c></row></sheetData></worksheet>",
     "the sheet 'Figures' spans 200,000 rows by 100 columns (20,000,000 cells, up to CV200000), over the limit of "
     f"2,000,000 cells for a figures file; {BEYOND}{SPLIT_FIGURES}"),
    ("an empty formatted cell at XFD1048576 is nothing to read", f'<worksheet {_NS}><sheetData><row r="1">'
     '<c r="A1" t="inlineStr"><is><t>partner</t></is></c></row><row r="1048576"><c r="XFD1048576" s="1"/></row>'
     "</sheetData></worksheet>", None),
]  # fmt: skip


@pytest.mark.parametrize(("what", "xml", "message"), SHEETS, ids=[s[0] for s in SHEETS])
def test_a_sheet_is_measured_as_calamine_would_allocate_it(what: str, xml: str, message: str | None) -> None:
    data = hostile.xlsx([], sheet=xml)
    if message is None:
        assert read_sheet(data, "figures.xlsx").header == ["partner"]
    else:
        with pytest.raises(IngestError) as refused:
            read_sheet(data, "figures.xlsx")
        assert str(refused.value) == message
