"""Board review's objectives, one card each: the partners' statuses named and counted, why it is listed, each
partner's figures, the board's record, and the place to review it (dashboard/board_ui.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

import pandas as pd
import streamlit as st

from dashboard import board_ui
from dashboard import components as ui
from metrics.periods import Period
from metrics.status import WORST_FIRST, Status

ALL_ROWS = 8  # up to this many partners an objective's table lists them all; beyond, only those with a reason
# Listed whatever the count of partners.
FLAGGED = {s.word for s in (Status.OFF_TRACK, Status.AT_RISK, Status.OVERDUE, Status.MISSED, Status.NOT_ASSESSED)}
HEADER = ["Partner", "Status", "Actual", "Target", "On last quarter", "Last four quarters", "Forecast"]


@dataclass(frozen=True)
class Board:
    """What every card reads: the quarter, its partners' rows, the board's record and the chosen meeting."""

    period: Period
    rows: pd.DataFrame  # board.exceptions: one row per objective and partner
    reviews: pd.DataFrame
    actions: pd.DataFrame
    meeting_id: int | None


def _trend(statuses: object) -> str:
    """The last quarters' statuses as symbols (a list in the cell, or nothing)."""
    if not isinstance(statuses, Iterable) or isinstance(statuses, str):
        return "–"
    return " ".join(  # a screen reader says each quarter's status, not the symbol's name
        f'<span role="img" aria-label="{escape(str(s))}" title="{escape(str(s))}">{ui.symbol(s)}</span>'
        for s in statuses
    )


def partners_table(rows: pd.DataFrame, code: str, period: Period) -> str:
    """An objective's partners with their figures. With many partners only those off track, at risk, overdue,
    ended, forecast to miss or without commentary are listed, and the rest counted, so that fifty councils make a
    card the board can read."""
    shown = [
        [ui.plain(r.partner_name), ui.chip(r.status), ui.plain(ui.fmt_value(r.actual, r.unit)),
         ui.plain(ui.fmt_value(r.target, r.unit)), ui.plain(r.direction), _trend(r.recent_statuses),
         ui.plain(r.forecast)]
        for r in rows.itertuples()
        if len(rows) <= ALL_ROWS or r.status in FLAGGED or r.forecast == "unlikely" or r.missing_commentary
    ]  # fmt: skip
    caption = f"{code} by partner in {period}"
    if len(shown) < len(rows):
        caption += f": the {len(shown)} partners with something to flag (the other {len(rows) - len(shown)} have none)"
    table = ui.html_table(caption, HEADER, shown) if shown else f"<p>{ui.plain(caption)}.</p>"
    return ui.scrolling(table, f"{code} by partner")


def counts(statuses: pd.Series) -> str:
    """Each status among the partners, worst first, as a chip with its count: the worst is named first."""
    found = statuses.value_counts()
    return " ".join(
        ui.chip(s.word, f"{int(found[s.word])} {s.said.lower()}") for s in WORST_FIRST if found.get(s.word, 0)
    )


def record(board: Board, code: str) -> str:
    """The board's record of one objective: its last three decisions and its open actions, as Markdown."""
    mine = board.reviews[board.reviews["objective_code"] == code].head(3)
    lines = [
        f"- {r.held_on:%-d %b %Y}: **{ui.plain(r.decision, '')}** ({ui.plain(r.assessment, '')}). "
        f"{ui.plain(r.comment, '')}"
        for r in mine.itertuples()
    ] or ["- No earlier decisions."]
    lines += [
        f"- Action ({a.state}): {ui.plain(a.description, '')} – {ui.plain(a.owner, '')}, due {a.due_on:%-d %b %Y}"
        for a in board.actions[board.actions["objective_code"] == code].itertuples()
    ]
    return "**The board's record**\n\n" + "\n".join(lines)


def card(board: Board, objective: pd.Series) -> None:
    """One objective: its name and partners' statuses, why it is listed, its figures, the board's record, and
    the Review button, the review form or the confirmation of the review just recorded."""
    code = str(objective["objective_code"])
    rows = board.rows[board.rows["objective_code"] == code]
    with st.container(border=True, key=f"objective-{code}"):
        st.subheader(ui.plain(f"{code} {objective['objective_title']}"))
        st.markdown(
            f"{counts(rows['status'])}<br><small>{ui.plain(objective['commitment_title'])} · owner: "
            f"{ui.plain(objective['owner'])}</small>",
            unsafe_allow_html=True,
        )
        if objective["reasons"]:
            st.markdown(f"Why it is listed: {ui.plain(objective['reasons'])}.")
        st.markdown(partners_table(rows, code, board.period), unsafe_allow_html=True)
        st.markdown(record(board, code))
        board_ui.review_area(code, board.meeting_id, board.period, rows["partner_code"].tolist())
