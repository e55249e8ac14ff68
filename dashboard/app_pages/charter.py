"""Charter: commitments and principles -> what they mean (outcomes) -> the objectives, with each partner's status."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import framework_words, resources
from metrics import queries

sel = ui.selection()
tree = resources.cached(queries.charter_tree)
progress = resources.progress_for_period(sel.period)
if sel.partner:
    progress = progress[progress["partner_code"] == sel.partner]

st.title("The Partnership Charter")
st.caption(
    f"{ui.plain(resources.partnership().name)} · {framework_words.charter_shape(tree)}, what each means, and the "
    f"objectives that measure it · statuses for {sel.period}"
)
ui.last_updated()
word = st.text_input("Search the charter", placeholder="a word, e.g. cloud, skills, security", key="charter_search")
if word.strip():
    needle = word.strip().casefold()
    hay = (
        tree[["parent_title", "statement", "description", "outcome_text", "objective_title"]]
        .fillna("")
        .astype(str)
        .agg(" ".join, axis=1)
        .str.casefold()
    )
    hits = tree[hay.str.contains(needle, regex=False)]
    tree = tree[tree["parent_code"].isin(hits["parent_code"])]
    st.markdown(
        f"{hits['parent_code'].nunique()} of the charter's commitments and principles mention “{ui.plain(word)}”."
    )
    if hits.empty:
        st.stop()

chips = {
    code: " ".join(ui.chip(r.status, f"{r.partner_name!s}: {ui.said(r.status).lower()}") for r in group.itertuples())
    for code, group in progress.groupby("objective_code")
}

for kind, heading in (("commitment", "Commitments"), ("principle", "Principles")):
    part = tree[tree["kind"] == kind]
    if part.empty:
        continue
    st.header(heading)
    for (_, code, title), group in part.groupby(["parent_order", "parent_code", "parent_title"], sort=True):
        first = group.iloc[0]
        label = ui.plain(f"{code} · {title}" + (" (cross-cutting)" if first["cross_cutting"] else ""))
        with st.expander(label, expanded=bool(word.strip()) or kind == "commitment"):
            if kind == "commitment":
                st.markdown(f"**Our commitment:** {ui.plain(first['statement'])}")
            if first["description"]:
                st.markdown(ui.plain(first["description"]))
            for (_, outcome_code, text), objectives in group.groupby(
                ["outcome_order", "outcome_code", "outcome_text"], sort=True
            ):
                st.markdown(
                    f"**What does this mean?** {ui.plain(text)} <small>({ui.plain(outcome_code)})</small>",
                    unsafe_allow_html=True,
                )
                listed = objectives.dropna(subset=["objective_code"])
                if listed.empty:
                    st.markdown("_No objective measures this outcome yet._")
                for r in listed.itertuples():
                    ui.objective_link(r.objective_code, r.objective_title, str(sel.period))
                    st.markdown(
                        chips.get(str(r.objective_code), "<small>No target this quarter</small>")
                        + f" <small>Owner: {ui.plain(r.owner)}; deadline {r.deadline_period}</small>",
                        unsafe_allow_html=True,
                    )
