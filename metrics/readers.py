"""Reading figure files: CSV, XLSX or ODS bytes -> a `Sheet` of text cells with the row numbers the officer sees.

Only reading: the file is measured before a reader allocates (`metrics.filelimits`, `metrics.sheetlimits`),
the header row is found, and titles, hidden rows and extra sheets are noted. Checking the rows is
`metrics.checks`; a new kind of source brings its own reader and gives `metrics.figures.Record`s instead.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from metrics import filelimits, sheetlimits
from metrics.cellformats import Cell, SheetLayout, sheet_layout
from metrics.figures import MAX_BYTES

_HEADER_SEARCH = 10  # rows at the top of a sheet to look through for the header (below a title or two)
REQUIRED = ("partner", "period", "kpi", "value")
OPTIONAL = ("note",)
SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods"}  # .xls is refused for figures (see read_sheet)
UNSAVED_FORMULA = (
    "this cell has a formula whose result is not saved in the file; open the file in Excel or LibreOffice "
    "and save it, so that the results are saved, then send it again"
)


class IngestError(Exception):
    """A file that cannot be read at all (wrong type, unreadable, too big); the message names no file."""


@dataclass
class Sheet:
    """A file's cells as text, with the spreadsheet row number of each data row."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    notes: list[str] = field(default_factory=list)
    header_row: int = 1
    csv: bool = False  # in a CSV, text under no column is a value or note split at an unquoted comma
    formula_problems: dict[Cell, str] = field(default_factory=dict)  # (row number, column from 0) -> problem


