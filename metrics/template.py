"""The quarterly template: one row per KPI for a partner and period, ready to fill in and send back."""

from __future__ import annotations

import io

import duckdb
import xlsxwriter

from metrics.periods import Period

COLUMNS = [
    ("partner", 10),
    ("period", 12),
    ("kpi", 9),
    ("kpi_name", 44),
    ("unit", 8),
    ("better", 10),
    ("definition", 60),
    ("last_period", 12),
    ("last_value", 11),
    ("target", 10),
    ("value", 12),
    ("note", 50),
]
VALUE_COL = [c for c, _ in COLUMNS].index("value")


class TemplateError(Exception):
    """The template cannot be made as asked."""


def find_partner(con: duckdb.DuckDBPyConnection, partner: str, period: Period) -> tuple[str, str]:
    """The code and name of the partner given by code or name, refusing one not in the partnership in `period`."""
    found = con.execute(
        "SELECT code, name, joined_on, left_on FROM core.partner "
        "WHERE upper(code) = upper(trim($p)) OR lower(name) = lower(trim($p))",
        {"p": partner},
    ).fetchall()
    if not found:
        codes = [r[0] for r in con.execute("SELECT code FROM core.partner ORDER BY sort_order").fetchall()]
        raise TemplateError(f"there is no partner '{partner}'; use one of {', '.join(codes)}")
    code, name, joined, left = found[0]
    if left is not None and period.start > left:
        raise TemplateError(f"{name} was not a partner in {period} (it left on {left:%-d %B %Y})")
    if period.end < joined:
        raise TemplateError(f"{name} was not a partner in {period} (it joined on {joined:%-d %B %Y})")
    return code, name


def rows(con: duckdb.DuckDBPyConnection, partner: str, period: Period) -> tuple[str, list[list[object]]]:
    """The partner's name and one row per KPI due for `period` (annual KPIs are due with Q4)."""
    code, name = find_partner(con, partner, period)
    periods = [(period.index, period.is_annual)]
    if period.quarter == 4:
        periods.append((period.index, True))
    data = con.execute(
        """
        WITH wanted AS (SELECT unnest($idx) AS idx, unnest($annual) AS annual),
        figures AS (SELECT * FROM core.current_figures(false) WHERE partner_code = $p),
        targets AS (
            SELECT kpi_code, period_index, min(target) AS target FROM core.progress(core.as_of(), false)
            WHERE partner_code = $p GROUP BY ALL
        )
        SELECT $p, core.period_label(w.idx, w.annual), k.code, k.name, k.unit,
               k.polarity || ' is better', k.definition,
               last.period, last.value, t.target, cur.value, cur.note
        FROM core.kpi k
        JOIN wanted w ON (k.frequency = 'annual') = w.annual
        LEFT JOIN figures cur ON cur.kpi_code = k.code AND cur.period_index = w.idx AND cur.is_annual = w.annual
        LEFT JOIN targets t ON t.kpi_code = k.code AND t.period_index = w.idx
        ASOF LEFT JOIN (SELECT * FROM figures WHERE value IS NOT NULL) last
            ON last.kpi_code = k.code AND last.is_annual = w.annual AND last.period_index < w.idx
        ORDER BY w.annual, k.sort_order
        """,
        {"p": code, "idx": [i for i, _ in periods], "annual": [a for _, a in periods]},
    ).fetchall()
    return name, [list(r) for r in data]


def build(con: duckdb.DuckDBPyConnection, partner: str, period: Period) -> bytes:
    """The template as XLSX bytes. Figures already sent for the period are filled in, to correct."""
    name, data = rows(con, partner, period)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    head = book.add_format({"bold": True, "bg_color": "#0b0c0c", "font_color": "#ffffff", "text_wrap": True})
    fixed = book.add_format({"bg_color": "#f3f2f1", "text_wrap": False})
    # Text cells carry Excel's quote prefix: a note or name such as =HYPERLINK(...) stays text when opened or
    # edited, and reads back unchanged (an apostrophe in the cell would come back as part of the note).
    words = book.add_format({"bg_color": "#f3f2f1", "text_wrap": False, "quote_prefix": True})
    wrap = book.add_format({"bg_color": "#f3f2f1", "text_wrap": True, "valign": "top", "quote_prefix": True})
    # The value column is text so that "72.5%" stays 72.5 rather than becoming 0.725.
    fill = book.add_format({"bg_color": "#fff7bf", "num_format": "@", "border": 1, "border_color": "#505a5f"})
    note = book.add_format(
        {"bg_color": "#fff7bf", "num_format": "@", "quote_prefix": True, "text_wrap": True, "border": 1,
         "border_color": "#505a5f"}
    )  # fmt: skip
    sheet = book.add_worksheet("Figures")
    for col, (title, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, head)
    for r, row in enumerate(data, start=1):
        for col, cell in enumerate(row):
            title = COLUMNS[col][0]
            fmt = fill if title == "value" else note if title == "note" else wrap if title == "definition" else fixed
            if cell is None:
                sheet.write_blank(r, col, None, fmt)
            elif title == "value":
                sheet.write_string(r, col, _number_text(cell), fmt)
            elif isinstance(cell, int | float):
                sheet.write_number(r, col, float(cell), fmt)
            else:
                sheet.write_string(r, col, str(cell), words if fmt is fixed else fmt)
    sheet.freeze_panes(1, 4)
    sheet.autofilter(0, 0, max(len(data), 1), len(COLUMNS) - 1)
    _instructions(book, name, period, len(data))
    book.close()
    return out.getvalue()


def _number_text(value: object) -> str:
    """A figure written back exactly: 1234567 and 123456.78, never rounded or in exponent form as `:g` would."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _instructions(book: xlsxwriter.Workbook, name: str, period: Period, count: int) -> None:
    sheet = book.add_worksheet("How to fill in")
    sheet.set_column(0, 0, 110)
    bold = book.add_format({"bold": True, "font_size": 14})
    lines = [
        f"Quarterly figures for {name}, {period}",
        "",
        f"1. On the Figures sheet, type each figure in the yellow 'value' column ({count} rows).",
        "   Write the number alone: 72.5, 72.5%, 1,234 and £1,234 are all fine.",
        "2. Add a note to explain a figure that has changed a lot, or missed its target.",
        "3. If you cannot give a figure, leave 'value' blank and say why in 'note'.",
        "4. Do not change the partner, period or kpi columns. The grey columns are for your information;",
        "   you may leave them as they are.",
        "5. Save the file (XLSX, ODS or CSV) and upload it on the Upload page, or send it to your",
        "   performance lead. Every problem is listed with its row and column, and nothing is loaded",
        "   until the whole file is right.",
    ]
    for r, text in enumerate(lines):
        sheet.write_string(r, 0, text, bold if r == 0 else None)
