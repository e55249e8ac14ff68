"""The board pack's money section: each year's charges against budgets, and one-off costs (metrics/boardpack.py
calls `gather` and `section`; the tables also go into the pack's XLSX and CSV)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable

from metrics import money
from metrics import pdfparts as pdf


@dataclass(frozen=True)
class Money:
    """What the money section shows, read with the rest of the pack."""

    charges: pd.DataFrame
    one_off: pd.DataFrame


def gather(con: duckdb.DuckDBPyConnection) -> Money:
    """The charges and one-off costs as the Money page shows them (a database without them gives empty tables)."""
    return Money(money.charges(con), money.one_off_costs(con))


def tables(found: Money) -> dict[str, pd.DataFrame]:
    """The section's tables for the pack's XLSX and CSV files, by name."""
    return {"charges against budgets": found.charges, "one-off costs": found.one_off}


def _pounds(value: object) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "–"
    amount = float(value)  # type: ignore[arg-type]
    return f"{'−' if round(amount) < 0 else ''}£{abs(amount):,.0f}"


def _flag(illustrative: object) -> str:
    return "illustrative" if bool(illustrative) else "source"


def section(found: Money, number: int, st: pdf.Styles) -> list[Flowable]:
    """The section's PDF pages: charges against budgets by year, then one-off costs by item."""
    out: list[Flowable] = [pdf.para(f"{number}. Money", st.h1)]
    out.append(pdf.para("Charges against budgets", st.h2))
    if found.charges.empty:
        out.append(pdf.para("No cost pools or budgets have been loaded.", st.body))
    else:
        rows: list[list[Any]] = [["Year", "Council", "Share", "Charge", "Budget", "Over (+) / under (−)", "Figures"]]
        for r in found.charges.itertuples():
            share = "–" if pd.isna(r.share) else f"{float(r.share) * 100:.1f}%"  # type: ignore[arg-type]
            rows.append(
                [
                    r.financial_year,
                    r.partner_code,
                    share,
                    _pounds(r.charge),
                    _pounds(r.budget),
                    _pounds(r.over_budget),
                    _flag(r.illustrative),
                ]
            )
        out.append(pdf.table(rows, [18 * mm, 18 * mm, 16 * mm, 28 * mm, 28 * mm, 32 * mm, 22 * mm], st, {}))
        notes = found.charges[found.charges["budget_note"].fillna("") != ""]
        for r in notes.itertuples():
            estimate = "" if _pounds(r.estimated_charge) == "–" else f"; estimated charge {_pounds(r.estimated_charge)}"
            out.append(pdf.para(f"{r.partner_code}, {r.financial_year}: budget {r.budget_note}{estimate}.", st.small))
    out.append(pdf.para("One-off costs", st.h2))
    if found.one_off.empty:
        out.append(pdf.para("No one-off costs have been loaded.", st.body))
    else:
        rows = [["Council", "Item", "Kind", "Year", "Amount", "Figures"]]
        for r in found.one_off.itertuples():
            rows.append([r.partner_code, r.item, r.kind, r.financial_year, _pounds(r.amount), _flag(r.illustrative)])
        out.append(pdf.table(rows, [18 * mm, 70 * mm, 20 * mm, 18 * mm, 24 * mm, 22 * mm], st, {}))
        for code, group in found.one_off.groupby("partner_code"):
            by_kind = ", ".join(f"{_pounds(v)} {k}" for k, v in group.groupby("kind")["amount"].sum().items())
            out.append(pdf.para(f"{code}: {_pounds(group['amount'].sum())} in all ({by_kind}).", st.small))
    return [*out, CondPageBreak(90 * mm)]
