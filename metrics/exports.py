"""Files people download: CSV and XLSX with spreadsheet formulas neutralised (docs/architecture.md)."""

from __future__ import annotations

import io
from datetime import date, datetime

import numpy as np
import pandas as pd
import xlsxwriter

# OWASP's CSV injection list (= + - @, tab, carriage return), a line feed, and the full-width forms that
# Excel in East Asian locales reads as the same signs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text_column(column: pd.Series) -> bool:
    """Whether a column can hold text: anything but numbers, true/false and timestamps (categories included)."""
    kinds = pd.api.types
    return not (kinds.is_numeric_dtype(column) or kinds.is_bool_dtype(column) or kinds.is_datetime64_any_dtype(column))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) cannot run as formulas."""
    out = frame.copy()
    for i in range(out.shape[1]):  # by position: two columns may share a name
        if _text_column(out.iloc[:, i]):
            out.isetitem(i, out.iloc[:, i].astype(object).map(neutralise).to_numpy())
    out.columns = [str(neutralise(str(c))) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM, so Excel shows "£" and "–" correctly. Rows end in CRLF, so that a cell holding a
    lone carriage return is quoted: unquoted, it would end the row there and start a cell such as =HYPERLINK(...)."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook with one sheet per table; text is written as text (never a formula or a link)
    and neutralised as in the CSV, so a cell stays harmless even after someone edits it."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    )
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "d mmm yyyy"})
    stamp = book.add_format({"num_format": "d mmm yyyy hh:mm"})
    for name, frame in sheets.items():
        sheet = book.add_worksheet(name[:31])
        safe = safe_frame(frame)
        sheet.write_row(0, 0, [str(c) for c in safe.columns], bold)
        sheet.freeze_panes(1, 0)
        for r, row in enumerate(safe.itertuples(index=False), start=1):
            for c, value in enumerate(row):
                if isinstance(value, list | tuple | np.ndarray):
                    value = neutralise("; ".join(str(v) for v in value))
                if value is None or (not isinstance(value, str) and pd.isna(value)):
                    continue
                if isinstance(value, datetime | pd.Timestamp):
                    sheet.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), stamp)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, bool | np.bool_):
                    sheet.write_boolean(r, c, bool(value))
                elif isinstance(value, int | float | np.integer | np.floating):
                    sheet.write_number(r, c, float(value))
                else:
                    sheet.write_string(r, c, str(value))
        sheet.set_column(0, max(len(safe.columns) - 1, 0), 16)
    book.close()
    return out.getvalue()
