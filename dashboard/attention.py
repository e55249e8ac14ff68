"""What needs attention first: the running objectives off track or at risk, by council, each a link to its page."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import components as ui
from metrics import queries
from metrics.status import Status

FIRST = (Status.OFF_TRACK, Status.AT_RISK)  # what the Overview opens with, worst first
# Streamlit cuts a page link's label to one line; an objective's name is read here, so it wraps.
WRAP = "<style>[data-testid='stMain'] [data-testid='stPageLink-NavLink'] span { white-space: normal; }</style>"


def _rank(statuses: pd.Series) -> pd.Series:
    """Each status's place worst first (metrics/status.py); a cell with no known status goes last."""
    return statuses.map(lambda w: s.rank if (s := Status.find(w)) else len(Status))


def worst_first(progress: pd.DataFrame) -> pd.DataFrame:
    """Progress rows ordered worst status first, then in the framework's order."""
    ordered = progress.assign(_rank=_rank(progress["status"]))
    return ordered.sort_values(["_rank", "objective_order"], kind="stable").drop(columns="_rank")


def exceptions(progress: pd.DataFrame) -> pd.DataFrame:
    """The running objectives off track or at risk, by council (the partners' order), worst first in each."""
    running = queries.running(progress)
    found = running[running["status"].isin([s.word for s in FIRST])].assign(_rank=lambda f: _rank(f["status"]))
    return found.sort_values(["partner_order", "_rank", "objective_order"], kind="stable").drop(columns="_rank")


def _summary(found: pd.DataFrame) -> str:
    """What is counted, in words: targets (an objective's for one council), in how many objectives and councils."""
    off, risk = (int((found["status"] == s.word).sum()) for s in FIRST)
    objectives, councils = found["objective_code"].nunique(), found["partner_code"].nunique()
    return (
        f"{_count(off, 'target')} {FIRST[0].said.lower()} and {risk} {FIRST[1].said.lower()}, in "
        f"{_count(objectives, 'objective')} across {_count(councils, 'council')} (an objective sets a target for "
        "each council)."
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _council(name: str, rows: list[Any], period: str) -> None:
    """One council's exceptions: its name, then each status's objectives as links to their pages."""
    st.subheader(ui.plain(name))
    for status in FIRST:
        mine = [r for r in rows if r.status == status.word]
        if not mine:
            continue
        st.markdown(ui.chip(status.word, f"{len(mine)} {status.said.lower()}"), unsafe_allow_html=True)
        for r in mine:
            ui.objective_link(r.objective_code, r.objective_title, period)


def show(progress: pd.DataFrame, period: str) -> None:
    """The Overview's first section: every running objective off track or at risk, council by council."""
    st.header("Needs attention")
    found = exceptions(progress)
    if found.empty:
        words = " or ".join(s.said.lower() for s in FIRST)
        st.markdown(f"No objective is {words} in {period}.")
        return
    st.markdown(_summary(found) + " Each links to its objective's page.")
    st.html(WRAP)
    # One pass over the rows (already in the partners' order) rather than a filter per council and status: fifty
    # councils made a hundred and fifty pandas filters per run.
    councils: dict[str, list[Any]] = {}
    columns = ["partner_code", "partner_name", "status", "objective_code", "objective_title"]
    for r in found[columns].itertuples(index=False):
        councils.setdefault(str(r.partner_code), []).append(r)
    for column, rows in zip(st.columns(len(councils)), councils.values(), strict=True):
        with column:
            _council(rows[0].partner_name, rows, period)
