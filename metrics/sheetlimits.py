"""XLSX and ODS files measured before calamine reads them: the zip's parts, then the extent of each sheet.

An XLSX or ODS file is a zip of XML parts. Each part is unpacked here a megabyte at a time with zlib,
counting the bytes it really holds (the zip directory's sizes may lie, and calamine's zip reader would read
on past them), and scanned as it streams: for a document type declaration (entities can expand without
bound); in an XLSX, for each cell's reference (`r="XFD1048576"`; a cell without one follows the one before,
as calamine counts) and the shared strings' declared count (calamine reserves that many); in an ODS
`content.xml`, for rows and cells and how often each repeats. A sheet is measured by its furthest cell
with something in it, as calamine allocates it; empty trailing rows repeated a million times, as
LibreOffice writes them, count for nothing.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import BinaryIO

from metrics.filelimits import MB, FileRefused, LimitExceeded, Limits, check_size, size_text

_CHUNK = MB
_LONGEST_TAG = 65_536
_DIRECTORY_ENTRY = 46 + 1024  # the most a part's entry in the zip directory takes with a 1 KB name and extras
_BODY = rb"""((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>"""  # a tag's attributes, '>' allowed inside quotes
_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|sst)(?=[\s/>])" + _BODY)
_ODS_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])" + _BODY)
_ANY_TAG = re.compile(rb"<" + _BODY)
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row|sst)[\s/>]")
_REF = re.compile(rb"^\s*\$?([A-Za-z]*)\$?(\d*)\s*$")
_HAS_VALUE = re.compile(rb"(?:value-type|formula)\s*=")
_SAVE_AGAIN = "open the file in Excel or LibreOffice, save it again and send that"
_UNOPENED = "the file cannot be opened as a spreadsheet ({}); save it again as XLSX or ODS"
_ATTRS: dict[bytes, re.Pattern[bytes]] = {}


def check_spreadsheet(stream: BinaryIO, limits: Limits) -> None:
    """Refuse a zip whose parts, or whose sheets' extent, pass the limits; nothing is kept of it."""
    size = stream.seek(0, io.SEEK_END)
    check_size(size, limits)
    stream.seek(0)
    if stream.read(4) != b"PK\x03\x04":
        raise FileRefused(_UNOPENED.format("it is not a zip file, as XLSX and ODS files are"))
    _check_part_count(stream, size, limits)
    try:
        with zipfile.ZipFile(stream) as book:
            infos = book.infolist()
            if any(i.filename.lower().endswith("workbook.bin") for i in infos):
                raise FileRefused("an XLSB file (Excel binary workbook) cannot be read; save it as XLSX and send that")
            sheets = _sheet_names(stream, book, limits)
            _check_declared(infos, sheets, limits)
            for info in infos:
                _inflate(stream, info, _scanner(info.filename, sheets, limits))
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, ValueError) as exc:
        raise FileRefused(_UNOPENED.format(exc)) from None


# --- the zip -------------------------------------------------------------------------------------------


def _check_part_count(stream: BinaryIO, size: int, limits: Limits) -> None:
    """The number of parts from the zip's end record, before Python's zipfile builds an object for each."""
    stream.seek(max(0, size - 65_557))  # the end record (22 bytes) after a comment of up to 64 KB
    tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return  # zipfile says what is wrong with it
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    zip64 = tail.rfind(b"PK\x06\x06", 0, at)
    if (entries == 0xFFFF or directory == 0xFFFFFFFF) and zip64 >= 0:  # the zip64 end record has the counts
        entries, directory = struct.unpack("<QQ", tail[zip64 + 32 : zip64 + 48])
    # zipfile reads the directory itself, however many parts the end record admits to: bound both.
    if entries > limits.max_parts or directory > limits.max_parts * _DIRECTORY_ENTRY:
        parts = max(entries, directory // _DIRECTORY_ENTRY)
        raise LimitExceeded(
            f"the file holds {'at least ' if parts > entries else ''}{parts:,} parts",
            f"{limits.max_parts:,} for {limits.kind}",
            f"a spreadsheet holds a few dozen: {_SAVE_AGAIN}",
        )


def _is_large(name: str, sheets: dict[str, str]) -> bool:
    """A part that may be as large as the whole file may unpack to: sheets, shared strings, pictures."""
    lower = name.lower()
    return (
        name in sheets
        or (lower.startswith(("xl/worksheets/", "xl/pivotcache/")) and "/_rels/" not in lower)
        or lower in ("xl/sharedstrings.xml", "content.xml")
        or not lower.endswith((".xml", ".rels", ".vml"))
    )  # fmt: skip


def _check_declared(infos: list[zipfile.ZipInfo], sheets: dict[str, str], limits: Limits) -> None:
    """What the zip directory says of each part: a known packing, a size and a ratio within the limits."""
    for info in infos:
        _check_info(info, _is_large(info.filename, sheets), limits)
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked:
        raise LimitExceeded(
            f"the file unpacks to {size_text(total)}",
            f"{size_text(limits.max_unpacked)} unpacked for {limits.kind}",
            limits.split,
        )


def _check_info(info: zipfile.ZipInfo, large: bool, limits: Limits) -> None:
    name, unpacked, packed = info.filename, info.file_size, max(info.compress_size, 1)
    if info.flag_bits & 0x1:
        raise FileRefused(f"{name} inside the file is encrypted; remove the password, save the file and send it again")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise FileRefused(
            f"{name} inside the file is packed in a way Excel and LibreOffice never use (method "
            f"{info.compress_type}); {_SAVE_AGAIN}"
        )
    cap = limits.max_unpacked if large else limits.max_part
    if unpacked > cap:
        raise LimitExceeded(
            f"{name} inside the file unpacks to {size_text(unpacked)}",
            f"{size_text(cap)} for {limits.kind}",
            limits.split if large else _SAVE_AGAIN,
        )
    if unpacked > MB and unpacked > limits.max_ratio * packed:
        raise LimitExceeded(
            f"{name} inside the file unpacks to {unpacked // packed:,} times its packed size "
            f"({size_text(unpacked)} from {size_text(packed)})",
            f"{limits.max_ratio} times",
            f"no spreadsheet packs so tightly: {_SAVE_AGAIN}",
        )


def _inflate(stream: BinaryIO, info: zipfile.ZipInfo, feed: Callable[[bytes], None] | None) -> None:
    """Unpack one part a megabyte at a time, counting what it really holds (its header may say less)."""
    stream.seek(info.header_offset)
    header = stream.read(30)
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no header for {info.filename}")
    stream.seek(info.header_offset + 30 + sum(struct.unpack("<HH", header[26:30])))
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    out = 0
    while left > 0 or (inflater is not None and inflater.unconsumed_tail):
        if inflater is not None and inflater.unconsumed_tail:
            chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        else:
            packed = stream.read(min(_CHUNK, left))
            if not packed:
                raise EOFError(f"{info.filename} is cut short")
            left -= len(packed)
            chunk = inflater.decompress(packed, _CHUNK) if inflater is not None else packed
        out += len(chunk)
        if out > info.file_size:
            raise FileRefused(
                f"{info.filename} inside the file unpacks to more than the {size_text(info.file_size)} its header "
                f"says, so the file is damaged; {_SAVE_AGAIN}"
            )
        if feed is not None and chunk:
            feed(chunk)
    if feed is not None:
        feed(b"")  # the end of the part


def _sheet_names(stream: BinaryIO, book: zipfile.ZipFile, limits: Limits) -> dict[str, str]:
    """XLSX sheet part -> the sheet's name, from the workbook and its relationships (for messages)."""
    parts = {}
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        try:
            info = book.getinfo(name)
        except KeyError:
            return {}
        _check_info(info, False, limits)
        chunks: list[bytes] = []
        _inflate(stream, info, chunks.append)
        parts[name] = b"".join(chunks)
        _refuse_encoding(name, parts[name])
        _refuse_doctype(name, parts[name])
    targets = {
        _attr(body, b"Id"): _attr(body, b"Target")
        for body in re.findall(rb"<(?:\w+:)?Relationship\b" + _BODY, parts["xl/_rels/workbook.xml.rels"])
    }
    found = {}
    for body in re.findall(rb"<(?:\w+:)?sheet\b" + _BODY, parts["xl/workbook.xml"]):
        target = targets.get(_attr(body, b"id"))
        if target:
            text = html.unescape(target.decode("utf-8", "replace"))
            path = text.lstrip("/") if text.startswith("/") else posixpath.normpath(f"xl/{text}")
            found[path] = html.unescape((_attr(body, b"name") or b"").decode("utf-8", "replace"))
    return found


def _attr(body: bytes, name: bytes) -> bytes | None:
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


def _refuse_encoding(name: str, head: bytes) -> None:
    """XML in UTF-16 would hide a <!DOCTYPE from the search below; Excel and LibreOffice write UTF-8."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        raise FileRefused(
            f"{name} inside the file is not written as UTF-8, as Excel and LibreOffice write; {_SAVE_AGAIN}"
        )


def _refuse_doctype(name: str, data: bytes) -> None:
    if b"<!DOCTYPE" in data:
        raise FileRefused(
            f"{name} inside the file declares a document type or XML entities (<!DOCTYPE), which Excel and "
            f"LibreOffice never write and which can expand without end; {_SAVE_AGAIN}"
        )


# --- the sheets ----------------------------------------------------------------------------------------


def _scanner(name: str, sheets: dict[str, str], limits: Limits) -> Callable[[bytes], None] | None:
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
            _refuse_encoding(self.name, chunk)
        data = self.carry + chunk
        _refuse_doctype(self.name, data)
        last = data.rfind(b"<")
        cut = last if chunk and last >= 0 and _ANY_TAG.match(data, last) is None else len(data)
        data, self.carry = data[:cut], data[cut:]  # a tag cut in two by the chunk's end is read with the next
        if len(self.carry) > _LONGEST_TAG:
            raise FileRefused(f"{self.name} inside the file has a tag over 64 KB long; {_SAVE_AGAIN}")
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
                self.row, self.column = _number(_attr(body, b"r"), self.row + 1), 0
            elif tag == b"c":
                ref = _REF.match(_attr(body, b"r") or b"")
                letters, digits = (ref.group(1), ref.group(2)) if ref else (b"", b"")
                self.column = _column(letters) if letters else self.column + 1
                row = _number(digits, max(self.row, 1))
                if not body.rstrip().endswith(b"/"):  # <c r="A1" s="2"/> holds nothing: calamine skips it
                    self.xlsx.reach(row, self.column)
            else:
                count = max(_number(_attr(body, b"uniqueCount"), 0), _number(_attr(body, b"count"), 0))
                if count > self.limits.max_cells:
                    raise LimitExceeded(
                        f"{self.name} inside the file says it holds {count:,} texts",
                        f"{self.limits.max_cells:,} for {self.limits.kind}",
                        _SAVE_AGAIN,
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
                self.repeat, self.column, self.filled = _number(_attr(body, b"number-rows-repeated"), 1), 0, 0
                if empty:
                    self._end_row()
            elif not closing:
                span = _number(_attr(body, b"number-columns-repeated"), 1)
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
                name = html.unescape((_attr(body, b"name") or b"").decode("utf-8", "replace"))
                self.extent, self.row = _Extent(f"the sheet '{name}'", self.limits), 0
            self.depth += 1

    def _end_row(self) -> None:
        if self.filled:
            self.extent.reach(self.row + self.repeat, self.filled, self.repeat)
        self.row += self.repeat
