"""What needs attention first: the running objectives off track or at risk, by council, each a link to its page.

Each council's list is one block of HTML, not one `st.page_link` per objective: at fifty councils the Overview named
~1,500 objectives, and a page link each made ~1,500 elements for the server to build and send on every fresh load.
The blocks are made once per quarter and data version (`resources.derived`) and shared by every session; only the
selection kept in the links' query (dashboard/sidebar.py `KEPT`) is put in per run. A plain link opens the
objective's page afresh in the same tab.
"""

from __future__ import annotations

from html import escape
from typing import Any, NamedTuple
from urllib.parse import quote_plus, urlencode

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard import resources, sidebar
from metrics import queries
from metrics.periods import Period
from metrics.status import Status

FIRST = (Status.OFF_TRACK, Status.AT_RISK)  # what the Overview opens with, worst first
OPEN = 6  # councils shown open; the rest fold into one expander, so the section's height does not grow with them
CSS = (
    "<style>.charter-attention { display: grid; gap: 0 1.5rem; overflow-wrap: anywhere;"
    " grid-template-columns: repeat(auto-fill, minmax(min(100%, 18rem), 1fr)); }"
    " .charter-attention ul { margin: 0.25rem 0 0.75rem; }</style>"
)
QUERY = "\x1f"  # where a cached block's links take the rest of their query; escaped user text never holds it
RANKS = {s.word: s.rank for s in Status}


class Council(NamedTuple):
    """One council's exceptions: how many of each of `FIRST`, which objectives, and its list as HTML."""

    code: str
    counts: tuple[int, ...]
    objectives: frozenset[str]
    html: str


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


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(councils: list[Council]) -> str:
    """What is counted, in words: targets (an objective's for one council), in how many objectives and councils."""
    off, risk = (sum(c.counts[i] for c in councils) for i in range(len(FIRST)))
    objectives = len(frozenset().union(*(c.objectives for c in councils)))
    return (
        f"{_count(off, 'target')} {FIRST[0].said.lower()} and {risk} {FIRST[1].said.lower()}, in "
        f"{_count(objectives, 'objective')} across {_count(len(councils), 'council')} (an objective sets a target "
        "for each council)."
    )


def link(code: object, title: object, query: dict[str, str]) -> str:
    """An objective's name as a link to its page (HTML): the page's path is relative, as Streamlit serves pages
    side by side under the app's own folder; `target` keeps it in this tab (Streamlit opens others in a new one)."""
    return _link(code, title).replace(QUERY, escape("&" + urlencode(query)))


def _link(code: object, title: object) -> str:
    href = f"objective?objective={escape(quote_plus(str(code)))}{QUERY}"
    return f'<a href="{href}" target="_self">{ui.plain(f"{code} {title}")}</a>'


def _council(rows: list[Any], links: dict[str, str]) -> Council:
    """One council's exceptions: its name, then each status with its count and its objectives' links."""
    parts, counts = [f"<h3>{ui.plain(rows[0].partner_name)}</h3>"], []
    for status in FIRST:
        mine = [r for r in rows if r.status == status.word]
        counts.append(len(mine))
        if mine:
            items = "".join(f"<li>{links[r.objective_code]}</li>" for r in mine)
            parts.append(f"<p>{ui.chip(status.word, f'{len(mine)} {status.said.lower()}')}</p><ul>{items}</ul>")
    code = str(rows[0].partner_code)
    return Council(code, tuple(counts), frozenset(str(r.objective_code) for r in rows), f"<div>{''.join(parts)}</div>")


def councils(progress: pd.DataFrame) -> list[Council]:
    """Each council's exceptions in the partners' order, in one pass over the rows (a filter per council and status
    made a hundred and fifty pandas filters per run at fifty councils); each objective's link is made once."""
    found = exceptions(progress)
    once = found.drop_duplicates("objective_code")
    links = {c: _link(c, t) for c, t in zip(once["objective_code"], once["objective_title"], strict=True)}
    by_council: dict[str, list[Any]] = {}
    columns = ["partner_code", "partner_name", "status", "objective_code", "objective_title"]
    for r in found[columns].itertuples(index=False):
        by_council.setdefault(str(r.partner_code), []).append(r)
    return [_council(rows, links) for rows in by_council.values()]


def _block(shown: list[Council], rest: str) -> str:
    """Councils' lists side by side as one piece of Markdown (raw HTML with no blank line, so it stays one block)."""
    return CSS + '\n<div class="charter-attention">' + "".join(c.html for c in shown).replace(QUERY, rest) + "</div>"


def show(period: Period, partner: str | None) -> None:
    """The Overview's first section: every running objective off track or at risk, council by council."""
    st.header("Needs attention")
    found = resources.derived(councils, queries.progress_for_period, period, published=True)
    found = [c for c in found if partner is None or c.code == partner]
    words = " or ".join(s.said.lower() for s in FIRST)
    if not found:
        st.markdown(f"No objective is {words} in {period}.")
        return
    kept = {name: st.query_params[name] for name in sidebar.KEPT if name in st.query_params}
    rest = escape("&" + urlencode({**kept, "quarter": str(period)}))
    folded = found[OPEN:]
    more = f" The first {OPEN} councils are listed here, the other {len(folded)} below them." if folded else ""
    st.markdown(_summary(found) + " Each links to its objective's page." + more)
    st.markdown(_block(found[:OPEN], rest), unsafe_allow_html=True)
    if folded:
        targets = _count(sum(sum(c.counts) for c in folded), "target")
        with st.expander(f"{_count(len(folded), 'more council')}, with {targets} {words}"):
            st.markdown(_block(folded, rest), unsafe_allow_html=True)
