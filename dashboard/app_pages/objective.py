"""Objective: the SMART card, each partner's figures against the target, forecast, commentary and history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, resources, risk_ui
from dashboard import components as ui
from metrics import board, exports, queries
from metrics.status import Status

sel = ui.selection()
objectives = resources.cached(queries.objectives)
codes = objectives["code"].tolist()
titles = dict(zip(objectives["code"], objectives["title"], strict=True))
code = ui.url_select("Objective", codes, "objective", lambda c: f"{c} · {titles[c]}")
obj = objectives.set_index("code").loc[code]
unit = str(obj["unit"])

st.title(ui.plain(f"{code} {obj['title']}"))
st.caption(ui.plain(f"{obj['commitment_title']} · owner: {obj['owner']} · objective status: {obj['status']}"))

progress = resources.cached(queries.objective_progress, code)
targets = resources.cached(queries.objective_targets, code)
if sel.partner:
    progress = progress[progress["partner_code"] == sel.partner]
    targets = targets[targets["partner_code"] == sel.partner]

# --- the SMART card -----------------------------------------------------------------------------------
# The framework's targets; the board's revisions (which apply from a quarter on) are listed beside them.
live = targets[targets["in_force"] & targets["applies_from"].isna()]
revisions = resources.cached(board.revisions, code)
if sel.partner:
    revisions = revisions[revisions["partner_code"] == sel.partner]


def _targets_text(kind: str) -> str:
    return ui.plain(_targets(kind))  # the unit is the framework's text


def _targets(kind: str) -> str:
    rows = live[live["kind"] == kind]
    if rows.empty:
        return "none"
    if len(rows) == 1:
        r = rows.iloc[0]
        return f"{r['partner_code']} {ui.fmt_value(r['value'], unit)} ({r['period']})"
    if rows["value"].nunique() == 1 and rows["period"].nunique() == 1:
        return f"{ui.fmt_value(rows['value'].iloc[0], unit)} for every partner ({rows['period'].iloc[0]})"
    return "; ".join(f"{r.partner_code} {ui.fmt_value(r.value, unit)} ({r.period})" for r in rows.itertuples())


tolerance = (
    f"{obj['tolerance_amount']:g}% of the target"
    if obj["tolerance_kind"] == "percent"
    else f"{ui.fmt_value(obj['tolerance_amount'], unit)} either side of the target"
)
set_on = obj["tolerance_set_on"]
agreed = f"agreed by {obj['tolerance_set_by']}" + (f" on {set_on:%-d %B %Y}" if pd.notna(set_on) else "")
with st.container(border=True):
    st.markdown(
        f"**What:** {ui.plain(obj['description'] or obj['title'])}  \n"
        f"**Measure:** {ui.plain(obj['kpi_name'])} ({ui.plain(unit)}, {obj['polarity']} is better): "
        f"{ui.plain(obj['kpi_definition'])}  \n"
        f"**Baseline:** {_targets_text('baseline')}  \n"
        f"**Target and deadline:** {_targets_text('final')} by {obj['deadline_period']}  \n"
        + "".join(
            f"**Revised by the board:** {ui.plain(r.partner_code)} {ui.plain(ui.fmt_value(r.value, unit))} by "
            f"{r.deadline} from {r.applies_from} (was {ui.plain(ui.fmt_value(r.was, unit))}): {ui.plain(r.reason)}  \n"
            for r in revisions[revisions["in_force"]].itertuples()
        )
        + f"**Interim targets:** {_targets_text('interim')}  \n"
        f"**Owner:** {ui.plain(obj['owner'])}  \n"
        f"**{Status.AT_RISK.word} rather than {Status.OFF_TRACK.word.lower()}:** "
        f"within {ui.plain(tolerance)}, {ui.plain(agreed)}  \n"
        f"**Serves outcomes:** {ui.plain(obj['outcome_codes'])} under *{ui.plain(obj['commitment_title'])}*"
    )

# --- this quarter --------------------------------------------------------------------------------------
st.header(f"In {sel.period}")
now = progress[progress["period"].isin([str(sel.period), sel.period.fy_label])]
if now.empty:
    st.markdown(f"No target applies in {sel.period}.")
else:
    rows = []
    for r in now.itertuples():
        rows.append(
            [
                ui.plain(r.partner_name),
                ui.chip(r.status),
                ui.plain(ui.fmt_value(r.actual, unit)),
                ui.plain(ui.fmt_value(r.target, unit)),
                ui.plain(r.direction),
                ui.plain(r.direction_year),
                ui.plain(f"{r.forecast} ({ui.fmt_value(r.forecast_value, unit)} by {r.deadline_period})")
                if isinstance(r.forecast, str)
                else "–",
            ]
        )
    caption = f"{code} by partner in {sel.period}"
    header = ["Partner", "Status", "Actual", "Target", "On last quarter", "On a year ago", "Forecast at deadline"]
    st.markdown(ui.scrolling(ui.html_table(caption, header, rows), caption), unsafe_allow_html=True)
    st.caption("The forecast is a straight line through the last four figures, extended to the deadline.")

# --- charts ---------------------------------------------------------------------------------------------
st.header("Figures against the target")
shown = progress[progress["period_index"] <= sel.period.index]
MOST_CHARTS = 8  # a chart per council is drawn in the browser; beyond this many the page gets slow to use
orders = sorted(shown["partner_order"].unique())
if len(orders) > MOST_CHARTS:
    st.markdown(
        f"Charts for the first {MOST_CHARTS} of {len(orders)} councils; choose a council with **Partner** in the "
        "sidebar to see its own. Every council's figures are in the tables on this page."
    )
    shown = shown[shown["partner_order"].isin(orders[:MOST_CHARTS])]
left_on = resources.cached(queries.partners).set_index("code")["left_on"].dropna().to_dict()
for partner_code, group in shown.groupby("partner_order", sort=True):
    name = group["partner_name"].iloc[0]
    if group["partner_code"].iloc[0] in left_on:
        name += f" (left the partnership on {left_on[group['partner_code'].iloc[0]]:%-d %B %Y})"
    latest = group.dropna(subset=["actual"]).tail(1)
    sentence = (
        f"{name}: latest figure {ui.fmt_value(latest['actual'].iloc[0], unit)} in {latest['period'].iloc[0]} "
        f"against a target of {ui.fmt_value(latest['target'].iloc[0], unit)} ({latest['status'].iloc[0].lower()})."
        if not latest.empty
        else f"{name}: no figures yet."
    )
    ui.chart(
        resources.chart_spec(charts.objective_partner, group, unit, name),
        sentence,
        group[["period", "actual", "target", "status", "direction", "note"]],
        f"{code}-{group['partner_code'].iloc[0]}.csv",
        key=f"objective-{code}-{partner_code}",
    )

# --- commentary and history ----------------------------------------------------------------------------
st.header("Commentary")
notes = resources.cached(queries.commentary, str(obj["kpi_code"]))
notes = notes[notes["partner_code"].isin(progress["partner_code"].unique())]
if notes.empty:
    st.markdown("No commentary has been sent with these figures.")
else:
    st.dataframe(
        notes[["period", "partner_code", "value", "note", "submitted_at"]],
        hide_index=True,
        column_config={
            "period": "Quarter",
            "partner_code": "Partner",
            "value": st.column_config.NumberColumn("Figure"),
            "note": st.column_config.TextColumn("Note", width="large"),
            "submitted_at": st.column_config.DatetimeColumn("Sent", format="D MMM YYYY"),
        },
    )

st.header("Targets and their history")
replaced = targets[~targets["in_force"]]
if replaced.empty and revisions.empty:
    st.markdown("The targets have not been revised since they were set.")
if not replaced.empty:
    st.markdown(f"{len(replaced)} earlier targets were replaced; they are kept here with when they changed.")
for r in revisions.itertuples():
    st.markdown(
        f"The board revised {ui.plain(r.partner_code)}'s final target to "
        f"**{ui.plain(ui.fmt_value(r.value, unit))}** by {r.deadline}, from {r.applies_from} on "
        f"(was {ui.plain(ui.fmt_value(r.was, unit))}, which still applies to earlier quarters)"
        f"{'' if r.in_force else ', since replaced'}. Reason: {ui.plain(r.reason)}. Recorded by "
        f"{ui.plain(r.recorded_by)} on {r.recorded_at:%-d %B %Y}."
    )
st.dataframe(
    targets[
        ["partner_code", "kind", "period", "value", "applies_from", "in_force", "recorded_at", "recorded_by", "reason"]
    ],
    hide_index=True,
    column_config={
        "partner_code": "Partner",
        "kind": "Kind",
        "period": "Period",
        "value": "Value",
        "applies_from": "Applies from",
        "in_force": st.column_config.CheckboxColumn("In force"),
        "recorded_at": st.column_config.DatetimeColumn("Recorded", format="D MMM YYYY"),
        "recorded_by": "By",
        "reason": "Reason",
    },
)
changes = resources.cached(queries.objective_changes, code)
if not changes.empty:
    st.markdown("**Changes to the objective**")
    st.dataframe(changes, hide_index=True)

risk_ui.objective_risks(code)
st.header("The board's reviews")
reviews = resources.cached(board.reviews, code)
if reviews.empty:
    st.markdown("The strategy board has not reviewed this objective yet.")
else:
    st.dataframe(
        reviews[["held_on", "period", "assessment", "decision", "comment", "actions", "recorded_by", "recorded_at"]],
        hide_index=True,
        column_config={
            "held_on": st.column_config.DateColumn("Meeting", format="D MMM YYYY"),
            "period": "Quarter reviewed",
            "assessment": "Assessment",
            "decision": "Decision",
            "comment": st.column_config.TextColumn("Comment", width="large"),
            "actions": st.column_config.TextColumn("Actions agreed", width="medium"),
            "recorded_by": "Recorded by",
            "recorded_at": st.column_config.DatetimeColumn("Recorded", format="D MMM YYYY HH:mm"),
        },
    )

st.header("All figures")
table = progress[["partner_code", "period", "actual", "target", "status", "direction", "direction_year", "note"]]
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "partner_code": "Partner",
        "period": "Quarter",
        "actual": "Actual",
        "target": "Target",
        "status": "Status",
        "direction": "On last quarter",
        "direction_year": "On a year ago",
        "note": st.column_config.TextColumn("Note", width="large"),
    },
)
st.download_button(
    "Download all figures for this objective (CSV)",
    data=exports.csv_bytes(table),
    file_name=f"{code}-figures.csv",
    mime="text/csv",
    icon=":material/download:",
)
