"""Which cells of an XLSX or ODS sheet are formatted as percentages.

An officer who types `72.5%` into a spreadsheet cell gets the number 0.725 shown as a percentage.
Calamine (which reads the cells) gives the number but not its format, so without this a figure of
72.5% would be loaded as 0.725. Both formats keep the format beside the cell in XML, read here.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

Cell = tuple[int, int]  # (row, column), both from 0, as calamine counts them

_PERCENT_BUILTIN = {9, 10}  # Excel's built-in "0%" and "0.00%"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
_MAX_REPEAT = 100_000  # ODS may "repeat" an empty row a million times; no real sheet has more figures


def percent_cells(data: bytes, suffix: str, sheet: str) -> set[Cell]:
    """The numeric cells of `sheet` shown as percentages; empty if the file says nothing readable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            if suffix in (".xlsx", ".xlsm"):
                return _xlsx(book, sheet)
            if suffix == ".ods":
                return _ods(book, sheet)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        pass
    return set()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _parse(book: zipfile.ZipFile, name: str) -> ElementTree.Element:
    # Python's expat refuses external entities and limits entity expansion, so untrusted XML is safe here.
    return ElementTree.fromstring(book.read(name))  # noqa: S314


def _is_percent_format(code: str) -> bool:
    """A number format such as `0.0%`; a `%` inside quotes, brackets or after a backslash is only text."""
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return "%" in plain


def _xlsx(book: zipfile.ZipFile, sheet: str) -> set[Cell]:
    part = _xlsx_sheet_part(book, sheet)
    styles = _parse(book, "xl/styles.xml") if "xl/styles.xml" in book.namelist() else None
    if part is None or styles is None:
        return set()
    percent_formats = set(_PERCENT_BUILTIN)
    for element in styles.iter():
        if _local(element.tag) == "numFmt" and _is_percent_format(_attr(element, "formatCode") or ""):
            percent_formats.add(int(_attr(element, "numFmtId") or -1))
    percent_styles: set[int] = set()
    for element in styles:
        if _local(element.tag) == "cellXfs":
            for index, xf in enumerate(element):
                if int(_attr(xf, "numFmtId") or 0) in percent_formats:
                    percent_styles.add(index)
    if not percent_styles:
        return set()
    found = set()
    for cell in _parse(book, part).iter():
        if _local(cell.tag) != "c" or (_attr(cell, "t") or "n") != "n":
            continue
        ref = _CELL_REF.match(_attr(cell, "r") or "")
        if ref and int(_attr(cell, "s") or 0) in percent_styles:
            found.add((int(ref.group(2)) - 1, _column_number(ref.group(1))))
    return found


def _xlsx_sheet_part(book: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the sheet named `sheet`."""
    rel_id = next(
        (
            _attr(s, "id")
            for s in _parse(book, "xl/workbook.xml").iter()
            if _local(s.tag) == "sheet" and _attr(s, "name") == sheet
        ),
        None,
    )
    for rel in _parse(book, "xl/_rels/workbook.xml.rels").iter():
        if _attr(rel, "Id") == rel_id:
            target = _attr(rel, "Target") or ""
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def _ods(book: zipfile.ZipFile, sheet: str) -> set[Cell]:
    content = _parse(book, "content.xml")
    table = next(
        (t for t in content.iter() if _local(t.tag) == "table" and _attr(t, "name") == sheet),
        None,
    )
    if table is None:
        return set()
    found: set[Cell] = set()
    row = 0
    for element in _rows(table):
        repeat = min(int(_attr(element, "number-rows-repeated") or 1), _MAX_REPEAT)
        columns = list(_percent_columns(element))
        for offset in range(repeat if columns else 0):
            found.update((row + offset, column) for column in columns)
        row += repeat
        if row > _MAX_REPEAT:
            break
    return found


def _rows(table: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The rows of a table in order, also those inside header-rows and row groups (not nested tables)."""
    for child in table:
        name = _local(child.tag)
        if name == "table-row":
            yield child
        elif name in ("table-header-rows", "table-row-group", "table-rows"):
            yield from _rows(child)


def _percent_columns(row: ElementTree.Element) -> Iterator[int]:
    """The columns (from 0) of a row's cells that hold percentages."""
    column = 0
    for cell in row:
        if _local(cell.tag) not in ("table-cell", "covered-table-cell"):
            continue
        repeat = min(int(_attr(cell, "number-columns-repeated") or 1), 16_384)
        for offset in range(repeat if _attr(cell, "value-type") == "percentage" else 0):
            yield column + offset
        column += repeat
