"""The strategy board's pack as a PDF (real text, charts, page numbers): cover, summary, exception report, a page
per objective under review, open actions and data completeness, from what metrics/boardpack.py gathered."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, SimpleDocTemplate, Spacer, Table

from metrics import boardcharts, boardpack_money, queries, riskpack
from metrics import pdfparts as pdf
from metrics.boardpack import Pack, summary
from metrics.status import Status

MONTHS = {1: "April to June", 2: "July to September", 3: "October to December", 4: "January to March"}


def _cover(pack: Pack, st: pdf.Styles) -> list[Flowable]:
    done = pack.completeness
    expected, received, approved = (int(done[c].sum()) for c in ("expected", "received", "approved"))
    awaiting, missing = int(done["awaiting_approval"].sum()), int(done["missing"].sum())
    due = pack.period.due(pack.info.data_due_days)
    state = "overdue" if pack.today > due else "not yet due"
    out: list[Flowable] = [
        Spacer(1, 30 * mm),
        pdf.para(pack.info.name, st.title),
        pdf.para("Strategy board pack", st.subtitle),
        Spacer(1, 6 * mm),
        pdf.para(f"{pack.period} ({MONTHS[pack.period.quarter or 4]} {pack.period.end.year})", st.subtitle),
        pdf.para(f"Prepared on {pack.today:%-d %B %Y}", st.subtitle),
        Spacer(1, 12 * mm),
        pdf.para("Data status", st.h2),
        pdf.para(
            f"Of the {expected} figures due for {pack.period} (by {due:%-d %B %Y}), {received} have been received "
            f"and {approved} approved; {awaiting} await approval and {missing} are missing"
            + (f" ({state})." if missing else "."),
            st.body,
        ),
        pdf.para("This pack uses approved figures only, as members and the public see them.", st.body),
    ]
    if not pack.meetings.empty:
        m = pack.meetings.iloc[0]
        out.append(
            pdf.para(f"Reviewed at the board meeting of {m['held_on']:%-d %B %Y}. Present: {m['attendees']}.", st.body)
        )
    if pack.info.illustrative:
        out.append(
            pdf.para(
                "Illustrative demonstration data: the councils are real, but every figure, target and objective "
                "here is made up to show how Charter works.",
                st.banner,
            )
        )
    out.append(pdf.para("Contents", st.h2))
    for line in (
        "1. Summary by commitment",
        "2. Exception report",
        "3. Objectives under review (one page each)",
        "4. Open actions",
        "5. Data completeness",
        *(["6. Money"] if pack.money is not None else []),
        riskpack.HEADING,
    ):
        out.append(pdf.para(line, st.body))
    return [*out, PageBreak()]


def _summary(pack: Pack, st: pdf.Styles, doc_width: float) -> list[Flowable]:
    out: list[Flowable] = [pdf.para(f"1. Summary by commitment, {pack.period}", st.h1)]
    counts = summary(pack)
    if counts.empty:
        return [*out, pdf.para(f"No objective has a target in {pack.period}.", st.body), PageBreak()]
    partners = pack.progress.sort_values("partner_order")[["partner_code", "partner_name"]].drop_duplicates()
    live = queries.running(pack.progress)  # ended objectives are counted apart (docs/progress-rules.md, 5)
    out.append(
        pdf.para(
            "For each commitment, how many of its objectives are in each status for each partner council. "
            "A partnership total never hides one council: the worst status is named.",
            st.body,
        )
    )
    names = [f"{r.partner_name} ({r.partner_code})" for r in partners.itertuples()]
    rows: list[list[Any]] = [["Commitment", *names, "Worst status"]]
    marks: dict[tuple[int, int], str] = {}
    for r, ((_, title), group) in enumerate(counts.groupby(["commitment_code", "commitment_title"], sort=False), 1):
        row: list[Any] = [title]
        for code in partners["partner_code"]:
            mine = group[group["partner_code"] == code]
            parts = [
                f"{int(mine[s].iloc[0])} {s.lower()}" for s in queries.STATUSES if not mine.empty and mine[s].iloc[0]
            ]
            row.append(", ".join(parts) or "–")
        statuses = live.loc[live["commitment_title"] == title, "status"]
        worst = queries.worst_status(statuses)
        row.append(worst)
        marks[(len(row) - 1, r)] = worst
        rows.append(row)
    n = len(partners)
    out.append(pdf.table(rows, [38 * mm] + [(118 * mm) / n] * n + [24 * mm], st, marks))
    totals = live["status"].value_counts()
    ended = queries.ended_summary(pack.progress)
    out.append(Spacer(1, 4 * mm))
    out.append(
        pdf.para(
            f"In all, {len(live)} running targets across {live['objective_code'].nunique()} objectives: "
            + ", ".join(f"{totals.get(s, 0)} {s.lower()}" for s in queries.STATUSES if totals.get(s, 0))
            + (f". {ended} (past their deadline)" if ended else "")
            + f". {len(pack.under_review)} objectives are on the exception list or were reviewed this quarter.",
            st.body,
        )
    )
    if not live.empty:
        out.append(pdf.chart_image(boardcharts.status_by_commitment(live), doc_width))
    return [*out, PageBreak()]


def _partner_rows(rows: pd.DataFrame, unit: str, st: pdf.Styles) -> Table:
    header = ["Partner", "Status", "Actual", "Target", "On last quarter", "Last four quarters", "Forecast", "Note"]
    out: list[list[Any]] = [header]
    marks = {}
    for r, row in enumerate(rows.itertuples(), 1):
        recent = getattr(row, "recent_statuses", None)
        recent = [] if recent is None or isinstance(recent, float) else list(recent)
        trend = " ".join(st.status(s).split(" ")[0] if st.fonts.symbols else s for s in recent) or "–"
        forecast = (
            f"{row.forecast} ({pdf.fmt(row.forecast_value, unit)} by {row.deadline_period})"
            if isinstance(row.forecast, str)
            else "–"
        )
        out.append(
            [row.partner_code, row.status, pdf.fmt(row.actual, unit), pdf.fmt(row.target, unit),
             pdf.text(row.direction), trend, forecast, pdf.text(row.note)]
        )  # fmt: skip
        marks[(1, r)] = str(row.status)
    widths = [16 * mm, 23 * mm, 18 * mm, 18 * mm, 19 * mm, 19 * mm, 30 * mm, 37 * mm]
    return pdf.table(out, widths, st, marks)


def _exception_report(pack: Pack, st: pdf.Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = [pdf.para(f"2. Exception report, {pack.period}", st.h1)]
    exc = pack.exceptions
    if exc.empty:
        return [
            *out,
            pdf.para("No objective is off track, at risk, overdue or near its deadline.", st.body),
            PageBreak(),
        ]
    out.append(
        pdf.para(
            f"{exc['objective_code'].nunique()} objectives are off track, at risk or overdue for a partner, "
            "forecast unlikely to meet their target, within two quarters of their deadline, or missing commentary "
            "on an off-track or at-risk figure. The chart counts their statuses by partner; the tables give "
            "each one's figures. Last four quarters: oldest first.",
            st.body,
        )
    )
    out.append(pdf.chart_image(boardcharts.status_by_partner(exc), width * 0.9))
    for (_, commitment), group in exc.groupby(["commitment_order", "commitment_title"], sort=True):
        out.append(CondPageBreak(40 * mm))
        out.append(pdf.para(commitment, st.h2))
        for _, rows in group.groupby("objective_order", sort=True):
            first = rows.iloc[0]
            block = [
                pdf.para(f"{first['objective_code']} {first['objective_title']}", st.h3),
                pdf.para("Why it is listed: " + "; ".join(first["reasons"]) + ".", st.small),
                Spacer(1, 2 * mm),
                _partner_rows(rows, str(first["unit"]), st),
            ]
            out.append(KeepTogether(block))
    return [*out, PageBreak()]


def _objective_page(pack: Pack, code: str, st: pdf.Styles, width: float) -> list[Flowable]:
    obj = pack.objectives.set_index("code").loc[code]
    unit = str(obj["unit"])
    out: list[Flowable] = [
        pdf.para(f"{code} {obj['title']}", st.h1),
        pdf.para(
            f"{obj['commitment_title']} · owner: {obj['owner']} · measure: {obj['kpi_name']} ({unit}, "
            f"{obj['polarity']} is better) · deadline {obj['deadline_period']}",
            st.small,
        ),
        Spacer(1, 3 * mm),
    ]
    rows = pack.exceptions[pack.exceptions["objective_code"] == code]
    if rows.empty:
        rows = pack.progress[pack.progress["objective_code"] == code]
    else:
        out.append(pdf.para("Why it is listed: " + "; ".join(rows.iloc[0]["reasons"]) + ".", st.body))
    if not rows.empty:
        out.append(_partner_rows(rows, unit, st))
    series = pack.series[pack.series["objective_code"] == code]
    if series["actual"].notna().any():
        out.append(Spacer(1, 3 * mm))
        out.append(pdf.chart_image(boardcharts.objective_by_partner(series, unit), width))
        out.append(
            pdf.para("Points are actual figures (shape and colour by status); the dashed line is the target.", st.small)
        )
    out += _revisions(pack, code, unit, st) + _decisions(pack, code, st)
    return [*out, PageBreak()]


def _revisions(pack: Pack, code: str, unit: str, st: pdf.Styles) -> list[Flowable]:
    revised = pack.revisions[pack.revisions["objective_code"] == code]
    if revised.empty:
        return []
    out: list[Flowable] = [pdf.para("Target revisions (the original targets are kept)", st.h3)]
    for r in revised.itertuples():
        note = "" if r.in_force else " (since replaced)"
        out.append(
            pdf.para(
                f"{r.partner_code}: from {r.applies_from}, {pdf.fmt(r.value, unit)} by {r.deadline} (was "
                f"{pdf.fmt(r.was, unit)}){note}. Reason: {r.reason}. Recorded by {r.recorded_by} on "
                f"{pdf.day(r.recorded_at)}.",
                st.small,
            )
        )
    return out


def _decisions(pack: Pack, code: str, st: pdf.Styles) -> list[Flowable]:
    out: list[Flowable] = []
    reviews = pack.reviews[pack.reviews["objective_code"] == code]
    out.append(pdf.para("Board decisions", st.h3))
    if reviews.empty:
        out.append(pdf.para("The board has not reviewed this objective before.", st.small))
    for r in reviews.head(5).itertuples():
        action = f" Action: {r.actions}." if isinstance(r.actions, str) else ""
        comment = f" {r.comment}" if isinstance(r.comment, str) and r.comment else ""
        out.append(
            pdf.para(
                f"{pdf.day(r.held_on)} ({r.period} review): assessed {r.assessment}; decision: {r.decision}."
                f"{comment}{action} Recorded by {r.recorded_by}.",
                st.small,
            )
        )
    actions = pack.actions[pack.actions["objective_code"] == code]
    if not actions.empty:
        out.append(pdf.para("Open actions", st.h3))
        for a in actions.itertuples():
            out.append(pdf.para(f"{a.description}: {a.owner}, due {pdf.day(a.due_on)} ({a.state}).", st.small))
    return out


def _actions(pack: Pack, st: pdf.Styles) -> list[Flowable]:
    out: list[Flowable] = [pdf.para("4. Open actions", st.h1)]
    if pack.actions.empty:
        return [*out, pdf.para("The board has no open actions.", st.body), CondPageBreak(90 * mm)]
    overdue = int((pack.actions["state"] == "overdue").sum())
    count = len(pack.actions)
    out.append(
        pdf.para(
            f"{count} open action{'s' * (count != 1)}, {overdue} of them overdue on {pack.today:%-d %B %Y}.", st.body
        )
    )
    rows: list[list[Any]] = [["Objective", "Action", "Owner", "Due", "State", "Agreed"]]
    for a in pack.actions.itertuples():
        agreed = pdf.day(a.agreed_on if pd.notna(a.agreed_on) else a.recorded_at, "%-d %b %Y")  # type: ignore[arg-type]
        rows.append([a.objective_code, a.description, a.owner, pdf.day(a.due_on, "%-d %b %Y"), a.state, agreed])
    out.append(pdf.table(rows, [18 * mm, 70 * mm, 35 * mm, 20 * mm, 16 * mm, 20 * mm], st, {}))
    return [*out, CondPageBreak(90 * mm)]


def _completeness(pack: Pack, st: pdf.Styles) -> list[Flowable]:
    due = pack.period.due(pack.info.data_due_days)
    out: list[Flowable] = [
        pdf.para(f"5. Data completeness, {pack.period}", st.h1),
        pdf.para(f"Figures for {pack.period} were due by {due:%-d %B %Y}.", st.body),
    ]
    head = ["Partner", "Expected", "Received", "Approved", "Awaiting approval", "Missing", Status.OVERDUE.word]
    rows: list[list[Any]] = [head]
    for r in pack.completeness.itertuples():
        rows.append([r.partner_name, r.expected, r.received, r.approved, r.awaiting_approval, r.missing, r.overdue])
    out.append(pdf.table(rows, [52 * mm] + [21 * mm] * 6, st, {}))
    out.append(pdf.para("Figures still owed", st.h2))
    if pack.owed.empty:
        out.append(pdf.para(f"Every figure due for {pack.period} has been received.", st.body))
    for name, group in pack.owed.groupby("partner_name", sort=False):
        owed = ", ".join(f"{r.kpi_code} {r.kpi_name}" for r in group.itertuples())
        out.append(pdf.para(f"{name} ({len(group)}, {group['state'].iloc[0]}): {owed}", st.small))
    return out


def _footer(pack: Pack) -> str:
    label = f"{pack.info.short_name} strategy board pack · {pack.period}"
    return label + (" · illustrative demonstration data" if pack.info.illustrative else "")


def pdf_bytes(pack: Pack) -> bytes:
    """The board pack as a PDF: cover, summary, exception report, a page per objective, actions, completeness."""
    fonts = pdf.fonts()
    st = pdf.Styles(fonts)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"{pack.info.name}: strategy board pack, {pack.period}",
        author=pack.info.name,
        subject=f"Performance against the Partnership Charter, {pack.period}",
        creator="Charter",
        lang="en-GB",
    )
    width = doc.width
    story: list[Flowable] = _cover(pack, st) + _summary(pack, st, width) + _exception_report(pack, st, width)
    story.append(pdf.para("3. Objectives under review", st.h1))
    story.append(
        pdf.para(
            f"One page for each of the {len(pack.under_review)} objectives on the exception list or reviewed "
            f"by the board for {pack.period}.",
            st.body,
        )
    )
    for code in pack.under_review:
        story += _objective_page(pack, code, st, width)
    story += _actions(pack, st) + _completeness(pack, st)
    story += boardpack_money.section(pack.money, 6, st) if pack.money is not None else []
    story += riskpack.story(pack.risks, st)
    doc.build(story, canvasmaker=pdf.numbered(_footer(pack), fonts))
    return bytes(out.getvalue())
