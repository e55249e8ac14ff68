"""Limits on what one file may hold, measured before any reader allocates (issue 12).

Calamine, which reads XLSX and ODS, allocates a sheet's whole grid up to its furthest cell (one cell at
XFD1048576 asks for 512 GB and aborts the process), reserves as many shared strings as a file declares,
and expands an ODS row that repeats itself. So a file is measured first, in bounded memory: a CSV by its
rows, columns and cells; a spreadsheet by its zip directory, by the bytes each part really unpacks to
(inflated here, since a zip's headers can lie) and by the cell references of its sheets. Past a limit it
is refused with a message naming the limit, the figure found and what to do. CSV files are measured
here; XLSX and ODS files in `metrics.sheetlimits`.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import BinaryIO

MB = 1_048_576
_CHUNK = MB
_EXCEL_CELL = 32_767  # the most characters Excel lets a cell hold


@dataclass(frozen=True)
class Limits:
    """How much one file of a kind may hold."""

    kind: str  # what the file is, as messages name it
    split: str  # how to make a file that fits, as messages say it
    max_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int  # rows x columns of one sheet, as the reader allocates it
    max_csv_cells: int  # the cells of a CSV (DuckDB streams a ticket export; Python holds a figures file's)
    max_unpacked: int  # all the parts of a spreadsheet, unpacked
    max_cell_chars: int = _EXCEL_CELL
    max_part: int = 16 * MB  # a part that readers hold whole (styles, workbook, relationships)
    max_parts: int = 1_000
    max_ratio: int = 200  # unpacked / packed size of one part; deflate allows up to about 1,000


FIGURES = Limits(
    kind="a figures file",
    split="split the figures into smaller files, for example one per quarter",
    max_bytes=20 * MB,
    max_rows=200_000,
    max_columns=1_000,
    max_cells=2_000_000,
    max_csv_cells=2_000_000,
    max_unpacked=256 * MB,
)
TICKETS = Limits(
    kind="a ticket export",
    split="export fewer tickets at a time, for example a quarter per file",
    max_bytes=512 * MB,
    max_rows=2_000_000,
    max_columns=1_000,
    max_cells=5_000_000,
    max_csv_cells=200_000_000,
    max_unpacked=1024 * MB,
)


def figures(max_bytes: int) -> Limits:
    """The limits for a figures file, with the configured largest file (CHARTER_MAX_UPLOAD_MB)."""
    return replace(FIGURES, max_bytes=max_bytes)


class FileRefused(Exception):
    """A file that is not read because reading it could take the process down; nothing of it was read."""


class LimitExceeded(FileRefused):
    """A file passes one of the limits on what Charter reads."""

    def __init__(self, what: str, limit: str, advice: str) -> None:
        self.what, self.limit = what, limit
        super().__init__(f"{what}, over the limit of {limit}; {advice}")


def size_text(n: int) -> str:
    """A size as people write it: 25.3 MB, 20 MB, 512 KB, 100 bytes."""
    for unit, scale in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise FileRefused(
            f"the file is {size_text(size)}, over the {size_text(limits.max_bytes)} limit; split it into smaller files"
        )


# --- CSV ---------------------------------------------------------------------------------------------


def check_csv(chunks: Iterable[str], limits: Limits, delimiter: str) -> int:
    """Refuse text with too many rows or cells, a row with too many columns or a cell too long; its rows.

    Rows are lines and columns are delimiters plus one: a note in quotes may hold a line break or a comma,
    so either may be counted once too often, never too few."""
    rows, cells, carry = 0, 0, ""
    for chunk in chunks:
        text = carry + chunk
        if "\r" in text:  # Windows and old Mac line ends
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        carry = lines.pop()
        if len(carry) > limits.max_columns * (limits.max_cell_chars + 1):  # a line that never ends
            _check_lines([carry], rows, limits, delimiter)
        _check_lines(lines, rows, limits, delimiter)
        rows += len(lines)
        cells += text.count(delimiter, 0, len(text) - len(carry)) + len(lines)
    if carry:
        _check_lines([carry], rows, limits, delimiter)
        rows, cells = rows + 1, cells + carry.count(delimiter) + 1
    _check_totals(rows, cells, limits)
    return rows


def check_utf8_csv(stream: BinaryIO, limits: Limits, delimiter: str) -> int:
    """`check_csv` for UTF-8 text, measured on its bytes rather than decoded (a large export's bytes are many):
    rows and delimiters count alike in both, and a line is never shorter in bytes than in characters, so only a
    line long in bytes is decoded to be measured exactly. Chunks end where `text_chunks`' do, so the counts agree."""
    sep, rows, cells, carry = delimiter.encode(), 0, 0, b""
    quick = min(limits.max_cell_chars, limits.max_columns - 1)
    while raw := stream.read(_CHUNK):
        data = carry + raw
        if b"\r" in data:  # Windows and old Mac line ends
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = data.split(b"\n")
        carry = lines.pop()
        if len(carry) > limits.max_columns * (limits.max_cell_chars + 1):  # a line that never ends
            text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(carry)  # a cut character held back
            if len(text) > limits.max_columns * (limits.max_cell_chars + 1):
                _check_lines([text], rows, limits, delimiter)
        if max(map(len, lines), default=0) > quick:
            _check_lines([line.decode("utf-8", "replace") for line in lines], rows, limits, delimiter)
        rows += len(lines)
        cells += data.count(sep, 0, len(data) - len(carry)) + len(lines)
    if carry:
        _check_lines([carry.decode("utf-8", "replace")], rows, limits, delimiter)
        rows, cells = rows + 1, cells + carry.count(sep) + 1
    _check_totals(rows, cells, limits)
    return rows


def _check_totals(rows: int, cells: int, limits: Limits) -> None:
    if rows > limits.max_rows:
        raise LimitExceeded(f"the file has {rows:,} rows", f"{limits.max_rows:,} rows for {limits.kind}", limits.split)
    if cells > limits.max_csv_cells:
        raise LimitExceeded(
            f"the file has {cells:,} cells in {rows:,} rows",
            f"{limits.max_csv_cells:,} cells for {limits.kind}",
            f"keep only the columns the file needs, or {limits.split}",
        )


def _check_lines(lines: list[str], before: int, limits: Limits, delimiter: str) -> None:
    """Refuse a cell too long or a row of too many columns in `lines`, which start at row `before` + 1.

    Only a line longer than a cell may hold, or than the columns allowed, needs a closer look."""
    longest = max(map(len, lines), default=0)
    if longest <= min(limits.max_cell_chars, limits.max_columns - 1):
        return
    for i, line in enumerate(lines):
        if len(line) > limits.max_cell_chars and max(map(len, line.split(delimiter))) > limits.max_cell_chars:
            raise LimitExceeded(
                f"row {before + i + 1:,} has a cell of {max(map(len, line.split(delimiter))):,} characters",
                f"{limits.max_cell_chars:,} characters in a cell (Excel's own)",
                "shorten it: keep long text in a document and name the document in the note",
            )
        if len(line) >= limits.max_columns - 1 and line.count(delimiter) + 1 > limits.max_columns:
            raise LimitExceeded(
                f"row {before + i + 1:,} has {line.count(delimiter) + 1:,} columns",
                f"{limits.max_columns:,} columns for {limits.kind}",
                "keep only the columns the file needs, and put a note that contains a comma in double quotes",
            )


def utf16(head: bytes) -> str | None:
    """ "utf-16" for text with a UTF-16 BOM; "utf-16-le" or "-be" for UTF-16 without one (every other byte 0)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    sample = head[: 4096 - 4096 % 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    odd, even = sample[1::2].count(0) / half, sample[::2].count(0) / half  # ASCII text: one byte of each pair 0
    return "utf-16-le" if odd > 0.9 > 0.1 > even else "utf-16-be" if even > 0.9 > 0.1 > odd else None


def text_chunks(stream: BinaryIO, encoding: str) -> Iterable[str]:
    """A binary stream decoded a megabyte at a time (a bad byte becomes one replacement character)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    while raw := stream.read(_CHUNK):
        yield decoder.decode(raw)
    yield decoder.decode(b"", final=True)


def slices(text: str) -> Iterable[str]:
    """Text already in memory, a megabyte at a time, so that its lines are split a few at once."""
    return (text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK))
