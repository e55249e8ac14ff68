"""Board review: the quarter's exception list by commitment, the board's decisions beside each objective,
the form to record its review, and the board pack."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

import streamlit as st

from dashboard import board_ui, resources
from dashboard import components as ui
from metrics import board, queries
from metrics.status import Status

sel = ui.selection()
info = resources.partnership()
today = resources.today()
exceptions = resources.cached(board.exceptions, sel.period)
listed = resources.derived(board.exception_objectives, board.exceptions, sel.period)  # once per data version
reviews = resources.cached(board.reviews, upto=sel.period)
open_actions = resources.cached(board.actions, today, states=["overdue", "open"])

st.title("Board review")
st.caption(
    f"{ui.plain(info.name)} · {sel.period} · every partner (the board reviews the partnership) · approved figures only"
)

# --- the meeting ---------------------------------------------------------------------------------------
st.header("The meeting")
meeting_id = board_ui.meeting(sel.period, today)

# --- the exception list --------------------------------------------------------------------------------
st.header("Exception list")
if listed.empty:
    st.markdown(f"No objective is off track, at risk, overdue or near its deadline in {sel.period}.")
else:
    st.markdown(
        f"**{len(listed)} objectives** need the board's attention in {sel.period}: off track, at risk or overdue "
        "for a partner, forecast unlikely to meet the target, within two quarters of the deadline, or missing "
        "commentary on an off-track or at-risk figure. Last four quarters run oldest first."
    )
if ended_line := queries.ended_summary(resources.progress_for_period(sel.period)):
    st.markdown(
        f"{ended_line} (targets past their deadline: one missed or not assessed is listed until the board "
        "records its decision on the objective)."
    )


ALL_ROWS = 8  # up to this many partners an objective's table lists them all; beyond, only those with a reason
FLAGGED = {
    Status.OFF_TRACK.word,
    Status.AT_RISK.word,
    Status.OVERDUE.word,
    Status.MISSED.word,
    Status.NOT_ASSESSED.word,
}  # listed whatever the count
# each listed objective's number of partners
partners_of = {str(k): int(v) for k, v in exceptions.groupby("objective_code").size().items()}


def _trend(statuses: object) -> str:
    """The last quarters' statuses as symbols (a list in the cell, or nothing)."""
    if not isinstance(statuses, Iterable) or isinstance(statuses, str):
        return "–"
    return " ".join(  # a screen reader says each quarter's status, not the symbol's name
        f'<span role="img" aria-label="{escape(str(s))}" title="{escape(str(s))}">{ui.symbol(s)}</span>'
        for s in statuses
    )


def _partners_tables() -> dict[str, str]:
    """Each listed objective's table of partners, made in one pass over the exception rows. With many partners
    only those off track, at risk, overdue, forecast to miss or without commentary are listed, and the rest
    counted, so that fifty councils make a page the board can read."""
    rows: dict[str, list[list[str]]] = {}
    for r in exceptions.itertuples():
        flagged = r.status in FLAGGED or r.forecast == "unlikely" or r.missing_commentary
        if not flagged and partners_of[str(r.objective_code)] > ALL_ROWS:
            continue
        rows.setdefault(str(r.objective_code), []).append(
            [ui.plain(r.partner_name), ui.chip(r.status), ui.plain(ui.fmt_value(r.actual, r.unit)),
             ui.plain(ui.fmt_value(r.target, r.unit)), ui.plain(r.direction), _trend(r.recent_statuses),
             ui.plain(r.forecast)]
        )  # fmt: skip
    header = ["Partner", "Status", "Actual", "Target", "On last quarter", "Last four quarters", "Forecast"]
    tables = {}
    for code, count in partners_of.items():
        shown = rows.get(code, [])
        caption = f"{code} by partner in {sel.period}"
        if len(shown) < count:
            caption += f": the {len(shown)} partners with something to flag (the other {count - len(shown)} have none)"
        tables[code] = ui.html_table(caption, header, shown) if shown else f"<p>{ui.plain(caption)}.</p>"
    return tables


def _text(value: object) -> str:
    return ui.plain(value, "")


# The board's record of each objective: its last three decisions and its open actions.
decisions: dict[str, list[str]] = {}
for r in reviews.itertuples():
    if len(decisions.setdefault(str(r.objective_code), [])) < 3:
        decisions[str(r.objective_code)].append(
            f"- {r.held_on:%-d %b %Y}: **{_text(r.decision)}** ({_text(r.assessment)}). {_text(r.comment)}"
        )
actions: dict[str, list[str]] = {}
for a in open_actions.itertuples():
    actions.setdefault(str(a.objective_code), []).append(
        f"- Action ({a.state}): {_text(a.description)} – {_text(a.owner)}, due {a.due_on:%-d %b %Y}"
    )


def _board_record(code: str) -> str:
    lines = (decisions.get(code) or ["- No earlier decisions."]) + actions.get(code, [])
    return "**The board's record**\n\n" + "\n".join(lines)


def _choose(code: str) -> None:
    st.session_state["review_objective"] = code


tables = _partners_tables()
for commitment, group in listed.groupby("commitment_title", sort=False):
    st.markdown(f"### {ui.plain(commitment)}")
    for obj in group.itertuples():
        with st.container(border=True):
            st.markdown(f"**{obj.objective_code} {ui.plain(obj.objective_title)}**  \n{ui.plain(obj.reasons)}.")
            left, right = st.columns([3, 2])
            left.markdown(ui.scrolling(tables[str(obj.objective_code)], f"{obj.objective_code} by partner"),
                          unsafe_allow_html=True)  # fmt: skip
            right.markdown(_board_record(str(obj.objective_code)))
            right.button(f"Review {obj.objective_code}", key=f"choose-{obj.objective_code}", on_click=_choose,
                         args=(obj.objective_code,))  # fmt: skip

# --- record the review ---------------------------------------------------------------------------------
st.header("Record the board's review")
board_ui.flash("review")
objectives = resources.cached(queries.objectives)
titles = dict(zip(objectives["code"], objectives["title"], strict=True))
order = [*listed["objective_code"], *[c for c in objectives["code"] if c not in set(listed["objective_code"])]]
code = st.selectbox("Objective", order, format_func=lambda c: f"{c} · {titles[c]}", key="review_objective")
st.markdown(_board_record(code))
progress = resources.progress_for_period(sel.period)
partners = progress.loc[progress["objective_code"] == code, "partner_code"].tolist()
board_ui.review_form(code, meeting_id, sel.period, partners)

# --- the pack ------------------------------------------------------------------------------------------
st.header("Board pack")
st.markdown(
    f"The pack for {sel.period}: cover and data status, a summary by commitment, the exception report with "
    "charts, a page for each objective under review, open actions and data completeness. Its tables come "
    "as a spreadsheet too."
)
board_ui.pack_downloads(sel.period)
