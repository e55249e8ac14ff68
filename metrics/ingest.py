"""Quarterly metric files: file -> rows -> checked figures, with every problem named by row and column.

Small steps (docs/file-contract.md): read the file (CSV, XLSX, ODS) into text cells with the row numbers the
officer sees; find the columns; check every row against the framework; report all problems at once.
Writing is done elsewhere (`metrics.submissions`), in one transaction, only when there is no problem.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from metrics import filelimits, sheetlimits
from metrics.cellformats import Cell, SheetLayout, sheet_layout
from metrics.periods import Period, PeriodError, parse_period

MAX_BYTES = 20 * 1024 * 1024
_HEADER_SEARCH = 10  # rows at the top of a sheet to look through for the header (below a title or two)
SHOWN_PROBLEMS = 100  # problems given in full; the rest are counted by column (docs/file-contract.md)
REQUIRED = ("partner", "period", "kpi", "value")
OPTIONAL = ("note",)
SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods"}  # .xls is refused for figures (see read_sheet)
UNSAVED_FORMULA = (
    "this cell has a formula whose result is not saved in the file; open the file in Excel or LibreOffice "
    "and save it, so that the results are saved, then send it again"
)
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


class IngestError(Exception):
    """A file that cannot be read at all (wrong type, unreadable, too big); the message names no file."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing to change in a file, where the officer will find it."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Figure:
    """One checked figure, ready to store."""

    row: int
    partner_code: str
    period: Period
    kpi_code: str
    value: float | None
    note: str | None


@dataclass(frozen=True)
class KpiRule:
    code: str
    name: str
    unit: str
    annual: bool
    min_value: float | None
    max_value: float | None


@dataclass(frozen=True)
class PartnerRule:
    code: str
    name: str
    joined_on: date
    left_on: date | None


@dataclass
class Catalogue:
    """What a file is checked against: the framework's partners and KPIs, today, who may submit for whom."""

    partners: dict[str, PartnerRule]
    kpis: dict[str, KpiRule]
    today: date
    allowed_partners: set[str] | None = None
    max_bytes: int = MAX_BYTES
    _found: dict[str, PartnerRule | None] = field(default_factory=dict, repr=False, compare=False)

    def find_partner(self, text: str) -> PartnerRule | None:
        if text in self._found:  # a large file names the same few partners many times
            return self._found[text]
        key = text.strip().casefold()
        found = next((p for p in self.partners.values() if key in (p.code.casefold(), p.name.casefold())), None)
        self._found[text] = found
        return found


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


@dataclass
class CheckResult:
    file: str
    figures: list[Figure]
    problems: list[Problem]  # the first SHOWN_PROBLEMS in full
    notes: list[str] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # the problems past those, counted by column

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(self.more.values())

    def rest(self) -> str | None:
        """The problems not given in full, by column: "and 1,900 more problems: 1,500 in the value column, ..."."""
        if not self.more:
            return None
        n = sum(self.more.values())
        counts = ", ".join(f"{k:,} in the {c} column" for c, k in sorted(self.more.items(), key=lambda i: -i[1]))
        return f"{self.file}: and {n:,} more {'problem' if n == 1 else 'problems'} like those above: {counts}"


# --- read --------------------------------------------------------------------------------------------


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
    sample = text[:4096]
    delimiter = ","
    if sample.count(";") > sample.count(",") or sample.count("\t") > sample.count(","):
        delimiter = ";" if sample.count(";") >= sample.count("\t") else "\t"
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


# --- check -------------------------------------------------------------------------------------------


def check_file(data: bytes, name: str, catalogue: Catalogue) -> CheckResult:
    """Read and check one file; every problem is reported, nothing is written."""
    try:
        sheet = read_sheet(data, name, catalogue.max_bytes)
    except IngestError as exc:
        return CheckResult(name, [], [Problem(name, 1, "-", str(exc))])
    result = check_sheet(sheet, catalogue)
    result.notes = sheet.notes + result.notes
    return result


