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
class Parts:
    """What one objective's card shows of its partners: the same for every session until the data changes."""

    partners: int
    codes: list[str]
    chips: str  # each status among the partners, worst first, with its count
    cells: list[list[str]]  # the table's rows: every partner, or with many only those with something to flag


@dataclass(frozen=True)
class Board:
    """What every card reads: the quarter, each objective's parts, the board's record and the chosen meeting."""

    period: Period
    parts: dict[str, Parts]  # `parts(board.exceptions)`, made once per data version (resources.derived)
    decisions: dict[str, list[str]]  # `decisions(board.reviews)`, likewise
    actions: dict[str, list[str]]  # `actions(board.actions)`, likewise
    meeting_id: int | None


def _trend(statuses: object) -> str:
    """The last quarters' statuses as symbols (a list in the cell, or nothing)."""
    if not isinstance(statuses, Iterable) or isinstance(statuses, str):
        return "–"
    return " ".join(  # a screen reader says each quarter's status, not the symbol's name
        f'<span role="img" aria-label="{escape(str(s))}" title="{escape(str(s))}">{ui.symbol(s)}</span>'
        for s in statuses
    )


CELLS = ["partner_name", "status", "actual", "target", "unit", "direction", "recent_statuses", "forecast",
         "missing_commentary"]  # fmt: skip


def _cells(rows: pd.DataFrame) -> list[list[str]]:
    """An objective's partners with their figures. With many partners only those off track, at risk, overdue,
    ended, forecast to miss or without commentary are listed (and the rest counted), so that fifty councils make a
    card the board can read."""
    every = len(rows) <= ALL_ROWS
    return [
        [ui.plain(name), ui.chip(status), ui.plain(ui.fmt_value(actual, unit)), ui.plain(ui.fmt_value(target, unit)),
         ui.plain(direction), _trend(recent), ui.plain(forecast)]
        for name, status, actual, target, unit, direction, recent, forecast, missing in rows[CELLS].itertuples(
            index=False, name=None
        )
        if every or status in FLAGGED or forecast == "unlikely" or missing
    ]  # fmt: skip


def counts(statuses: pd.Series) -> str:
    """Each status among the partners, worst first, as a chip with its count: the worst is named first."""
    found = statuses.value_counts()
    return " ".join(
        ui.chip(s.word, f"{int(found[s.word])} {s.said.lower()}") for s in WORST_FIRST if found.get(s.word, 0)
    )


def parts(rows: pd.DataFrame) -> dict[str, Parts]:
    """Each objective's parts from `board.exceptions` (one row per objective and partner), in one pass."""
    return {
        str(code): Parts(len(mine), mine["partner_code"].tolist(), counts(mine["status"]), _cells(mine))
        for code, mine in rows.groupby("objective_code", sort=False)
    }


def partners_table(parts: Parts, code: str, period: Period) -> str:
    """An objective's partners as a table captioned with the quarter, saying how many have nothing to flag."""
    caption = f"{code} by partner in {period}"
    if len(parts.cells) < parts.partners:
        shown, others = len(parts.cells), parts.partners - len(parts.cells)
        caption += f": the {shown} partners with something to flag (the other {others} have none)"
    table = ui.html_table(caption, HEADER, parts.cells) if parts.cells else f"<p>{ui.plain(caption)}.</p>"
    return ui.scrolling(table, f"{code} by partner")


def decisions(reviews: pd.DataFrame) -> dict[str, list[str]]:
    """Each objective's last three decisions (newest first, as `board.reviews` gives them), as Markdown lines."""
    found: dict[str, list[str]] = {}
    for code, held_on, decision, assessment, comment in reviews[
        ["objective_code", "held_on", "decision", "assessment", "comment"]
    ].itertuples(index=False, name=None):
        mine = found.setdefault(str(code), [])
        if len(mine) < 3:
            mine.append(
                f"- {held_on:%-d %b %Y}: **{ui.plain(decision, '')}** ({ui.plain(assessment, '')}). "
                f"{ui.plain(comment, '')}"
            )
    return found


def actions(open_actions: pd.DataFrame) -> dict[str, list[str]]:
    """Each objective's open and overdue actions, as Markdown lines."""
    found: dict[str, list[str]] = {}
    for code, state, description, owner, due_on in open_actions[
        ["objective_code", "state", "description", "owner", "due_on"]
    ].itertuples(index=False, name=None):
        found.setdefault(str(code), []).append(
            f"- Action ({state}): {ui.plain(description, '')} – {ui.plain(owner, '')}, due {due_on:%-d %b %Y}"
        )
    return found


def record(board: Board, code: str) -> str:
    """The board's record of one objective: its last three decisions and its open actions, as Markdown."""
    lines = board.decisions.get(code) or ["- No earlier decisions."]
    return "**The board's record**\n\n" + "\n".join([*lines, *board.actions.get(code, [])])


def card(board: Board, objective: pd.Series) -> None:
    """One objective: its name and partners' statuses, why it is listed, its figures, the board's record, and
    the Review button, the review form or the confirmation of the review just recorded."""
    code = str(objective["objective_code"])
    mine = board.parts.get(code, Parts(0, [], "", []))
    with st.container(border=True, key=f"objective-{code}"):
        st.subheader(ui.plain(f"{code} {objective['objective_title']}"))
        st.markdown(
            f"{mine.chips}<br><small>{ui.plain(objective['commitment_title'])} · owner: "
            f"{ui.plain(objective['owner'])}</small>",
            unsafe_allow_html=True,
        )
        if objective["reasons"]:
            st.markdown(f"Why it is listed: {ui.plain(objective['reasons'])}.")
        st.markdown(partners_table(mine, code, board.period), unsafe_allow_html=True)
        st.markdown(record(board, code))
        board_ui.review_area(code, board.meeting_id, board.period, mine.codes)
