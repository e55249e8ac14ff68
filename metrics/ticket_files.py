"""Service desk exports as files: read a CSV or XLSX export and find which column holds each ticket field.

The canonical field names, ServiceNow's, and mappings saved per source for other tools (README "Service desk
exports"). DuckDB streams a CSV itself; a spreadsheet is written out as CSV first, with its row numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path

import duckdb

from metrics import filelimits, sheetlimits
from metrics.filelimits import TICKETS
from metrics.readers import SPREADSHEETS

FIELDS = (
    "ticket", "partner", "type", "priority", "state", "opened", "resolved", "closed", "within_sla",
    "reassignments", "category", "updated", "updates",
)  # fmt: skip
REQUIRED = ("ticket", "priority", "opened")
# Header names (lower case) read as each canonical field: the canonical name first, then ServiceNow's field
# names and the labels ServiceNow writes when a list is exported with display names.
ALIASES: dict[str, tuple[str, ...]] = {
    "ticket": ("ticket", "number", "ticket number"),
    "partner": ("partner", "company", "council"),
    "type": ("type", "sys_class_name", "task type", "ticket type"),
    "priority": ("priority",),
    "state": ("state", "status", "incident_state", "incident state"),
    "opened": ("opened", "opened_at"),
    "resolved": ("resolved", "resolved_at"),
    "closed": ("closed", "closed_at"),
    "within_sla": ("within_sla", "made_sla", "made sla"),
    "reassignments": ("reassignments", "reassignment_count", "reassignment count"),
    "category": ("category",),
    # An event log (one row per update of each ticket): when the row's update was made, and how many
    # updates the ticket had by then; each ticket's latest update is the one read (docs/file-contract.md).
    "updated": ("updated", "sys_updated_at", "sys_updated_on"),
    "updates": ("updates", "sys_mod_count"),
}
# Header names only a ServiceNow export uses.
SERVICENOW = {"number", "opened_at", "incident_state", "sys_updated_at", "sys_updated_on", "sys_mod_count"}


class TicketError(Exception):
    """A ticket export cannot be imported as asked."""


class TicketFileError(TicketError):
    """The export cannot be read, or lacks a column it needs (nothing was imported)."""


class MissingColumns(TicketFileError):
    """The export has no column for a field it needs; another tool's columns can be mapped to the fields."""

    def __init__(self, message: str, missing: list[str], headers: list[str]) -> None:
        self.missing = missing
        self.headers = headers
        super().__init__(message)


class TicketUsageError(TicketError):
    """The import was asked for wrongly: an unknown partner code, a mapping that names no field."""


@dataclass(frozen=True)
class Options:
    """How to read an export: the partner of every row, or mappings of its partner values and columns."""

    partner: str | None = None
    source: str | None = None  # a saved column mapping's name (saved again with `columns`)
    columns: Mapping[str, str] = field(default_factory=dict)  # field -> header, added to the saved mapping
    partner_map: Mapping[str, str] = field(default_factory=dict)  # value in the file -> partner code
    missing: str | None = None  # the text the export writes in a blank cell (ServiceNow's event log: "?")


@dataclass(frozen=True)
class Layout:
    """Which header of the file holds each canonical field."""

    format: str
    headers: list[str]
    columns: dict[str, str]

    def names(self) -> list[str]:
        """A column name for each column of the file: its field, or `_unused_N`."""
        by_header = {"_row": "_row", **{header: name for name, header in self.columns.items()}}
        return [by_header.get(h, f"_unused_{i}") if h not in self.headers[:i] else f"_unused_{i}"
                for i, h in enumerate(self.headers)]  # fmt: skip

    def header(self, name: str) -> str:
        return self.columns.get(name, name)

    @property
    def event_log(self) -> bool:
        """Rows are updates of tickets (an update time or count): each ticket's latest update is read."""
        return "updated" in self.columns or "updates" in self.columns