def _column_map(sheet: Sheet) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    problems = []
    for i, title in enumerate(sheet.header):
        key = title.strip().lower()
        if key in REQUIRED + OPTIONAL:
            if key in found:
                problems.append(
                    Problem(sheet.name, sheet.header_row, title, f"the column '{key}' appears twice; keep only one")
                )
            found.setdefault(key, i)
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        quoted = [f"'{c}'" for c in missing]
        names = f"{quoted[0]} column" if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]} columns"
        problems.append(
            Problem(
                sheet.name,
                sheet.header_row,
                missing[0],
                f"the header row has no {names}; it must name the columns "
                f"partner, period, kpi and value (note is optional)",
            )
        )
    return found, problems


def check_sheet(sheet: Sheet, catalogue: Catalogue) -> CheckResult:
    """Check every row of `sheet`; figures are returned only if there is no problem at all."""
    columns, problems = _column_map(sheet)
    if problems:
        return CheckResult(sheet.name, [], problems)
    figures: list[Figure] = []
    seen: dict[tuple[str, Period, str], int] = {}
    read = 0
    more: dict[str, int] = {}
    wanted = [(key, columns.get(key)) for key in (*REQUIRED, *OPTIONAL)]
    # A CSV row can hold text under no column only past the header's end, or under a blank header cell.
    strays_anywhere = sheet.csv and not all(h for h in sheet.header)
    for row_number, cells in sheet.rows:
        broken = (
            {k: m for k, i in columns.items() if (m := sheet.formula_problems.get((row_number, i))) is not None}
            if sheet.formula_problems
            else {}
        )
        if not broken and not "".join(cells).strip():
            continue  # kept only for a formula in a column that is not read
        read += 1
        n = len(cells)
        texts = {key: cells[i].strip() if i is not None and i < n else "" for key, i in wanted}
        row_problems, figure = _check_row(sheet.name, row_number, texts.__getitem__, catalogue)
        if broken:  # what the formula shows is not in the file: say that, not "the value is blank"
            row_problems = [p for p in row_problems if p.column not in broken]
            row_problems += [Problem(sheet.name, row_number, key, message) for key, message in broken.items()]
            figure = None
        if sheet.csv and (strays_anywhere or n > len(sheet.header)):
            row_problems += _stray_cells(sheet, row_number, cells)
        if figure is not None:
            key = (figure.partner_code, figure.period, figure.kpi_code)
            if key in seen:
                row_problems.append(_duplicate(sheet.name, figure, seen[key]))
            else:
                seen[key] = row_number
                figures.append(figure)
        _keep(problems, row_problems, more)
    if not read:
        problems.append(Problem(sheet.name, sheet.header_row + 1, "-", "there are no figures under the header row"))
    problems.sort(key=lambda p: (p.row, p.column))
    for problem in problems[SHOWN_PROBLEMS:]:  # the last row kept may have taken the count past the limit
        more[problem.column] = more.get(problem.column, 0) + 1
    del problems[SHOWN_PROBLEMS:]
    return CheckResult(sheet.name, [] if problems else figures, problems, more=more)


def _keep(problems: list[Problem], found: list[Problem], more: dict[str, int]) -> None:
    """Keep a row's problems while fewer than SHOWN_PROBLEMS are kept (rows come in order); count the rest."""
    if len(problems) < SHOWN_PROBLEMS:
        problems += found
    else:
        for problem in found:
            more[problem.column] = more.get(problem.column, 0) + 1


def _duplicate(file: str, figure: Figure, first: int) -> Problem:
    return Problem(
        file,
        figure.row,
        "kpi",
        f"{figure.kpi_code} for {figure.partner_code} in {figure.period} is already given on row {first}; "
        "keep one figure per partner, period and KPI",
    )