def read_sheet(data: bytes, name: str, max_bytes: int = MAX_BYTES) -> Sheet:
    """Read CSV, XLSX or ODS bytes into text cells; `name` is the file name (its extension decides).

    The file is measured first (`metrics.filelimits`): past a limit it is refused before a reader allocates."""
    limits = filelimits.figures(max_bytes)
    suffix = Path(name).suffix.lower()
    try:
        filelimits.check_size(len(data), limits)
        if suffix == ".xls":  # the old binary format keeps no readable formats: 72.5% would be read as 0.725
            raise IngestError(
                "a .xls file (Excel 97-2003) cannot be checked reliably; open it in Excel or LibreOffice, "
                "save it as XLSX and send that"
            )
        if suffix in SPREADSHEETS:
            sheetlimits.check_spreadsheet(io.BytesIO(data), limits)
            return _read_spreadsheet(data, name)
        if suffix in (".csv", ".txt", ""):
            return _read_csv(data, name, limits)
    except filelimits.FileRefused as exc:
        raise IngestError(str(exc)) from None
    raise IngestError(f"a {suffix} file cannot be read; save the figures as a CSV, XLSX or ODS file and send that")


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel adds); UTF-16 (Excel's "Unicode Text"), with its BOM or without;
    else Windows-1252 as Excel on UK Windows saves "CSV"."""
    encoding = filelimits.utf16(data[:4096])
    if encoding is not None:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            raise IngestError(
                "the file starts as UTF-16 text but is not UTF-16 throughout; save it from your spreadsheet as "
                "CSV UTF-8 and send that"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes, name: str, limits: filelimits.Limits) -> Sheet:
    text = _decode(data)
    if "\x00" in text:
        raise IngestError("the file is not a text CSV file; save it from your spreadsheet as CSV, XLSX or ODS")
    delimiter = sniff_delimiter(text)
    filelimits.check_csv(filelimits.slices(text), limits, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # Number records, not lines: a note written over two lines is still one row in a spreadsheet.
    lines: list[tuple[int, list[str]]] = []
    try:
        lines.extend(enumerate(reader, start=1))
    except csv.Error as exc:
        raise IngestError(f"row {len(lines) + 1} cannot be read as CSV ({exc})") from None
    sheet = _to_sheet(name, lines)
    sheet.csv = True
    return sheet


def sniff_delimiter(text: str) -> str:
    """The comma, unless the file's first 4 KB hold more semicolons or tabs (Excel's "CSV" in some locales)."""
    sample = text[:4096]
    if sample.count(";") > sample.count(",") or sample.count("\t") > sample.count(","):
        return ";" if sample.count(";") >= sample.count("\t") else "\t"
    return ","


def _read_spreadsheet(data: bytes, name: str) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = book.sheet_names
        chosen = _choose_sheet(book)
        cells = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several of its own types for a damaged file
        raise IngestError(f"the file cannot be opened as a spreadsheet ({exc}); save it again as XLSX or ODS") from None
    layout = sheet_layout(data, Path(name).suffix.lower(), chosen)
    grid = [[_cell_text(c, percent=(i, j) in layout.percent) for j, c in enumerate(row)] for i, row in enumerate(cells)]
    last = max((r for r, _ in layout.unsaved_formulas | set(layout.formula_errors)), default=-1)
    grid += [[] for _ in range(last + 1 - len(grid))]  # calamine leaves off trailing rows that show nothing
    _fill_merged(grid, layout)
    formulas = _formula_problems(layout)
    result = _to_sheet(name, list(enumerate(grid, start=1)), keep={row for row, _ in formulas})
    result.formula_problems = formulas
    if len(sheets) > 1:
        result.notes.append(f"{name} has {len(sheets)} sheets; read the sheet named '{chosen}'.")
    read = {result.header_row} | {row for row, _ in result.rows}
    hidden = sorted(read & {row + 1 for row in layout.hidden_rows})
    if hidden:
        one = len(hidden) == 1
        result.notes.append(
            f"{name}: {_row_list(hidden)} {'is' if one else 'are'} hidden in the spreadsheet; "
            f"{'it was' if one else 'they were'} read like the others."
        )
    return result


def _choose_sheet(book: Any) -> str:
    """The first sheet with a row naming the required columns near its top; else the first visible sheet."""
    from python_calamine import SheetVisibleEnum

    names = [str(n) for n in book.sheet_names]
    for sheet_name in names:
        rows = book.get_sheet_by_name(sheet_name).to_python(nrows=_HEADER_SEARCH, skip_empty_area=False)
        if any(_is_header([_cell_text(c) for c in row]) for row in rows):
            return sheet_name
    visible = [str(m.name) for m in book.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
    return visible[0] if visible else names[0]


def _fill_merged(grid: list[list[str]], layout: SheetLayout) -> None:
    """A cell merged down over several rows shows its value on each of them, so it is read on each of them."""
    for (top, column), (bottom, _) in layout.merged:
        if top >= len(grid) or column >= len(grid[top]):
            continue
        for row in grid[top + 1 : bottom + 1]:  # not into rows left empty below a table
            if column < len(row) and not row[column].strip() and any(c.strip() for c in row):
                row[column] = grid[top][column]


def _formula_problems(layout: SheetLayout) -> dict[Cell, str]:
    """Formula cells with no saved result or with an error, by (spreadsheet row number, column from 0)."""
    found = dict.fromkeys(((r + 1, c) for r, c in layout.unsaved_formulas), UNSAVED_FORMULA)
    for (r, c), shown in layout.formula_errors.items():
        found[(r + 1, c)] = (
            f"the formula in this cell gives the error {shown}; correct the formula or type the figure in, "
            "then save the file and send it again"
        )
    return found


def _row_list(rows: list[int]) -> str:
    """[5] as "row 5"; [5, 6, 7, 9] as "rows 5 to 7 and 9"."""
    runs: list[list[int]] = []
    for row in rows:
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    parts = [part for r in runs for part in ([f"{r[0]} to {r[-1]}"] if len(r) > 2 else map(str, r))]
    text = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"row {text}" if len(rows) == 1 else f"rows {text}"


def _cell_text(cell: object, percent: bool = False) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if percent and isinstance(cell, int | float):
        return _cell_text(round(float(cell) * 100, 10)) + "%"  # 72.5% is held as 0.725
    if isinstance(cell, float):
        return repr(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell)


def _is_header(cells: list[str]) -> bool:
    return set(REQUIRED) <= {c.strip().lower() for c in cells}


def _to_sheet(name: str, lines: list[tuple[int, list[str]]], keep: set[int] | None = None) -> Sheet:
    """The header is the first row naming the required columns (else the first non-empty row); rows above
    it (titles) are left out and said so. Fully empty rows are dropped, except those numbered in `keep`."""
    keep = keep or set()
    filled = [(n, row) for n, row in lines if "".join(row).strip() or n in keep]
    if not filled:
        raise IngestError("the file is empty; it needs a header row and at least one row of figures")
    start = next((i for i, (_, row) in enumerate(filled) if _is_header(row)), 0)
    (header_row, header), *rows = filled[start:]
    sheet = Sheet(name=name, header=[h.strip() for h in header], rows=rows, header_row=header_row)
    if start:
        above = [n for n, _ in filled[:start]]
        sheet.notes.append(
            f"{name}: the header row is row {header_row}; {_row_list(above)} above it "
            f"{'was' if len(above) == 1 else 'were'} not read."
        )
    return sheet
