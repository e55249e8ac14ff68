"""Objective: the SMART card, each partner's figures against the target, forecast, commentary and history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, resources, risk_ui
from dashboard import components as ui
from metrics import board, exports, formatting, queries
from metrics.status import Status

sel = ui.selection()
objectives = resources.cached(queries.objectives)
codes = objectives["code"].tolist()
titles = dict(zip(objectives["code"], objectives["title"], strict=True))
code = ui.url_select("Objective", codes, "objective", lambda c: f"{c} · {titles[c]}")
obj = objectives.set_index("code").loc[code]
unit, places = str(obj["unit"]), int(obj["decimals"])
names = resources.cached(queries.partners).set_index("code")["name"].to_dict()


def fig(value: object, reason: str = formatting.NO_FIGURE) -> str:
    """A figure of this objective's KPI as members read it (metrics/formatting.py)."""
    return ui.fmt_value(value, unit, places, reason)


st.title(ui.plain(f"{code} {obj['title']}"))
st.caption(ui.plain(f"{obj['commitment_title']} · owner: {obj['owner']} · objective status: {obj['status']}"))
ui.last_updated()

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
        return f"{names.get(r['partner_code'], r['partner_code'])} {fig(r['value'])} ({r['period']})"
    if rows["value"].nunique() == 1 and rows["period"].nunique() == 1:
        return f"{fig(rows['value'].iloc[0])} for every partner ({rows['period'].iloc[0]})"
    return "; ".join(
        f"{names.get(r.partner_code, r.partner_code)} {fig(r.value)} ({r.period})" for r in rows.itertuples()
    )


tolerance = (
    f"{obj['tolerance_amount']:g}% of the target"
    if obj["tolerance_kind"] == "percent"
    else f"{fig(obj['tolerance_amount'])} either side of the target"
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
            f"**Revised by the board:** {ui.plain(names.get(r.partner_code, r.partner_code))} "
            f"{ui.plain(fig(r.value))} by "
            f"{r.deadline} from {r.applies_from} (was {ui.plain(fig(r.was))}): {ui.plain(r.reason)}  \n"
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
                ui.plain(fig(r.actual, formatting.reason(r.status))),
                ui.plain(fig(r.target, "no target")),
                ui.plain(r.direction),
                ui.plain(r.direction_year),
                ui.plain(f"{r.forecast} ({fig(r.forecast_value)} by {r.deadline_period})")
                if isinstance(r.forecast, str)
                else "–",
            ]
        )
    caption = f"{code} by partner in {sel.period}"
    header = ["Partner", "Status", "Actual", "Target", "On last quarter", "On a year ago", "Forecast at deadline"]
    st.markdown(ui.scrolling(ui.html_table(caption, header, rows), caption), unsafe_allow_html=True)
    st.caption("The forecast is a straight line through the last four figures, extended to the deadline.")


def figures_table(rows: pd.DataFrame, council: bool = False) -> pd.DataFrame:
    """Progress rows as the text members read: figures in the KPI's unit and decimals, statuses in their words."""
    table = pd.DataFrame(
        {
            "Council": rows["partner_name"],
            "Quarter": rows["period"],
            "Actual": ui.figures(rows, "actual", unit, places),
            "Target": [fig(v, "no target") for v in rows["target"]],
            "Status": rows["status"].map(ui.said),
            "On last quarter": rows["direction"],
            "On a year ago": rows["direction_year"],
            "Note": rows["note"],
        }
    )
    return ui.text_table(table if council else table.drop(columns="Council"))


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
        f"{name}: latest figure {fig(latest['actual'].iloc[0])} in {latest['period'].iloc[0]} "
        f"against a target of {fig(latest['target'].iloc[0])} ({ui.said(latest['status'].iloc[0]).lower()})."
        if not latest.empty
        else f"{name}: no figures yet."
    )
    ui.chart(
        resources.chart_spec(charts.objective_partner, group, unit, name, places),
        sentence,
        figures_table(group),
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
        ui.text_table(
            pd.DataFrame(
                {
                    "Quarter": notes["period"],
                    "Council": notes["partner_code"].map(names),
                    "Figure": ui.figures(notes, "value", unit, places),
                    "Note": notes["note"],
                    "Sent": notes["submitted_at"],
                }
            )
        ),
        hide_index=True,
        column_config={"Note": st.column_config.TextColumn("Note", width="large")},
    )

st.header("Targets and their history")
replaced = targets[~targets["in_force"]]
if replaced.empty and revisions.empty:
    st.markdown("The targets have not been revised since they were set.")
if not replaced.empty:
    st.markdown(f"{len(replaced)} earlier targets were replaced; they are kept here with when they changed.")
for r in revisions.itertuples():
    st.markdown(
        f"The board revised {ui.plain(names.get(r.partner_code, r.partner_code))}'s final target to "
        f"**{ui.plain(fig(r.value))}** by {r.deadline}, from {r.applies_from} on "
        f"(was {ui.plain(fig(r.was))}, which still applies to earlier quarters)"
        f"{'' if r.in_force else ', since replaced'}. Reason: {ui.plain(r.reason)}. Recorded by "
        f"{ui.plain(r.recorded_by)} on {r.recorded_at:%-d %B %Y}."
    )
st.dataframe(
    ui.text_table(
        pd.DataFrame(
            {
                "Council": targets["partner_code"].map(names),
                "Kind": targets["kind"],
                "Period": targets["period"],
                "Value": ui.figures(targets, "value", unit, places),
                "Applies from": targets["applies_from"],
                "In force": targets["in_force"].astype(bool),
                "Recorded": targets["recorded_at"],
                "By": targets["recorded_by"],
                "Reason": targets["reason"],
            }
        )
    ),
    hide_index=True,
)
changes = resources.cached(queries.objective_changes, code)
if not changes.empty:
    st.markdown("**Changes to the objective**")
    st.dataframe(ui.text_table(changes), hide_index=True)

risk_ui.objective_risks(code)
st.header("The board's reviews")
reviews = resources.cached(board.reviews, code)
if reviews.empty:
    st.markdown("The strategy board has not reviewed this objective yet.")
else:
    st.dataframe(
        ui.text_table(
            reviews[["held_on", "period", "assessment", "decision", "comment", "actions", "recorded_by", "recorded_at"]]
        ),
        hide_index=True,
        column_config={
            "held_on": "Meeting",
            "period": "Quarter reviewed",
            "assessment": "Assessment",
            "decision": "Decision",
            "comment": st.column_config.TextColumn("Comment", width="large"),
            "actions": st.column_config.TextColumn("Actions agreed", width="medium"),
            "recorded_by": "Recorded by",
            "recorded_at": "Recorded",
        },
    )

st.header("All figures")
table = figures_table(progress, council=True)
st.dataframe(table, hide_index=True, column_config={"Note": st.column_config.TextColumn("Note", width="large")})
st.download_button(
    "Download all figures for this objective (CSV)",
    data=exports.csv_bytes(table),
    file_name=f"{code}-figures.csv",
    mime="text/csv",
    icon=":material/download:",
)