def _stray_cells(sheet: Sheet, row: int, cells: list[str]) -> list[Problem]:
    """Text in a CSV row under no column: `1,234` or a note with a comma that was not put in quotes."""
    width = len(sheet.header)
    stray = [(i, c.strip()) for i, c in enumerate(cells) if c.strip() and (i >= width or not sheet.header[i])]
    if not stray:
        return []
    column, text = stray[0]
    return [
        Problem(
            sheet.name,
            row,
            f"column {column + 1}",
            f"'{text}' is under no column of the header row; put a figure or note that contains a comma "
            'in double quotes, e.g. "1,234"',
        )
    ]


def _check_row(file: str, row: int, cell: Any, cat: Catalogue) -> tuple[list[Problem], Figure | None]:
    out: list[Problem] = []
    partner = _check_partner(file, row, cell("partner"), cat, out)
    period = _check_period(file, row, cell("period"), cat, out)
    kpi = _check_kpi(file, row, cell("kpi"), cat, out)
    if (
        partner is not None
        and period is not None
        and (period.start > (partner.left_on or date.max) or period.end < partner.joined_on)
    ):
        when = (
            f"it left on {partner.left_on:%-d %B %Y}"
            if partner.left_on is not None and period.start > partner.left_on
            else f"it joined on {partner.joined_on:%-d %B %Y}"
        )
        out.append(Problem(file, row, "period", f"{partner.name} was not a partner in {period} ({when})"))
    if kpi is not None and period is not None and kpi.annual != period.is_annual:
        need = (
            f"a whole year such as {period.financial_year}"
            if kpi.annual
            else f"a quarter such as {period.year}/{(period.year + 1) % 100:02d} Q1"
        )
        out.append(
            Problem(
                file,
                row,
                "period",
                f"{kpi.code} is reported {'yearly' if kpi.annual else 'quarterly'}; write the period as {need}",
            )
        )
    note = cell("note") or None
    value = _check_value(file, row, cell("value"), kpi, note, out)
    if out or partner is None or period is None or kpi is None:
        return out, None
    return out, Figure(row, partner.code, period, kpi.code, value, note)


def _check_partner(file: str, row: int, text: str, cat: Catalogue, out: list[Problem]) -> PartnerRule | None:
    if not text:
        out.append(
            Problem(
                file,
                row,
                "partner",
                f"the partner is blank; write the council's code, e.g. {next(iter(cat.partners), 'HBBC')}",
            )
        )
        return None
    partner = cat.find_partner(text)
    if partner is None:
        codes = ", ".join(cat.partners)
        out.append(Problem(file, row, "partner", f"'{text}' is not a partner; use one of {codes}"))
        return None
    if cat.allowed_partners is not None and partner.code not in cat.allowed_partners:
        out.append(
            Problem(
                file,
                row,
                "partner",
                f"you may only submit figures for "
                f"{', '.join(sorted(cat.allowed_partners)) or 'no council'}, "
                f"not {partner.code}",
            )
        )
        return None
    return partner


@functools.lru_cache(maxsize=4096)
def _parse_period_text(text: str) -> Period:
    """`parse_period`, remembered: a large file repeats the same few periods."""
    return parse_period(text)


def _check_period(file: str, row: int, text: str, cat: Catalogue, out: list[Problem]) -> Period | None:
    try:
        period = _parse_period_text(text) if isinstance(text, str) else parse_period(text)
    except PeriodError as exc:
        out.append(Problem(file, row, "period", str(exc)))
        return None
    if period.end >= cat.today:  # a quarter's figures are known only once it is over
        message = f"{period} ends on {period.end:%-d %B %Y}; send its figures after that"
        out.append(Problem(file, row, "period", message))
        return None
    return period


def _check_kpi(file: str, row: int, text: str, cat: Catalogue, out: list[Problem]) -> KpiRule | None:
    if not text:
        out.append(
            Problem(
                file,
                row,
                "kpi",
                f"the KPI code is blank; write the code from the template, e.g. {next(iter(cat.kpis), 'DS01')}",
            )
        )
        return None
    kpi = cat.kpis.get(text.upper())
    if kpi is None:
        listed = ", ".join(list(cat.kpis)[:10]) + (", ..." if len(cat.kpis) > 10 else "")
        out.append(Problem(file, row, "kpi", f"'{text}' is not a KPI code; use one of {listed}"))
    return kpi


