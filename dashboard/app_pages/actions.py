"""Actions: every action the board agreed, with owner, due date and state (open, overdue, done); filterable."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, board_ui, resources
from dashboard import components as ui
from metrics import board, exports, queries

today = resources.today()
everything = resources.cached(board.actions, today)

st.title("Actions")
st.caption(f"{ui.plain(resources.partnership().name)} · the strategy board's actions on {today:%-d %B %Y}")
counts = everything["state"].value_counts()
st.markdown(
    ", ".join(f"**{int(counts.get(s, 0))}** {s}" for s in board.ACTION_STATES) + "."
    if not everything.empty
    else "The board has not agreed any actions yet. Record them with its review on the Board review page."
)

left, middle, right = st.columns(3)
states = left.multiselect("State", board.ACTION_STATES, default=["overdue", "open"], key="actions_state")
owners = ["Every owner", *sorted(everything["owner"].unique())]
owner = middle.selectbox("Owner", owners, key="actions_owner")
codes = ["Every objective", *sorted(everything["objective_code"].unique())]
objective = right.selectbox("Objective", codes, key="actions_objective")
shown = resources.cached(board.actions, today, states=list(states) or None, owner=None if owner == owners[0] else owner,
    objective=None if objective == codes[0] else objective,
)  # fmt: skip

columns = ["id", "objective_code", "description", "owner", "due_on", "state", "agreed_quarter", "recorded_by",
           "done_by", "done_at", "done_note"]  # fmt: skip
st.dataframe(
    ui.highlight(shown[columns], "state", lambda s: s == "overdue"),
    hide_index=True,
    column_config={
        "id": st.column_config.NumberColumn("No.", format="%d"),
        "objective_code": "Objective",
        "description": st.column_config.TextColumn("Action", width="large"),
        "owner": "Owner",
        "due_on": st.column_config.DateColumn("Due", format="D MMM YYYY"),
        "state": "State",
        "agreed_quarter": "Agreed at the review of",
        "recorded_by": "Recorded by",
        "done_by": "Done (by)",
        "done_at": st.column_config.DatetimeColumn("Done (when)", format="D MMM YYYY"),
        "done_note": "Note",
    },
)
st.caption("Overdue actions are shaded; the state column says so in words.")
st.download_button(
    "Download these actions (CSV)", data=exports.csv_bytes(shown[columns]), file_name="board-actions.csv",
    mime="text/csv", icon=":material/download:",
)  # fmt: skip

st.header("Mark an action done")
board_ui.flash("done")
waiting = everything[everything["state"] != "done"]
if waiting.empty:
    st.markdown("No action is open.")
else:
    labels = {
        ui.whole(a.id): f"{a.id!s}. {a.objective_code!s}: {a.description!s} ({a.owner!s})" for a in waiting.itertuples()
    }
    with st.form("action_done_form"):
        chosen = st.selectbox("Action", list(labels), format_func=labels.__getitem__, key="done_action")
        note = st.text_area("What was done (optional)", key="done_note")
        done = st.form_submit_button("Mark it done")
    if done:
        board_ui.save(
            lambda con: board.complete_action(con, int(chosen), by=auth.signed_in(), note=note),
            f"Action {chosen} is marked done.",
            "done",
        )

st.header("Add an action")
board_ui.flash("add")
objectives = resources.cached(queries.objectives)
with st.form("action_add_form"):
    code = st.selectbox("Objective", objectives["code"].tolist(), key="add_objective")
    text = st.text_input("What is to be done", key="add_description")
    a1, a2 = st.columns(2)
    who_owns = a1.text_input("Owner", key="add_owner")
    due = a2.text_input("Due date", key="add_due", help=board_ui.DATE_HELP)
    added = st.form_submit_button("Add the action")
if added:
    board_ui.save(
        lambda con: board.record_action(
            con, objective=code, action=board.ActionInput(text, who_owns, board.parse_day(due)), by=auth.signed_in()
        ),
        "Action added.",
        "add",
    )