# --- read --------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def as_csv(path: Path) -> Iterator[Path]:
    """The export as a CSV file DuckDB can stream, measured first (`metrics.filelimits`): a CSV as it is, or
    written out as UTF-8 if it is UTF-16; a spreadsheet written out as CSV."""
    try:
        write = _measure(path)
    except filelimits.FileRefused as exc:
        raise TicketFileError(f"{path.name}: {exc}") from None
    if write is None:
        yield path
        return
    handle, name = tempfile.mkstemp(suffix=".csv", prefix="charter-tickets-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            write(path, out)
        yield Path(name)
    finally:
        with suppress(OSError):
            os.unlink(name)


def _measure(path: Path) -> Callable[[Path, io.TextIOBase], None] | None:
    """Refuse an export past the limits for one (`TICKETS`); how to write it out as CSV, or None to read it as is."""
    suffix = path.suffix.lower()
    filelimits.check_size(path.stat().st_size, TICKETS)
    if suffix == ".xls":  # calamine sizes an .xls sheet by what the file declares: it cannot be measured first
        raise TicketFileError(
            f"{path.name}: a .xls file (Excel 97-2003) cannot be read safely; open it in Excel or LibreOffice, "
            "save it as XLSX or CSV and send that"
        )
    with path.open("rb") as f:
        if suffix in SPREADSHEETS:
            sheetlimits.check_spreadsheet(f, TICKETS)
            return _spreadsheet_to_csv
        encoding = filelimits.utf16(f.read(4096)) or "utf-8"
        f.seek(0)
        head = next(iter(filelimits.text_chunks(f, encoding)), "")[:65_536].partition("\n")[0]
        delimiter = max(",;\t|", key=head.count)
        f.seek(0)
        if encoding == "utf-8":  # measured on its bytes, not decoded: 150 MB decode in a fair part of a second
            filelimits.check_utf8_csv(f, TICKETS, delimiter)
        else:
            filelimits.check_csv(filelimits.text_chunks(f, encoding), TICKETS, delimiter)
    return None if encoding == "utf-8" else partial(_transcode, encoding=encoding)


def _transcode(path: Path, out: io.TextIOBase, encoding: str) -> None:
    """A UTF-16 export written out as UTF-8, a megabyte at a time."""
    with path.open("rb") as f:
        for chunk in filelimits.text_chunks(f, encoding):
            out.write(chunk.removeprefix("\ufeff"))


def _spreadsheet_to_csv(path: Path, out: io.TextIOBase) -> None:
    """The first sheet as CSV, a row at a time, each with its row number in the spreadsheet as `_row`."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_name(book.sheet_names[0])
        rows = enumerate(sheet.iter_rows(), start=1)  # from row 1; from the first column with a cell in it
        header = next(((i, r) for i, r in rows if any(_cell(c) for c in r)), None)
    except Exception as exc:  # calamine raises several of its own types for a damaged file
        raise TicketFileError(f"{path.name}: the file cannot be opened as a spreadsheet ({exc})") from None
    if header is None:
        raise TicketFileError(f"{path.name}: the spreadsheet is empty")
    writer = csv.writer(out)
    writer.writerow([*(_cell(c) for c in header[1]), "_row"])
    for i, row in rows:
        if any(_cell(c) for c in row):
            writer.writerow([*(_cell(c) for c in row), str(i)])


def _cell(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


def encoding_of(path: Path) -> str:
    """UTF-8 (with or without BOM), else Latin-1 (near enough Windows-1252, as Excel on UK Windows saves)."""
    with path.open("rb") as f:
        sample = f.read(1 << 20)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut in two at the end of the sample
            return "latin-1"
    return "utf-8"


def read_headers(con: duckdb.DuckDBPyConnection, path: Path, name: str, encoding: str) -> list[str]:
    try:
        rows = con.execute(
            "DESCRIBE SELECT * FROM read_csv($p, header = true, all_varchar = true, encoding = $e)",
            {"p": str(path), "e": encoding},
        ).fetchall()
    except duckdb.Error as exc:
        raise TicketFileError(f"{name}: the file cannot be read as CSV ({first_line(exc)})") from None
    return [str(r[0]) for r in rows]


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def layout(con: duckdb.DuckDBPyConnection, headers: list[str], name: str, options: Options) -> Layout:
    """Match the file's headers to the canonical fields: a named saved mapping, else known names, else any
    saved mapping that fits; then the mappings given now."""
    shown = [h for h in headers if h != "_row"]  # _row: the row numbers of a spreadsheet written out as CSV
    unknown = sorted(set(options.columns) - set(FIELDS))
    if unknown:
        raise TicketUsageError(f"'{unknown[0]}' is not a ticket field; map one of {', '.join(FIELDS)}")
    saved = _saved_mappings(con)
    if options.source in saved:
        fmt, columns = str(options.source), dict(saved[str(options.source)])
    else:
        fmt, columns = _known_names(headers)
        if not set(_required(options)) <= set(columns):
            fmt, columns = next(
                ((source, dict(mapping)) for source, mapping in saved.items()
                 if set(_required(options)) <= set(mapping) and set(mapping.values()) <= set(headers)),
                (fmt, columns),
            )  # fmt: skip
        fmt = options.source or fmt
    for fld, header in options.columns.items():
        if header not in headers:
            raise TicketUsageError(
                f"{name} has no column '{header}' to read as {fld}; its columns are {', '.join(shown)}"
            )
        columns[fld] = header
    if options.partner:
        columns.pop("partner", None)
    doubled = [h for h in set(columns.values()) if list(columns.values()).count(h) > 1]
    if doubled:
        raise TicketUsageError(f"the column '{doubled[0]}' is mapped to more than one field")
    missing = [f for f in _required(options) if f not in columns]
    if missing:
        raise MissingColumns(_missing_message(name, missing, shown), missing, shown)
    return Layout(fmt, headers, columns)


def _known_names(headers: list[str]) -> tuple[str, dict[str, str]]:
    """The canonical names and ServiceNow's, in any case; the first of a field's names found wins."""
    lower = {h.strip().lower(): h for h in reversed(headers)}
    columns = {f: lower[a] for f in FIELDS for a in reversed(ALIASES[f]) if a in lower}
    servicenow = any(h.strip().lower() in SERVICENOW for h in columns.values())
    return ("ServiceNow" if servicenow else "canonical"), columns


def _required(options: Options) -> tuple[str, ...]:
    return REQUIRED if options.partner else (*REQUIRED, "partner")


def _missing_message(name: str, missing: list[str], headers: list[str]) -> str:
    wanted = "; ".join(f"{f} (e.g. {' or '.join(repr(a) for a in ALIASES[f][:2])})" for f in missing)
    hint = " or give the partner of every row" if "partner" in missing else ""
    return (
        f"{name}:1:-: the header row has no column for {wanted}. Rename the columns, or map them to these "
        f"fields (saved for next time under a source name){hint}. Its columns are: {', '.join(headers)}"
    )


def _saved_mappings(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    saved: dict[str, dict[str, str]] = {}
    for source, fld, header in con.execute(
        "SELECT source, field, header FROM core.ticket_column_map ORDER BY source, field"
    ).fetchall():
        saved.setdefault(str(source), {})[str(fld)] = str(header)
    return saved
