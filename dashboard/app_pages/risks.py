"""Risks: the partnership's register, its heat map now and after mitigation, the trend of re-scorings, and the
form to re-score a risk or record a review (board and admins)."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import resources, risk_charts, risk_ui
from metrics import risks
from metrics.access import Action

info = resources.partnership()
today = resources.today()
register = resources.cached(risks.register)
grid = resources.cached(risks.heat_map)
history = resources.cached(risks.history)

st.title("Risks")
st.caption(f"{ui.plain(info.name)} · the risk register · score = likelihood (1 to 6) × impact (1 to 4)")
made_up = sorted({str(v) for v in register["illustrative"] if str(v)})
if made_up:
    st.info(ui.plain("Illustrative in this register: " + "; ".join(made_up) + "."), icon=":material/info:")

late = risks.past_due(register)
if not late.empty:
    st.warning(
        ui.plain(f"{len(late)} of {len(register)} risks are past their review date: " + ", ".join(late["code"]) + "."),
        icon=":material/schedule:",
    )

st.header("The register")
st.markdown(risk_ui.register_table(register), unsafe_allow_html=True)

st.header("Heat map")
bands = resources.cached(risks.bands)
st.markdown(
    "Where each risk sits by likelihood and impact, now and after its mitigation (the target). Each cell names its "
    "risks and gives its score and rating. Bands: "
    + "; ".join(f"{ui.plain(b.rating)} {b.min_score} to {b.max_score}" for b in bands.itertuples())
    + "."
)
now, target = st.columns(2)
now.markdown(ui.scrolling(risk_ui.heat_map(grid, "current_codes", "Heat map now"), "Heat map now"),
             unsafe_allow_html=True)  # fmt: skip
target.markdown(
    ui.scrolling(risk_ui.heat_map(grid, "target_codes", "Heat map after mitigation (target)"), "Heat map, target"),
    unsafe_allow_html=True,
)

st.header("Trend")
if history.empty:
    st.markdown("No risk has been scored yet.")
else:
    rescored = history.groupby("code").size()
    sentence = (
        f"Each risk's score at every scoring, {history['reviewed_on'].min():%B %Y} to "
        f"{history['reviewed_on'].max():%B %Y}; {int((rescored > 1).sum())} of {len(rescored)} risks have been "
        "scored more than once."
    )
    table = history[["code", "reviewed_on", "likelihood", "impact", "score", "rating", "note", "recorded_by"]]
    ui.chart(resources.chart_spec(risk_charts.risk_trend, history), sentence, table, "risk-trend.csv", "risk-trend")

if risk_ui.may(Action.EDIT_BUSINESS):
    st.header("Re-score a risk or record a review")
    st.markdown("Each scoring is kept: the register shows the latest, the trend all of them.")
    risk_ui.rescore_form(register, today)
