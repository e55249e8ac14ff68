"""A council's scorecard for a quarter on one printable page (PDF): the objectives off track and at risk first,
with actual against target, then the other running ones, the ended ones apart, the counts, and when the figures
were last updated. Status is said in words with a symbol; the colour only helps. Approved figures only, from the
same queries as the Partner scorecard page (metrics/queries.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, SimpleDocTemplate, Spacer

from metrics import pdfparts as pdf
from metrics import queries
from metrics.periods import Period
from metrics.status import Status
from metrics.store import read_sql

FIRST = (Status.OFF_TRACK, Status.AT_RISK)  # what the page opens with, worst first
MARGIN = 14 * mm
HEADER = ["Objective", "Status", "Actual", "Target", "On last quarter", "Forecast"]
WIDTHS = [78 * mm, 27 * mm, 18 * mm, 18 * mm, 20 * mm, 21 * mm]


class ScorecardError(Exception):
    """A scorecard cannot be made as asked."""


@dataclass(frozen=True)
class Scorecard:
    """What one council's scorecard shows, read once from the database."""

    info: queries.PartnershipInfo
    partner: str
    name: str
    period: Period
    progress: pd.DataFrame  # the council's rows of progress_for_period, worst first
    latest_period: str | None
    approved_at: datetime | None
    today: date


def _worst_first(rows: pd.DataFrame) -> pd.DataFrame:
    rank = rows["status"].map(lambda w: s.rank if (s := Status.find(w)) else len(Status))
    return rows.assign(_rank=rank).sort_values(["_rank", "objective_order"], kind="stable").drop(columns="_rank")


def gather(con: duckdb.DuckDBPyConnection, partner: str, period: Period, today: date) -> Scorecard:
    """Read what `partner`'s scorecard for `period` shows (approved figures only, as members see them)."""
    info = queries.partnership(con)
    if info is None:
        raise ScorecardError("the database has no framework yet; load one with `charter load-framework FILE`")
    names = queries.partners(con).set_index("code")["name"]
    if partner not in names:
        raise ScorecardError(f"there is no council '{partner}': choose one of {', '.join(names.index)}")
    progress = queries.progress_for_period(con, period)
    latest, approved = con.execute(read_sql("scorecard_last_updated"), {"partner": partner}).fetchall()[0]
    mine = _worst_first(progress[progress["partner_code"] == partner])
    return Scorecard(info, partner, str(names[partner]), period, mine, latest, approved, today)


def _status(word: object, styles: pdf.Styles) -> Flowable:
    """A status cell: the members' words with the symbol, in the text colour that passes contrast on its fill."""
    found = Status.find(word)
    said = found.said if found else pdf.text(word)
    shown = f"{found.symbol} {said}" if found and styles.fonts.symbols else said
    return pdf.para(shown, ParagraphStyle("status", styles.head, textColor=found.ink if found else "#0b0c0c"))


def _table(rows: pd.DataFrame, styles: pdf.Styles) -> Flowable:
    out: list[list[Any]] = [HEADER]
    marks: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows.itertuples(), 1):
        unit = str(row.unit)
        out.append(
            [f"{row.objective_code} {row.objective_title}", _status(row.status, styles), pdf.fmt(row.actual, unit),
             pdf.fmt(row.target, unit), pdf.text(row.direction), pdf.text(row.forecast)]
        )  # fmt: skip
        marks[(1, r)] = str(row.status)
    return pdf.table(out, WIDTHS, styles, marks)


def _counts(card: Scorecard) -> str:
    running = queries.running(card.progress)
    found = running["status"].value_counts()
    parts = [f"{found[s.word]} {s.said.lower()}" for s in sorted(Status, key=lambda s: s.rank) if found.get(s.word)]
    line = f"{len(running)} objectives running in {card.period}" + (f": {', '.join(parts)}." if parts else ".")
    ended = queries.ended_summary(card.progress)
    return line + (f" {ended} (past their deadline, listed apart)." if ended else "")


def _updated(card: Scorecard) -> str:
    if card.latest_period is None or card.approved_at is None:
        return f"Last updated: {card.name} has no approved figure yet."
    return (
        f"Last updated: the newest approved figure is for {card.latest_period}, approved on "
        f"{card.approved_at:%-d %B %Y}."
    )


def _ended(card: Scorecard, styles: pdf.Styles) -> list[Flowable]:
    ended = queries.ended(card.progress)
    if ended.empty:
        return []
    rows: list[list[Any]] = [["Objective", "Result", "Deadline", "Judged on"]]
    marks: dict[tuple[int, int], str] = {}
    for r, row in enumerate(ended.itertuples(), 1):
        basis = queries.result_basis(str(row.result_source), row.decided_by, row.decided_on, str(row.deadline_period))
        rows.append([f"{row.objective_code} {row.objective_title}", _status(row.status, styles), row.deadline_period,
                     basis])  # fmt: skip
        marks[(1, r)] = str(row.status)
    return [pdf.para("Ended objectives (past their deadline)", styles.h3),
            pdf.table(rows, [78 * mm, 27 * mm, 20 * mm, 57 * mm], styles, marks)]  # fmt: skip


def _story(card: Scorecard, styles: pdf.Styles) -> list[Flowable]:
    running = queries.running(card.progress)
    first = running[running["status"].isin([s.word for s in FIRST])]
    rest = running[~running.index.isin(first.index)]
    out: list[Flowable] = [
        pdf.para(f"{card.name}: scorecard, {card.period}", styles.h1),
        pdf.para(f"{card.info.name} · approved figures only · made on {card.today:%-d %B %Y}", styles.small),
        pdf.para(_updated(card), styles.small),
        Spacer(1, 2 * mm),
        pdf.para(_counts(card), styles.body),
    ]
    if card.info.illustrative:
        out.append(pdf.para("Illustrative demonstration data: every figure, target and objective here is made up to "
                            "show how Charter works.", styles.banner))  # fmt: skip
    out.append(pdf.para(f"{FIRST[0].said} and {FIRST[1].said.lower()}", styles.h3))
    words = " or ".join(s.said.lower() for s in FIRST)
    out.append(_table(first, styles) if not first.empty else pdf.para(f"No objective is {words}.", styles.body))
    if not rest.empty:
        out += [pdf.para("The other running objectives", styles.h3), _table(rest, styles)]
    return out + _ended(card, styles)


def pdf_bytes(card: Scorecard) -> bytes:
    """The scorecard on one A4 page: a long list is shrunk to fit rather than run onto a second page."""
    fonts = pdf.fonts()
    styles = pdf.Styles(fonts)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=18 * mm,
        title=f"{card.name}: scorecard, {card.period}", author=card.info.name, creator="Charter", lang="en-GB",
        subject=f"Performance against the Partnership Charter, {card.period}",
    )  # fmt: skip
    page = KeepInFrame(doc.width, doc.height, _story(card, styles), mode="shrink")
    label = f"{card.info.short_name} scorecard · {card.name} · {card.period}"
    label += " · illustrative demonstration data" if card.info.illustrative else ""
    doc.build([page], canvasmaker=pdf.numbered(label, fonts))
    return bytes(out.getvalue())
