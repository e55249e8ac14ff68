"""Board review: what needs the board's decision this quarter, worst first, each objective with its figures, the
board's record and its review form beside it; then the board pack."""

from __future__ import annotations

import streamlit as st

from dashboard import board_cards, board_ui, resources
from dashboard import components as ui
from metrics import board, queries

SHOW = ("Needs a decision", "All objectives")
SHOW_HELP = (
    "Needs a decision: off track for a council, at risk two quarters running, or past its deadline missed or "
    "not assessed with no decision recorded. All objectives: every objective with a target this quarter."
)

sel = ui.selection()
info = resources.partnership()
today = resources.today()
objectives = resources.derived(board.exception_objectives, board.exceptions, sel.period, everything=True)
needing = objectives[objectives["needs_decision"].astype(bool)]

st.title("Board review")
st.caption(
    f"{ui.plain(info.name)} · {sel.period} · every partner (the board reviews the partnership) · approved figures only"
)

# --- the meeting ---------------------------------------------------------------------------------------
st.header("The meeting")
meeting_id = board_ui.meeting(sel.period, today)

# --- what needs a decision -----------------------------------------------------------------------------
st.header("What needs a decision")
if needing.empty:
    st.markdown(f"No objective needs the board's decision in {sel.period}.")
else:
    st.markdown(
        f"**{len(needing)} of {len(objectives)} objectives** need the board's decision in {sel.period}: off track "
        "for a council, at risk two quarters running, or past the deadline missed or not assessed with no decision "
        "recorded. The worst come first; last four quarters run oldest first."
    )
if ended_line := queries.ended_summary(resources.progress_for_period(sel.period)):
    st.markdown(f"{ended_line} (objectives past their deadline; the board's decision stands above the figure).")
show = st.radio("Show", SHOW, horizontal=True, key="board_show", help=SHOW_HELP)
shown = needing if show == SHOW[0] else objectives
if show == SHOW[0] and (others := len(objectives[objectives["reasons"].ne("")]) - len(needing)) > 0:
    st.markdown(
        f"{others} more objectives are on the exception list for figures overdue, a forecast, a near deadline or "
        "missing commentary: choose **All objectives** to see them."
    )

cards = board_cards.Board(  # each part made once per data version and shared by every session
    period=sel.period,
    parts=resources.derived(board_cards.parts, board.exceptions, sel.period, everything=True),
    decisions=resources.derived(board_cards.decisions, board.reviews, upto=sel.period),
    actions=resources.derived(board_cards.actions, board.actions, today, states=["overdue", "open"]),
    meeting_id=meeting_id,
)
board_ui.confirmations_elsewhere(set(shown["objective_code"]))
for _, objective in shown.iterrows():
    board_cards.card(cards, objective)

# --- the pack ------------------------------------------------------------------------------------------
st.header("Board pack")
st.markdown(
    f"The pack for {sel.period}: cover and data status, a summary by commitment, the exception report with "
    "charts, a page for each objective under review, open actions and data completeness. Its tables come "
    "as a spreadsheet too."
)
board_ui.pack_downloads(sel.period)
