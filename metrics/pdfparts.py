"""Building blocks for printed reports (reportlab): fonts, styles, tables with status cells, charts, page numbers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from metrics import boardcharts, formatting
from metrics.status import Status

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    symbols: bool  # whether the font has ✓ ✕ ◷ (DejaVu does; the built-in Helvetica does not)


def fonts() -> Fonts:
    """DejaVu Sans (Debian's fonts-dejavu-core) if present: it has £, – and the status symbols."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return Fonts("Helvetica", "Helvetica-Bold", symbols=False)
    if "CharterSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("CharterSans", str(regular)))
        pdfmetrics.registerFont(TTFont("CharterSans-Bold", str(bold)))
        pdfmetrics.registerFontFamily("CharterSans", normal="CharterSans", bold="CharterSans-Bold")
    return Fonts("CharterSans", "CharterSans-Bold", symbols=True)


class Styles:
    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        base = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13.5, spaceAfter=5)
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=8.5, leading=11, spaceAfter=0)
        self.cell = ParagraphStyle("cell", base, fontSize=8.5, leading=10.5, spaceAfter=0)
        self.head = ParagraphStyle("head", self.cell, fontName=fonts.bold)
        self.h1 = ParagraphStyle("h1", base, fontName=fonts.bold, fontSize=18, leading=23, spaceAfter=10)
        self.h2 = ParagraphStyle("h2", base, fontName=fonts.bold, fontSize=13.5, leading=17, spaceBefore=8)
        self.h3 = ParagraphStyle("h3", base, fontName=fonts.bold, fontSize=11, leading=14, spaceBefore=6)
        self.title = ParagraphStyle("title", self.h1, fontSize=26, leading=32, alignment=TA_CENTER)
        self.subtitle = ParagraphStyle("subtitle", base, fontSize=14, leading=19, alignment=TA_CENTER)
        self.banner = ParagraphStyle(
            "banner", base, backColor=colors.HexColor("#fff7bf"), borderPadding=6, spaceBefore=8, spaceAfter=12
        )

    def status(self, status: str) -> str:
        found = Status.find(status)
        return f"{found.symbol} {status}" if self.fonts.symbols and found else str(status)


def para(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def fmt(value: object, unit: str, decimals: object = None) -> str:
    """A figure with its unit to its KPI's decimals, as the pages write it (metrics/formatting.py)."""
    return formatting.figure(value, unit, decimals)


def day(value: object, form: str = "%-d %B %Y") -> str:
    """A date as people write it (18 November 2025); a dash when there is none."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "–"
    return pd.Timestamp(value).strftime(form)  # type: ignore[arg-type]


def text(value: object, default: str = "–") -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":  # type: ignore[call-overload]
        return default
    return str(value)


def table(rows: list[list[Any]], widths: list[float], styles: Styles, statuses: dict[tuple[int, int], str]) -> Table:
    """A table with a header row; cells are wrapped text, and the cells in `statuses` (column, row) show a
    status as its symbol and word on the status colour."""

    def cell(value: Any, col: int, row: int) -> Flowable:
        if isinstance(value, Flowable):
            return value
        if (col, row) in statuses:
            found = Status.find(statuses[(col, row)])
            ink = found.ink if found else "#0b0c0c"
            return para(styles.status(statuses[(col, row)]), ParagraphStyle("status", styles.head, textColor=ink))
        return para(value, styles.head if row == 0 else styles.cell)

    data = [[cell(value, c, r) for c, value in enumerate(row)] for r, row in enumerate(rows)]
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b1b4b6")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for (col, row), status in statuses.items():
        fill = found.fill if (found := Status.find(status)) else "#ffffff"
        commands.append(("BACKGROUND", (col, row), (col, row), colors.HexColor(fill)))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def chart_image(chart: Any, width: float) -> Image:
    png = boardcharts.png(chart)
    image = Image(io.BytesIO(png))
    ratio = width / image.imageWidth
    image.drawWidth, image.drawHeight = width, image.imageHeight * ratio
    return image


def numbered(label: str, fonts: Fonts) -> type[canvas.Canvas]:
    """A canvas that writes `label` and "Page N of M" at the foot of every page."""

    class Numbered(canvas.Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(fonts.regular, 8)
                self.setFillColor(colors.HexColor("#505a5f"))
                self.drawString(15 * mm, 10 * mm, label)
                self.drawRightString(A4[0] - 15 * mm, 10 * mm, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return Numbered
