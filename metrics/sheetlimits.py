"""XLSX and ODS files measured before calamine reads them: the zip's parts, then the extent of each sheet.

An XLSX or ODS file is a zip of XML parts. Each part is unpacked here a megabyte at a time with zlib,
counting the bytes it really holds (the zip directory's sizes may lie, and calamine's zip reader would read
on past them), and handed as it streams to `metrics.sheetscan`, which refuses a document type declaration and
a sheet whose furthest cell passes the limits.
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
from metrics.sheetscan import BODY, SAVE_AGAIN, attr, refuse_doctype, refuse_encoding, scanner

_CHUNK = MB
_DIRECTORY_ENTRY = 46 + 1024  # the most a part's entry in the zip directory takes with a 1 KB name and extras
_UNOPENED = "the file cannot be opened as a spreadsheet ({}); save it again as XLSX or ODS"


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
                _inflate(stream, info, scanner(info.filename, sheets, limits))
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
            f"a spreadsheet holds a few dozen: {SAVE_AGAIN}",
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
            f"{info.compress_type}); {SAVE_AGAIN}"
        )
    cap = limits.max_unpacked if large else limits.max_part
    if unpacked > cap:
        raise LimitExceeded(
            f"{name} inside the file unpacks to {size_text(unpacked)}",
            f"{size_text(cap)} for {limits.kind}",
            limits.split if large else SAVE_AGAIN,
        )
    if unpacked > MB and unpacked > limits.max_ratio * packed:
        raise LimitExceeded(
            f"{name} inside the file unpacks to {unpacked // packed:,} times its packed size "
            f"({size_text(unpacked)} from {size_text(packed)})",
            f"{limits.max_ratio} times",
            f"no spreadsheet packs so tightly: {SAVE_AGAIN}",
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
                f"says, so the file is damaged; {SAVE_AGAIN}"
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
        refuse_encoding(name, parts[name])
        refuse_doctype(name, parts[name])
    targets = {
        attr(body, b"Id"): attr(body, b"Target")
        for body in re.findall(rb"<(?:\w+:)?Relationship\b" + BODY, parts["xl/_rels/workbook.xml.rels"])
    }
    found = {}
    for body in re.findall(rb"<(?:\w+:)?sheet\b" + BODY, parts["xl/workbook.xml"]):
        target = targets.get(attr(body, b"id"))
        if target:
            text = html.unescape(target.decode("utf-8", "replace"))
            path = text.lstrip("/") if text.startswith("/") else posixpath.normpath(f"xl/{text}")
            found[path] = html.unescape((attr(body, b"name") or b"").decode("utf-8", "replace"))
    return found
