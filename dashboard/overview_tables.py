"""The Overview's wide tables as HTML rows: status by commitment or principle and partner, and what changed.

With every partner shown (the Overview's default) the rows depend only on the quarter and the data, so the page asks
for them through `resources.derived`: made once per data version and shared by every session, not on each fresh load
(at fifty councils they took about a third of the Overview's script). With one partner chosen they are made per run,
from that partner's few rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from html import escape

import pandas as pd

from dashboard import components as ui
from dashboard import resources
from metrics import queries
from metrics.status import Status

MOVES = {"better": "↑ better", "worse": "↓ worse", "ended": "ended"}
Table = tuple[list[str], list[list[str]]]  # a header and rows of HTML cells (`components.html_table`)


def cell(statuses: Iterable[str]) -> str:
    """A cell: a count per status present, each with its symbol and word, the worst first."""
    counts = Counter(statuses)
    return " ".join(ui.chip(s, f"{counts[s]} {ui.said(s).lower()}") for s in queries.WORST_FIRST if counts[s]) or "—"


def partners_in(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """(code, name) of each partner with rows in `frame`, in the partners' order."""
    firsts = frame.sort_values("partner_order", kind="stable").drop_duplicates("partner_code")
    return list(zip(firsts["partner_code"], firsts["partner_name"], strict=True))


def matrix(frame: pd.DataFrame, key: str, title: str, shown: list[tuple[str, str]]) -> Table:
    """Status by `key` (commitment or principle) and each partner `shown`; beside several, the partnership's worst."""
    header = [title, *[name for _, name in shown]]
    if len(shown) > 1:
        header.append("Partnership (worst named)")
    rows = []
    for (_, label), group in frame.groupby([f"{key}_order", f"{key}_title"], sort=True):
        row = [ui.plain(label)]
        mine: dict[str, list[str]] = {}  # each partner's statuses, in one pass (not a filter per partner)
        for code, status in zip(group["partner_code"], group["status"], strict=True):
            mine.setdefault(code, []).append(status)
        row += [cell(mine.get(c, [])) for c, _ in shown]
        if len(shown) > 1:
            worst = queries.worst_status(group["status"])
            row.append(f"{cell(group['status'])}<br><small>Worst: {escape(ui.said(worst).lower())}</small>")
        rows.append(row)
    return header, rows


def by_commitment(progress: pd.DataFrame) -> Table:
    """The running objectives by commitment, for every partner with a target in the quarter."""
    return matrix(queries.running(progress), "commitment", "Commitment", partners_in(progress))


def by_principle(progress: pd.DataFrame, principles: pd.DataFrame) -> Table | None:
    """The running objectives by principle (an objective may serve several); None when none serves one."""
    found = queries.running(progress).merge(principles, on="objective_code")
    if found.empty:
        return None
    return matrix(
        found.rename(columns={"strapline": "principle_title"}), "principle", "Principle", partners_in(progress)
    )


def every_principle(progress: pd.DataFrame) -> Table | None:
    """`by_principle` with the framework's principles, for `resources.derived` (which hands over one read)."""
    return by_principle(progress, resources.cached(queries.objective_principles))


def changes(frame: pd.DataFrame) -> Table:
    """Each objective and partner whose status changed: what it was, what it is, and which way."""
    rows = [
        [
            ui.plain(f"{r.objective_code} {r.objective_title}"),
            ui.plain(r.partner_name),
            ui.chip(r.was),
            ui.chip(r.now),
            escape(MOVES.get(str(r.movement), "changed")),
        ]
        for r in frame.itertuples()
    ]
    return ["Objective", "Partner", "Was", "Now", "Movement"], rows


def moved(frame: pd.DataFrame) -> str:
    """The changes in words: how many improved, got worse, moved to or from no assessment, or ended."""
    worse, better = (frame["movement"] == "worse").sum(), (frame["movement"] == "better").sum()
    done = (frame["movement"] == "ended").sum()
    other = len(frame) - worse - better - done
    return (
        f"{better} improved and {worse} got worse"
        + (
            f"; {other} moved to or from *{Status.OVERDUE.said.lower()}* or *{Status.NO_DATA.said.lower()}*"
            if other
            else ""
        )
        + (f"; {done} reached their deadline and show their result." if done else ".")
    )
