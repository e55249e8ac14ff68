"""Options appraisal: each option's weighted score, the ranking, and how far each weight must move (the others
held) before another option wins."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import money_ui, resources
from metrics import money

st.title("Options appraisal")
st.caption(
    f"{ui.plain(resources.partnership().name)} · for signed-in members only (scores can be commercially sensitive)"
)
ranking = resources.cached(money.option_ranking)
if ranking.empty:
    st.markdown("No options appraisal has been loaded yet (`charter business load options FILE`).")
    st.stop()

appraisals = list(dict.fromkeys(ranking["appraisal"]))
name = st.selectbox("Appraisal", appraisals, key="options_appraisal") if len(appraisals) > 1 else appraisals[0]
shown = ranking[ranking["appraisal"] == name]
scores = resources.cached(money.option_scores)
scores = scores[scores["appraisal"] == name]
if bool(shown["illustrative"].any()):
    st.info(f"**Illustrative scores.** {ui.plain(scores['source'].iloc[0])}.", icon=":material/info:")
best = shown.iloc[0]
chosen = shown[shown["chosen"]]
st.markdown(
    f"**{ui.plain(best['option'])}** scores highest ({best['total']:g})"
    + (f"; the option chosen was **{ui.plain(chosen['option'].iloc[0])}**." if not chosen.empty else ".")
)

st.header("Ranking")
money_ui.table(
    f"Weighted totals: {name}",
    shown,
    {
        "rank": ("Rank", money_ui.text),
        "option": ("Option", money_ui.text),
        "total": ("Weighted total", "{:g}".format),
        "chosen": ("Chosen", lambda c: "Chosen" if c else ""),
    },
)

st.header("Scores")
wide = scores.pivot_table(index="option", columns="factor", values="score", aggfunc="first")
weights = scores.drop_duplicates("factor").set_index("factor")["weight"]
header = ["Option", *(f"{f} (weight {weights[f]:g})" for f in wide.columns)]
rows = [[ui.plain(option), *(f"{v:g}" for v in values)] for option, values in wide.iterrows()]
st.markdown(
    ui.scrolling(ui.html_table("Each option's score on each factor", header, rows), "Scores"), unsafe_allow_html=True
)

st.header("How far each weight must move")
st.markdown("With the other weights held, the winner changes only once a weight passes these values.")
score_map, weight_map = resources.cached(money.appraisal, name)
rows = []
for s in money.sensitivity(score_map, weight_map):
    up = f"above {s.up:g} ({ui.plain(s.up_winner)} wins)" if s.up is not None else "no change at any higher weight"
    down = f"below {s.down:g} ({ui.plain(s.down_winner)} wins)" if s.down is not None else "no change down to 0"
    rows.append([ui.plain(s.factor), f"{s.weight:g}", up, down])
st.markdown(
    ui.scrolling(
        ui.html_table("Sensitivity of the winner to each weight", ["Factor", "Weight now", "Raised", "Lowered"], rows),
        "Sensitivity",
    ),
    unsafe_allow_html=True,
)