def parse_number(text: str) -> float | None:
    """`72.5`, `72.5%`, `1,234`, `£1,234` and `-3` as numbers; None if `text` is not a number."""
    read = _read_figure(text)
    return read[0] if read is not None else None


def _read_figure(text: str) -> tuple[float, str] | None:
    """`text` as (number, its sign: "%", "£" or ""); None unless it is one number in digits 0 to 9."""
    body, sign = text.strip(), ""
    if body.endswith("%"):
        sign, body = "%", body[:-1].rstrip()
    lead = body[:1] if body[:1] in ("+", "-") else ""
    body = body[len(lead) :]
    if body.startswith("£") and not sign:
        sign, body = "£", body[1:]
    if body.isascii() and body.replace(".", "", 1).isdigit() and not body.endswith("."):  # 72.5: the usual case
        return float(lead + body), sign
    # isascii first: float() and \d also take other scripts' digits (Arabic-Indic ٥, full-width ５).
    if not body.isascii() or body[:1] in ("+", "-") or not _NUMBER.match(body) or not any(map(str.isdigit, body)):
        return None
    return float(lead + body.replace(",", "")), sign


_UNIT_WORDS = {
    "%": "a percentage",
    "count": "a count",
    "GBP": "an amount of money",
    "hours": "a number of hours",
    "days": "a number of days",
    "score": "a score",
}
_SIGN_UNITS = {"%": ("%", "a percentage"), "£": ("GBP", "an amount of money")}


def _check_value(
    file: str, row: int, text: str, kpi: KpiRule | None, note: str | None, out: list[Problem]
) -> float | None:
    if not text:
        if not note:
            out.append(
                Problem(
                    file,
                    row,
                    "value",
                    "the value is blank; give the figure, or say in the note column why there is none",
                )
            )
        return None
    read = _read_figure(text)
    if read is None:
        out.append(Problem(file, row, "value", _not_a_number(text)))
        return None
    value, sign = read
    if kpi is None:
        return value
    if sign and _SIGN_UNITS[sign][0] != kpi.unit:
        what = f"{_UNIT_WORDS.get(kpi.unit, kpi.unit)}, not {_SIGN_UNITS[sign][1]}"
        message = f"'{text}' has a {sign} sign, but {kpi.code} ({kpi.name}) is {what}; write the figure without it"
        out.append(Problem(file, row, "value", message))
        return None
    low, high = kpi.min_value, kpi.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        out.append(Problem(file, row, "value", _out_of_range(value, kpi)))
    return value


def _not_a_number(text: str) -> str:
    if any(c.isdigit() and not c.isascii() for c in text):
        return f"'{text}' has digits other than 0 to 9; write the figure with the digits 0 to 9, e.g. 72.5"
    return f"'{text}' is not a number; write the figure alone, e.g. 72.5, 72.5%, 1,234 or £1,234"


def _out_of_range(value: float, kpi: KpiRule) -> str:
    low, high = kpi.min_value, kpi.max_value
    span = (
        f"between {_fmt(low, kpi.unit)} and {_fmt(high, kpi.unit)}"
        if low is not None and high is not None
        else f"at least {_fmt(low, kpi.unit)}"
        if low is not None
        else f"at most {_fmt(high, kpi.unit)}"
    )
    return f"{_fmt(value, kpi.unit)} is outside the range for {kpi.code} ({kpi.name}): it must be {span}"


def _fmt(x: float | None, unit: str = "") -> str:
    """A number as the officer would write it in `unit`: 72.5%, £1,234, 3 hours, 1,234."""
    if x is None:
        return ""
    number = f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"
    if unit == "%":
        return f"{number}%"
    if unit == "GBP":
        return f"-£{number[1:]}" if number.startswith("-") else f"£{number}"
    return f"{number} {unit}" if unit in ("hours", "days") else number
