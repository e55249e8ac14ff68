"""Overview: for the chosen quarter, how every objective stands, by commitment and principle and partner."""

from __future__ import annotations

import streamlit as st

from dashboard import attention, ended, resources
from dashboard import components as ui
from dashboard import overview_tables as tables
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
def table(found: tables.Table | None, caption: str) -> None:
    """A table's header and rows (dashboard/overview_tables.py) as an accessible table that scrolls by itself."""
    if found is not None:
        st.markdown(ui.scrolling(ui.html_table(caption, *found), caption), unsafe_allow_html=True)


# Every partner (the default): made once per data version for every session (dashboard/overview_tables.py).
read = (queries.progress_for_period, sel.period)  # the read resources.progress_for_period makes
st.header("By commitment")
commitments = (
    tables.by_commitment(everything) if sel.partner else resources.derived(tables.by_commitment, *read, published=True)
)
table(commitments, f"Objectives' status by commitment and partner council, {sel.period}")
principles = (
    tables.by_principle(everything, resources.cached(queries.objective_principles))
    if sel.partner
    else resources.derived(tables.every_principle, *read, published=True)
)
if principles is not None:
    st.header("By principle")
    table(principles, f"Objectives' status by principle and partner, {sel.period}")

# --- what changed -------------------------------------------------------------------------------------
st.header(f"What changed since {sel.period.previous()}")
changes = resources.cached(queries.status_changes, sel.period)
if sel.partner:
    changes = changes[changes["partner_code"] == sel.partner]
if changes.empty:
    st.markdown("No objective changed status since the previous quarter.")
else:
    st.markdown(tables.moved(changes))
    found = (
        tables.changes(changes)
        if sel.partner
        else resources.derived(tables.changes, queries.status_changes, sel.period)
    )
    table(found, f"Status changes between {sel.period.previous()} and {sel.period}")

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
