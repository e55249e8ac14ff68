"""Ended objectives, listed apart from the running counts (docs/progress-rules.md, 5): a line and a table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components as ui
from metrics import queries
from metrics.status import ENDED, Status


def _results(row: pd.Series) -> str:
    """Each result's count as a chip, and the councils that missed or were not assessed named."""
    chips = [ui.chip(s.word, f"{row[s.key]} {s.said.lower()}") for s in ENDED if row[s.key]]
    named = [f"{s.said}: {', '.join(row[f'{s.key}_by'])}" for s in (Status.MISSED, Status.NOT_ASSESSED) if row[s.key]]
    return " ".join(chips) + "".join(f"<br><small>{ui.plain(n)}</small>" for n in named)


def summary(table: pd.DataFrame) -> str:
    """What ended, in words that say what is counted: "Ended: 3 objectives, with 9 targets (one per council):
    6 met, 2 missed, 1 not assessed"; with one target each, "Ended: 3 objectives: 2 met, 1 missed"."""
    targets = {s: int(table[s.key].sum()) for s in ENDED}
    results = ", ".join(f"{n} {s.said.lower()}" for s, n in targets.items() if n)
    objectives = f"{len(table)} objective{'' if len(table) == 1 else 's'}"
    total = sum(targets.values())
    if total == len(table):
        return f"Ended: {objectives}: {results}"
    return f"Ended: {objectives}, with {total} targets (one per council): {results}"


def show(progress: pd.DataFrame, caption: str) -> None:
    """The ended objectives among some progress rows, if any: "Ended: 3 objectives, ..." and one row each."""
    table = queries.ended_objectives(progress)
    if table.empty:
        return
    st.markdown(
        f"**{summary(table)}.** These objectives are past their deadline, so they are not counted with the "
        "running ones."
    )
    rows = [
        [
            ui.plain(f"{r['objective_code']} {r['objective_title']}"),
            ui.plain(r["deadline_period"]),
            _results(r),
            ui.plain(queries.result_basis(r["result_source"], r["decided_by"], r["decided_on"], r["deadline_period"])),
        ]
        for _, r in table.iterrows()
    ]
    header = ["Objective", "Deadline", "Result", "Judged on"]
    st.markdown(ui.scrolling(ui.html_table(caption, header, rows), caption), unsafe_allow_html=True)
