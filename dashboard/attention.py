"""What needs attention first: the running objectives off track or at risk, by council, each a link to its page.

Each council's list is one block of HTML, not one `st.page_link` per objective: at fifty councils the Overview
named ~1,500 objectives, and each page link was an element of its own that the server built and sent on every run
(docs/architecture.md). A plain link opens the objective's page afresh in the same tab, with the quarter and partner
in its query, as the sidebar's links keep them (dashboard/sidebar.py `KEPT`).
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote_plus, urlencode

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard import sidebar
from metrics import queries
from metrics.status import Status

FIRST = (Status.OFF_TRACK, Status.AT_RISK)  # what the Overview opens with, worst first
OPEN = 6  # councils shown open; the rest fold into one expander, so the section's height does not grow with them
CSS = (
    "<style>.charter-attention { display: grid; gap: 0 1.5rem; overflow-wrap: anywhere;"
    " grid-template-columns: repeat(auto-fill, minmax(min(100%, 18rem), 1fr)); }"
    " .charter-attention ul { margin: 0.25rem 0 0.75rem; }</style>"
)


RANKS = {s.word: s.rank for s in Status}


def _rank(statuses: pd.Series) -> pd.Series:
    """Each status's place worst first (metrics/status.py); a cell with no known status goes last."""
    return statuses.map(RANKS).fillna(len(Status)).astype(int)


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


def link(code: object, title: object, query: dict[str, str]) -> str:
    """An objective's name as a link to its page (HTML): the page's path is relative, as Streamlit serves pages
    side by side under the app's own folder; `target` keeps it in this tab (Streamlit opens others in a new one)."""
    return _link(code, title, escape("&" + urlencode(query)))


def _link(code: object, title: object, rest: str) -> str:
    """`link` with the rest of its query made once (HTML-escaped), for a list of many."""
    href = f"objective?objective={escape(quote_plus(str(code)))}{rest}"
    return f'<a href="{href}" target="_self">{ui.plain(f"{code} {title}")}</a>'


def _council(name: str, rows: list[Any], links: dict[object, str]) -> str:
    """One council's exceptions as HTML: its name, then each status with its count and its objectives' links."""
    parts = [f"<h3>{ui.plain(name)}</h3>"]
    for status in FIRST:
        mine = [r for r in rows if r.status == status.word]
        if mine:
            items = "".join(f"<li>{links[r.objective_code]}</li>" for r in mine)
            parts.append(f"<p>{ui.chip(status.word, f'{len(mine)} {status.said.lower()}')}</p><ul>{items}</ul>")
    return f"<div>{''.join(parts)}</div>"


def _block(councils: list[list[Any]], links: dict[object, str]) -> str:
    """Councils' lists side by side as one piece of Markdown (raw HTML with no blank line, so it stays one block)."""
    return (
        CSS
        + '\n<div class="charter-attention">'
        + "".join(_council(str(rows[0].partner_name), rows, links) for rows in councils)
        + "</div>"
    )


def _by_council(found: pd.DataFrame) -> list[list[Any]]:
    """The rows of each council in turn, in one pass (already in the partners' order): a filter per council and
    status made a hundred and fifty pandas filters per run at fifty councils."""
    councils: dict[str, list[Any]] = {}
    columns = ["partner_code", "partner_name", "status", "objective_code", "objective_title"]
    for r in found[columns].itertuples(index=False):
        councils.setdefault(str(r.partner_code), []).append(r)
    return list(councils.values())


def _links(found: pd.DataFrame, period: str) -> dict[object, str]:
    """Each objective's link, made once: fifty councils name the same few dozen objectives over and over."""
    kept = {name: st.query_params[name] for name in sidebar.KEPT if name in st.query_params}
    rest = escape("&" + urlencode({**kept, "quarter": period}))
    once = found.drop_duplicates("objective_code")
    return {
        code: _link(code, title, rest)
        for code, title in zip(once["objective_code"], once["objective_title"], strict=True)
    }


def show(progress: pd.DataFrame, period: str) -> None:
    """The Overview's first section: every running objective off track or at risk, council by council."""
    st.header("Needs attention")
    found = exceptions(progress)
    words = " or ".join(s.said.lower() for s in FIRST)
    if found.empty:
        st.markdown(f"No objective is {words} in {period}.")
        return
    councils, links = _by_council(found), _links(found, period)
    folded = councils[OPEN:]
    more = f" The first {OPEN} councils are listed here, the other {len(folded)} below them." if folded else ""
    st.markdown(_summary(found) + " Each links to its objective's page." + more)
    st.markdown(_block(councils[:OPEN], links), unsafe_allow_html=True)
    if folded:
        targets = _count(sum(len(rows) for rows in folded), "target")
        with st.expander(f"{_count(len(folded), 'more council')}, with {targets} {words}"):
            st.markdown(_block(folded, links), unsafe_allow_html=True)
