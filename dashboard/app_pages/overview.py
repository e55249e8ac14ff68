"""Overview: for the chosen quarter, how every objective stands, by commitment and principle and partner."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from html import escape

import pandas as pd
import streamlit as st

from dashboard import attention, ended, resources
from dashboard import components as ui
from metrics import queries
from metrics.status import Status

sel = ui.selection()
info = resources.partnership()
progress = resources.progress_for_period(sel.period)
if sel.partner:
    progress = progress[progress["partner_code"] == sel.partner]
partners = resources.cached(queries.partners).set_index("code")
present = set(progress["partner_code"])  # once: a set per partner made the Overview's cost grow with councils squared
shown_partners = [c for c in partners.index if c in present]

st.title("Overview")
who = str(partners.loc[sel.partner, "name"]) if sel.partner else "every partner council"
st.caption(ui.plain(f"{info.name} · {sel.period} · {who} · approved figures only"))
ui.last_updated()

if progress.empty:
    st.info(f"No objective has a target in {sel.period}. Choose another quarter in the sidebar.")
    st.stop()
attention.show(sel.period, sel.partner)  # what is wrong, and where, before how many
everything, progress = progress, queries.running(progress)  # counts below: objectives still running

# --- headline -----------------------------------------------------------------------------------------
counts = progress["status"].value_counts()
total = len(progress)
st.header("At a glance")
parts = [f"{counts.get(s, 0)} {ui.said(s).lower()}" for s in queries.STATUSES if counts.get(s, 0)]
st.markdown(
    f"Across {progress['objective_code'].nunique()} objectives and {len(shown_partners)} "
    f"{'council' if len(shown_partners) == 1 else 'councils'}, there are {total} targets this quarter: "
    + ", ".join(parts)
    + "."
)
cols = st.columns(len(queries.STATUSES))
for col, status in zip(cols, queries.STATUSES, strict=True):
    col.metric(f"{ui.symbol(status)} {ui.said(status)}", int(counts.get(status, 0)), border=True)
ended.show(everything, f"Objectives past their deadline in {sel.period}, with their results")


# --- headline KPIs -----------------------------------------------------------------------------------
st.header("Headline KPIs")
whose = "partnership" if not sel.partner else ui.plain(partners.loc[sel.partner, "name"])
st.markdown(
    f"The {whose} figure for each KPI in the "
    f"eight quarters to {sel.period}: digital strategy beside ICT service performance."
)
headline = resources.cached(queries.headline_kpis, sel.period, sel.partner)
left, right = st.columns(2)
for column, category, label in ((left, "digital", "Digital strategy"), (right, "ict", "ICT service performance")):
    part = headline[headline["category"] == category].assign(
        figure=lambda f: ui.figures(f, "latest"),
        name=lambda f: f["kpi_name"] + f["polarity"].map({"higher": " ↑", "lower": " ↓"}),
        direction=lambda f: f["direction"].fillna("–"),
    )
    column.markdown(f"**{label}** (↑ higher is better, ↓ lower is better)")
    column.dataframe(
        part[["name", "figure", "councils", "direction", "trend"]]
        if not sel.partner
        else part[["name", "figure", "direction", "trend"]],
        hide_index=True,
        column_config={
            "name": st.column_config.TextColumn("KPI", width="medium"),
            "figure": st.column_config.TextColumn("Latest", width="small"),
            "councils": st.column_config.TextColumn(
                "Councils", help="How many councils' figures make up the latest", width="small"
            ),
            "direction": st.column_config.TextColumn("Change", help="On the quarter before", width="small"),
            "trend": st.column_config.LineChartColumn("Last 8 quarters", width="small"),
        },
    )


# --- commitments x partners -------------------------------------------------------------------------
def cell(statuses: Iterable[str]) -> str:
    """A cell: a count per status present, each with its symbol and word, the worst first."""
    counts = Counter(statuses)
    return " ".join(ui.chip(s, f"{counts[s]} {ui.said(s).lower()}") for s in queries.WORST_FIRST if counts[s]) or "—"


def matrix(frame: pd.DataFrame, key: str, title: str, caption: str) -> None:
    header = [title, *[partners.loc[c, "name"] for c in shown_partners]]
    if len(shown_partners) > 1:
        header.append("Partnership (worst named)")
    rows = []
    for (_, label), group in frame.groupby([f"{key}_order", f"{key}_title"], sort=True):
        row = [ui.plain(label)]
        mine: dict[str, list[str]] = {}  # each partner's statuses, in one pass (not a filter per partner)
        for code, status in zip(group["partner_code"], group["status"], strict=True):
            mine.setdefault(code, []).append(status)
        row += [cell(mine.get(c, [])) for c in shown_partners]
        if len(shown_partners) > 1:
            worst = queries.worst_status(group["status"])
            row.append(f"{cell(group['status'])}<br><small>Worst: {escape(ui.said(worst).lower())}</small>")
        rows.append(row)
    st.markdown(ui.scrolling(ui.html_table(caption, header, rows), caption), unsafe_allow_html=True)


st.header("By commitment")
matrix(
    progress,
    "commitment",
    "Commitment",
    f"Objectives' status by commitment and partner council, {sel.period}",
)

principles = resources.cached(queries.objective_principles)
by_principle = progress.merge(principles, on="objective_code")
if not by_principle.empty:
    st.header("By principle")
    by_principle = by_principle.rename(columns={"strapline": "principle_title"})
    matrix(by_principle, "principle", "Principle", f"Objectives' status by principle and partner, {sel.period}")

# --- what changed -------------------------------------------------------------------------------------
st.header(f"What changed since {sel.period.previous()}")
changes = resources.cached(queries.status_changes, sel.period)
if sel.partner:
    changes = changes[changes["partner_code"] == sel.partner]
if changes.empty:
    st.markdown("No objective changed status since the previous quarter.")
else:
    worse, better = (changes["movement"] == "worse").sum(), (changes["movement"] == "better").sum()
    done = (changes["movement"] == "ended").sum()
    other = len(changes) - worse - better - done
    st.markdown(
        f"{better} improved and {worse} got worse"
        + (
            f"; {other} moved to or from *{Status.OVERDUE.said.lower()}* or *{Status.NO_DATA.said.lower()}*"
            if other
            else ""
        )
        + (f"; {done} reached their deadline and show their result." if done else ".")
    )
    rows = [
        [
            ui.plain(f"{r.objective_code} {r.objective_title}"),
            ui.plain(r.partner_name),
            ui.chip(r.was),
            ui.chip(r.now),
            escape({"better": "↑ better", "worse": "↓ worse", "ended": "ended"}.get(str(r.movement), "changed")),
        ]
        for r in changes.itertuples()
    ]
    changed = f"Status changes between {sel.period.previous()} and {sel.period}"
    table = ui.html_table(changed, ["Objective", "Partner", "Was", "Now", "Movement"], rows)
    st.markdown(ui.scrolling(table, changed), unsafe_allow_html=True)

# --- data completeness --------------------------------------------------------------------------------
st.header("Figures received")
received = resources.cached(queries.completeness, sel.period, resources.today(), info.data_due_days)
if sel.partner:
    received = received[received["partner_code"] == sel.partner]
due_on = received["due_on"].iloc[0] if not received.empty else sel.period.due(info.data_due_days)
st.markdown(f"Figures for {sel.period} were due by **{due_on:%-d %B %Y}**.")
st.dataframe(
    received[["partner_name", "expected", "received", "approved", "awaiting_approval", "missing", "overdue"]],
    hide_index=True,
    column_config={
        "partner_name": "Partner",
        "expected": st.column_config.NumberColumn("Expected", help="KPIs due for this quarter"),
        "received": "Received",
        "approved": "Approved",
        "awaiting_approval": st.column_config.NumberColumn("Awaiting approval"),
        "missing": "Not yet received",
        "overdue": st.column_config.NumberColumn(Status.OVERDUE.said, help="Not received and past the due date"),
    },
)
