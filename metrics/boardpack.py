"""The strategy board's pack for a quarter: what it shows, read once, and its tables as XLSX and CSV; the PDF
itself is laid out by metrics/boardpack_pdf.py.

Every figure comes from the same queries as the pages (metrics.queries and metrics.board), approved figures
only, so the pack and the screen always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from metrics import board, boardpack_money, exports, queries, riskpack
from metrics.periods import Period


class PackError(Exception):
    """A board pack cannot be made as asked."""


@dataclass(frozen=True)
class Pack:
    """Everything the pack shows, read once from the database."""

    info: queries.PartnershipInfo
    period: Period
    today: date
    progress: pd.DataFrame
    exceptions: pd.DataFrame
    under_review: list[str]
    series: pd.DataFrame
    meetings: pd.DataFrame
    reviews: pd.DataFrame
    revisions: pd.DataFrame
    actions: pd.DataFrame
    completeness: pd.DataFrame
    owed: pd.DataFrame
    objectives: pd.DataFrame
    money: boardpack_money.Money | None = None  # charges and one-off costs (metrics/boardpack_money.py)
    risks: riskpack.RiskSection | None = None  # the risks and contracts section (metrics/riskpack.py)


def gather(con: duckdb.DuckDBPyConnection, period: Period, today: date) -> Pack:
    """Read what the pack for `period` shows (approved figures only, as members see them)."""
    info = queries.partnership(con)
    if info is None:
        raise PackError("the database has no framework yet; load one with `charter load-framework FILE`")
    if period.is_annual:
        raise PackError(f"a board pack covers one quarter, e.g. {period} Q4")
    progress = queries.progress_for_period(con, period)
    exceptions = board.exceptions(con, period)
    reviews = board.reviews(con, upto=period)
    objectives = queries.objectives(con)
    listed = set(exceptions["objective_code"]) | set(reviews.loc[reviews["period"] == str(period), "objective_code"])
    under_review = [c for c in objectives["code"] if c in listed]
    collection = queries.collection(con, period, today, info.data_due_days)
    return Pack(
        info=info,
        period=period,
        today=today,
        progress=progress,
        exceptions=exceptions,
        under_review=under_review,
        series=board.series(con, under_review, period),
        meetings=board.meetings(con, period),
        reviews=reviews,
        revisions=board.revisions(con),
        actions=board.actions(con, today, states=["overdue", "open"]),
        completeness=queries.completeness(con, period, today, info.data_due_days),
        owed=collection[collection["state"].isin(["missing", "overdue"])],
        objectives=objectives,
        money=boardpack_money.gather(con),
        risks=riskpack.gather(con, today),
    )


# --- the tables (also the XLSX and CSV) -----------------------------------------------------------------


def summary(pack: Pack) -> pd.DataFrame:
    """Each commitment x partner: how many objectives are in each status this quarter."""
    if pack.progress.empty:
        return pd.DataFrame(columns=["commitment_code", "commitment_title", "partner_code", *queries.STATUSES])
    keys = ["commitment_order", "commitment_code", "commitment_title", "partner_order", "partner_code"]
    counts = queries.status_counts(pack.progress, keys).sort_values(["commitment_order", "partner_order"])
    return counts.drop(columns=["commitment_order", "partner_order"]).reset_index(drop=True)


def tables(pack: Pack) -> dict[str, pd.DataFrame]:
    """The pack's underlying tables, by name, as plain columns (lists joined into text)."""
    exc = pack.exceptions.drop(columns=["commitment_order", "objective_order", "partner_order"], errors="ignore")
    for column in ("reasons", "recent_statuses", "recent_periods"):
        if column in exc:
            exc[column] = exc[column].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple | np.ndarray) else v
            )
    internal = ["partner_order", "kpi_order", "period_index", "effective_from_index"]  # for sorting, not reading
    found = {
        "summary": summary(pack),
        "exceptions": exc,
        "reviews": pack.reviews,
        "target revisions": pack.revisions,
        "open actions": pack.actions,
        "completeness": pack.completeness,
        "figures still owed": pack.owed,
        "meetings": pack.meetings,
    }
    found |= boardpack_money.tables(pack.money) if pack.money is not None else {}
    found |= riskpack.tables(pack.risks)
    return {name: _whose(frame.drop(columns=internal, errors="ignore"), pack) for name, frame in found.items()}


def _whose(frame: pd.DataFrame, pack: Pack) -> pd.DataFrame:
    """The table with its partnership's code first, as in every public view (docs/views.md), so a copy says whose."""
    if "partnership_code" in frame.columns:
        return frame
    return frame.assign(partnership_code=pack.info.short_name)[["partnership_code", *frame.columns]]


def xlsx_bytes(pack: Pack) -> bytes:
    return exports.xlsx_bytes(tables(pack))


def csv_files(pack: Pack) -> dict[str, bytes]:
    """One CSV per table, named for the quarter, e.g. board-pack-2025-26-Q2-exceptions.csv."""
    stem = file_stem(pack.period)
    return {f"{stem}-{name.replace(' ', '-')}.csv": exports.csv_bytes(frame) for name, frame in tables(pack).items()}


def file_stem(period: Period) -> str:
    return f"board-pack-{period.slug}"


def pdf_bytes(pack: Pack) -> bytes:
    """The board pack as a PDF (metrics/boardpack_pdf.py)."""
    from metrics import boardpack_pdf  # reportlab and Altair: loaded only when a PDF is asked for, not for a table

    return boardpack_pdf.pdf_bytes(pack)
