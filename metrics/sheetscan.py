"""The XML parts of an XLSX or ODS file scanned as they stream, a chunk at a time (`metrics.sheetlimits` unpacks them).

Each part is scanned for a document type declaration (entities can expand without bound); in an XLSX, for each
cell's reference (`r="XFD1048576"`; a cell without one follows the one before, as calamine counts) and the shared
strings' declared count (calamine reserves that many); in an ODS `content.xml`, for rows and cells and how often
each repeats. A sheet is measured by its furthest cell with something in it, as calamine allocates it; empty
trailing rows repeated a million times, as LibreOffice writes them, count for nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from metrics.filelimits import FileRefused, LimitExceeded, Limits

_LONGEST_TAG = 65_536
BODY = rb"""((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>"""  # a tag's attributes, '>' allowed inside quotes
_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|sst)(?=[\s/>])" + BODY)
_ODS_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])" + BODY)
_ANY_TAG = re.compile(rb"<" + BODY)
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row|sst)[\s/>]")
_REF = re.compile(rb"^\s*\$?([A-Za-z]*)\$?(\d*)\s*$")
_HAS_VALUE = re.compile(rb"(?:value-type|formula)\s*=")
SAVE_AGAIN = "open the file in Excel or LibreOffice, save it again and send that"
_ATTRS: dict[bytes, re.Pattern[bytes]] = {}


def attr(body: bytes, name: bytes) -> bytes | None:
    """An attribute's value by its local name, whatever its namespace prefix."""
    pattern = _ATTRS.get(name)
    if pattern is None:
        pattern = _ATTRS[name] = re.compile(
            rb"(?<![\w:.-])(?:[A-Za-z_][\w.-]*:)?" + re.escape(name) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')"""
        )
    match = pattern.search(body)
    return None if match is None else match.group(1) if match.group(1) is not None else match.group(2)


def _number(text: bytes | None, default: int) -> int:
    """A count or row number from an attribute; a very long one is simply huge (int() refuses 4,300 digits)."""
    if not text or not text.strip().isdigit():
        return default
    return int(text) if len(text.strip()) <= 15 else 10**15


def refuse_encoding(name: str, head: bytes) -> None:
    """XML in UTF-16 would hide a <!DOCTYPE from the search below; Excel and LibreOffice write UTF-8."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        raise FileRefused(
            f"{name} inside the file is not written as UTF-8, as Excel and LibreOffice write; {SAVE_AGAIN}"
        )


def refuse_doctype(name: str, data: bytes) -> None:
    if b"<!DOCTYPE" in data:
        raise FileRefused(
            f"{name} inside the file declares a document type or XML entities (<!DOCTYPE), which Excel and "
            f"LibreOffice never write and which can expand without end; {SAVE_AGAIN}"
        )


def scanner(name: str, sheets: dict[str, str], limits: Limits) -> Callable[[bytes], None] | None:
    """What to look for in a part as it streams: XML parts are scanned, pictures and the like are not."""
    if not name.lower().endswith((".xml", ".rels", ".vml")) and name not in sheets:
        return None
    return _PartScanner(name, sheets.get(name), limits).feed


def _letters(column: int) -> str:
    """Column 100 as CV."""
    text = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def _column(letters: bytes) -> int:
    if len(letters) > 7:
        return 10**10
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


class _Extent:
    """The furthest cell with something in it found so far in one sheet, refused as soon as it passes a limit."""

    def __init__(self, sheet: str, limits: Limits) -> None:
        self.sheet, self.limits = sheet, limits
        self.rows = self.columns = 0

    def reach(self, row: int, column: int, repeated: int = 1) -> None:
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)
        limits, where = self.limits, f"{self.sheet} reaches"
        how = f"; a row repeated {repeated:,} times" if repeated > 1 else ""
        if row > limits.max_rows:
            cell = f"{_letters(column)}{row}" if column < 10**6 else f"row {row:,}"
            raise LimitExceeded(
                f"{where} row {row:,} ({cell}{how})", f"{limits.max_rows:,} rows for {limits.kind}", self._advice()
            )
        if column > limits.max_columns:
            raise LimitExceeded(
                f"{where} column {_letters(column) if column < 10**6 else f'{column:,}'} ({column:,} columns)",
                f"{limits.max_columns:,} columns for {limits.kind}",
                self._advice(),
            )
        if self.rows * self.columns > limits.max_cells:
            raise LimitExceeded(
                f"{self.sheet} spans {self.rows:,} rows by {self.columns:,} columns "
                f"({self.rows * self.columns:,} cells, up to {_letters(self.columns)}{self.rows}{how})",
                f"{limits.max_cells:,} cells for {limits.kind}",
                self._advice(),
            )

    def _advice(self) -> str:
        return (
            f"delete anything beyond the table (a stray cell far below or to the right counts), or {self.limits.split}"
        )


class _PartScanner:
    """One XML part, fed a chunk at a time: refuses a document type and a sheet that passes the limits."""

    def __init__(self, name: str, sheet: str | None, limits: Limits) -> None:
        self.name, self.limits = name, limits
        self.carry = b""
        self.started = False
        self.xlsx = _Extent(f"the sheet '{sheet}'" if sheet else f"the sheet in {name}", limits)
        self.row = self.column = 0
        self.ods = _OdsScanner(limits) if name == "content.xml" else None

    def feed(self, chunk: bytes) -> None:
        if not self.started:
            self.started = True
            refuse_encoding(self.name, chunk)
        data = self.carry + chunk
        refuse_doctype(self.name, data)
        last = data.rfind(b"<")
        cut = last if chunk and last >= 0 and _ANY_TAG.match(data, last) is None else len(data)
        data, self.carry = data[:cut], data[cut:]  # a tag cut in two by the chunk's end is read with the next
        if len(self.carry) > _LONGEST_TAG:
            raise FileRefused(f"{self.name} inside the file has a tag over 64 KB long; {SAVE_AGAIN}")
        if not self._fast(data):
            self._exact(data)
        if self.ods is not None:
            self.ods.scan(data)

    def _fast(self, data: bytes) -> bool:
        """The usual case at the regex engine's speed: every cell written `<c r="B7"`, as Excel, LibreOffice and
        Python's writers write it. False (and nothing counted) for anything else, or past a limit, which
        `_exact` then decides: it leaves out cells with nothing in them, this counts them too."""
        if b"<sst" in data or _PREFIXED.search(data):
            return False
        refs = _PLAIN_CELL.findall(data)
        if len(refs) != sum(data.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r")):
            return False
        if not refs:
            return True
        letters, digits = zip(*refs, strict=True)
        rows = max(self.xlsx.rows, *map(int, digits))
        columns = max(self.xlsx.columns, *map(_column, set(letters)))
        if rows > self.limits.max_rows or columns > self.limits.max_columns or rows * columns > self.limits.max_cells:
            return False
        self.xlsx.rows, self.xlsx.columns = rows, columns
        self.row, self.column = int(digits[-1]), _column(letters[-1])
        return True

    def _exact(self, data: bytes) -> None:
        for match in _XLSX_TAG.finditer(data):
            tag, body = match.group(1), match.group(2)
            if tag == b"row":
                self.row, self.column = _number(attr(body, b"r"), self.row + 1), 0
            elif tag == b"c":
                ref = _REF.match(attr(body, b"r") or b"")
                letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
                self.column = _column(letters) if letters else self.column + 1
                row = _number(digits, max(self.row, 1))
                if not body.rstrip().endswith(b"/"):  # <c r="A1" s="2"/> holds nothing: calamine skips it
                    self.xlsx.reach(row, self.column)
            else:
                count = max(_number(attr(body, b"uniqueCount"), 0), _number(attr(body, b"count"), 0))
                if count > self.limits.max_cells:
                    raise LimitExceeded(
                        f"{self.name} inside the file says it holds {count:,} texts",
                        f"{self.limits.max_cells:,} for {self.limits.kind}",
                        SAVE_AGAIN,
                    )


class _OdsScanner:
    """The rows and cells of an ODS content.xml, with their repeats, table by table."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.depth = 0
        self.extent = _Extent("the sheet", limits)
        self.row = self.repeat = self.column = self.filled = 0

    def scan(self, data: bytes) -> None:
        for match in _ODS_TAG.finditer(data):
            closing, tag, body = match.group(1) == b"/", match.group(2), match.group(3)
            empty = body.rstrip().endswith(b"/")
            if tag == b"table":
                self._table(closing, empty, body)
            elif tag == b"table-row" and closing:
                self._end_row()
            elif tag == b"table-row":
                self.repeat, self.column, self.filled = _number(attr(body, b"number-rows-repeated"), 1), 0, 0
                if empty:
                    self._end_row()
            elif not closing:
                span = _number(attr(body, b"number-columns-repeated"), 1)
                if not empty or _HAS_VALUE.search(body):  # LibreOffice writes an empty cell as <table-cell/>
                    self.filled = self.column + span
                    if self.filled > self.limits.max_columns:
                        self.extent.reach(self.row + 1, self.filled)
                self.column += span

    def _table(self, closing: bool, empty: bool, body: bytes) -> None:
        if closing:
            self.depth -= 1
        elif not empty:
            if self.depth == 0:
                name = html.unescape((attr(body, b"name") or b"").decode("utf-8", "replace"))
                self.extent, self.row = _Extent(f"the sheet '{name}'", self.limits), 0
            self.depth += 1

    def _end_row(self) -> None:
        if self.filled:
            self.extent.reach(self.row + self.repeat, self.filled, self.repeat)
        self.row += self.repeat
