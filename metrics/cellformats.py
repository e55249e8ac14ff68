"""What an XLSX or ODS sheet says beside its cell values: percentages, hidden rows, formulas, merged cells.

Calamine (which reads the cells) gives each cell's value but not how the sheet shows it. Without this:
a figure of 72.5% typed into a percentage cell would be loaded as 0.725; rows an officer hid or filtered
away would be read without them knowing; a formula whose result was never saved (openpyxl and some
other programs write none) or that shows an error would look like a blank cell; and a value in a
merged cell would be found only in its first row. Both formats keep this in XML beside the cells, read
here in one streaming pass over the sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal
from xml.etree import ElementTree

Cell = tuple[int, int]  # (row, column), both from 0, as calamine counts them

_PERCENT_BUILTIN = {9, 10}  # Excel's built-in "0%" and "0.00%"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
_MAX_REPEAT = 100_000  # ODS may "repeat" an empty row a million times; no real sheet has more figures
_MAX_COLUMNS = 16_384
_ODS_VALUES = ("value", "date-value", "time-value", "boolean-value", "string-value")


@dataclass
class SheetLayout:
    """The facts about one sheet that its cell values do not carry."""

    percent: set[Cell] = field(default_factory=set)  # numeric cells shown as percentages
    hidden_rows: set[int] = field(default_factory=set)  # rows with content that are hidden or filtered away
    unsaved_formulas: set[Cell] = field(default_factory=set)  # formulas with no result saved in the file
    formula_errors: dict[Cell, str] = field(default_factory=dict)  # cells showing an error such as #DIV/0!
    merged: list[tuple[Cell, Cell]] = field(default_factory=list)  # (first cell, last cell) of each merge


def sheet_layout(data: bytes, suffix: str, sheet: str) -> SheetLayout:
    """What the XML of `sheet` says; an empty layout if the file says nothing readable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            if suffix in (".xlsx", ".xlsm"):
                return _xlsx(book, sheet)
            if suffix == ".ods":
                return _ods(book, sheet)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        pass
    return SheetLayout()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _has(element: ElementTree.Element, name: str, value: str) -> bool:
    """Whether any attribute of that local name has `value` (ODS repeats `value-type` in two namespaces)."""
    return any(_local(key) == name and v == value for key, v in element.attrib.items())


def _parse(book: zipfile.ZipFile, name: str) -> ElementTree.Element:
    # Python's expat refuses external entities and limits entity expansion, so untrusted XML is safe here.
    return ElementTree.fromstring(book.read(name))  # noqa: S314


def _stream(
    book: zipfile.ZipFile, name: str, events: tuple[Literal["start", "end"], ...] = ("end",)
) -> Iterator[tuple[str, ElementTree.Element]]:
    """Events over a large XML member, without holding the whole tree (same safety as _parse)."""
    with book.open(name) as member:
        yield from ElementTree.iterparse(member, events=events)  # noqa: S314


def _is_percent_format(code: str) -> bool:
    """A number format such as `0.0%`; a `%` inside quotes, brackets or after a backslash is only text."""
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return "%" in plain


# --- XLSX --------------------------------------------------------------------------------------------


def _xlsx(book: zipfile.ZipFile, sheet: str) -> SheetLayout:
    part = _xlsx_sheet_part(book, sheet)
    if part is None:
        return SheetLayout()
    percent_styles = _xlsx_percent_styles(book)
    layout = SheetLayout()
    row = -1
    for _, element in _stream(book, part):
        tag = element.tag
        if tag.endswith("}row") or tag == "row":  # row and cell attributes carry no namespace in XLSX
            number = element.get("r")
            row = int(number) - 1 if number else row + 1
            _xlsx_row(element, row, percent_styles, layout)
            element.clear()  # keep memory flat on a large sheet
        elif tag.endswith("}mergeCell") or tag == "mergeCell":
            first, _, last = (element.get("ref") or "").partition(":")
            start, end = _ref(first), _ref(last or first)
            if start is not None and end is not None:
                layout.merged.append((start, end))
    return layout


def _xlsx_row(row: ElementTree.Element, number: int, percent_styles: set[int], layout: SheetLayout) -> None:
    content = False
    for position, cell in enumerate(row):
        kind = cell.get("t") or "n"
        value = formula = None
        for child in cell:
            name = _local(child.tag)
            if name == "v":
                value = child.text
            elif name == "f":
                formula = child
            content = True
        content = content or bool(value)
        if kind == "e":
            layout.formula_errors[(number, _xlsx_column(cell, position))] = value or "#VALUE!"
        elif formula is not None and not value and kind != "str":  # a text formula may rightly give ""
            layout.unsaved_formulas.add((number, _xlsx_column(cell, position)))
        elif kind == "n" and percent_styles and int(cell.get("s") or 0) in percent_styles:
            layout.percent.add((number, _xlsx_column(cell, position)))
    if content and (row.get("hidden") or "").lower() in ("1", "true"):
        layout.hidden_rows.add(number)


def _xlsx_column(cell: ElementTree.Element, position: int) -> int:
    """A cell's column from its reference (worked out only for the few cells that need it); without one,
    cells follow each other from column A."""
    ref = _ref(cell.get("r") or "")
    return ref[1] if ref is not None else position


def _xlsx_percent_styles(book: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell styles whose number format shows a percentage."""
    if "xl/styles.xml" not in book.namelist():
        return set()
    styles = _parse(book, "xl/styles.xml")
    percent_formats = set(_PERCENT_BUILTIN)
    for element in styles.iter():
        if _local(element.tag) == "numFmt" and _is_percent_format(_attr(element, "formatCode") or ""):
            percent_formats.add(int(_attr(element, "numFmtId") or -1))
    found: set[int] = set()
    for element in styles:
        if _local(element.tag) == "cellXfs":
            for index, xf in enumerate(element):
                if int(_attr(xf, "numFmtId") or 0) in percent_formats:
                    found.add(index)
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


def _ref(text: str) -> Cell | None:
    """`D4` as (3, 3)."""
    match = _CELL_REF.match(text.replace("$", ""))
    return (int(match.group(2)) - 1, _column_number(match.group(1))) if match else None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


# --- ODS ---------------------------------------------------------------------------------------------


def _ods(book: zipfile.ZipFile, sheet: str) -> SheetLayout:
    layout = SheetLayout()
    depth = 0  # tables open inside ours (an ODS cell may hold a sub-table)
    inside = False
    row = 0
    for event, element in _stream(book, "content.xml", ("start", "end")):
        name = _local(element.tag)
        if name == "table":
            if event == "start" and not inside and _attr(element, "name") == sheet:
                inside = True
            elif inside:
                depth += 1 if event == "start" else -1
                if depth < 0:
                    break  # the end of our table
        elif event == "end" and name == "table-row":
            if inside and depth == 0:
                repeat = min(int(_attr(element, "number-rows-repeated") or 1), _MAX_REPEAT)
                _ods_row(element, row, repeat, layout)
                row += repeat
                if row > _MAX_REPEAT:
                    break
            element.clear()
    return layout


def _ods_row(row: ElementTree.Element, number: int, repeat: int, layout: SheetLayout) -> None:
    column = 0
    content = False
    for cell in row:
        if _local(cell.tag) not in ("table-cell", "covered-table-cell"):
            continue
        span = min(int(_attr(cell, "number-columns-repeated") or 1), _MAX_COLUMNS)
        text = "".join("".join(p.itertext()) for p in cell if _local(p.tag) == "p").strip()  # not comments
        has_value = any(_attr(cell, key) is not None for key in _ODS_VALUES)
        content = content or bool(text) or has_value or _attr(cell, "formula") is not None
        if _attr(cell, "formula") is not None and _has(cell, "value-type", "error"):
            layout.formula_errors.update(dict.fromkeys(_block(number, column, repeat, span), text or "#VALUE!"))
        elif _attr(cell, "formula") is not None and not has_value and not text:
            layout.unsaved_formulas.add((number, column))
        elif _has(cell, "value-type", "percentage"):
            layout.percent.update(_block(number, column, repeat, span))
        rows_spanned = int(_attr(cell, "number-rows-spanned") or 1)
        columns_spanned = int(_attr(cell, "number-columns-spanned") or 1)
        if rows_spanned > 1 or columns_spanned > 1:
            layout.merged.append(((number, column), (number + rows_spanned - 1, column + columns_spanned - 1)))
        column += span
    if content and _attr(row, "visibility") in ("collapse", "filter"):
        layout.hidden_rows.update(range(number, number + repeat))


def _block(row: int, column: int, rows: int, columns: int) -> Iterator[Cell]:
    """The cells of a repeated ODS cell, at most _MAX_REPEAT of them (a repeat may fill a whole sheet)."""
    for offset in range(min(rows * columns, _MAX_REPEAT)):
        yield row + offset // columns, column + offset % columns
