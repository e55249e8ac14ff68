"""Small pieces of page shared by every page: status chips, the demo banner, the shared selection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Any

import pandas as pd
import streamlit as st

from metrics import exports
from metrics.periods import Period, parse_period
from metrics.status import RUNNING, Status, look

# (symbol, fill, text colour) of each status a running objective can have, from metrics/status.py.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {s.word: (s.symbol, s.fill, s.ink) for s in RUNNING}
ALL_PARTNERS = "All partners"


@dataclass(frozen=True)
class Selection:
    """What the reader chose in the sidebar: a quarter and a partner (or all)."""

    period: Period
    partner: str | None


def chip(status: str, label: str | None = None) -> str:
    """A status as HTML: symbol and word on the status colour."""
    found = look(status)
    symbol, fill, ink = (found.symbol, found.fill, found.ink) if found else ("?", "#ffffff", "#0b0c0c")
    text = escape(label if label is not None else status)
    return (
        f'<span class="charter-chip" style="background:{fill};color:{ink};padding:0.1em 0.5em;'
        f'border-radius:0.3em;white-space:nowrap;font-weight:600">'
        f'<span aria-hidden="true">{symbol}</span> {text}</span>'
    )


def symbol(status: str) -> str:
    found = Status.find(status)
    return found.symbol if found else "?"


def html_table(caption: str, header: list[str], rows: list[list[str]], first_col_header: bool = True) -> str:
    """An accessible HTML table: a caption, column headers and row headers; cells are HTML already."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in header)
    body = ""
    for row in rows:
        cells = "".join(
            f'<th scope="row">{c}</th>' if i == 0 and first_col_header else f"<td>{c}</td>" for i, c in enumerate(row)
        )
        body += f"<tr>{cells}</tr>"
    return (
        f'<table class="charter-table"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def demo_banner() -> None:
    st.warning(
        "**Illustrative demonstration data.** Every figure, target and objective shown here is made up to show "
        "how Charter works; none of it describes any council's real performance.",
        icon=":material/info:",
    )


def selection() -> Selection:
    """The quarter and partner chosen in the sidebar (set by app.py)."""
    partner = st.session_state.get("partner", ALL_PARTNERS)
    return Selection(parse_period(st.session_state["quarter"]), None if partner == ALL_PARTNERS else partner)


CSS = """
<style>
.charter-table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; font-size: 0.95rem; }
.charter-table caption { text-align: left; font-weight: 600; padding: 0.25rem 0; caption-side: top; }
.charter-table th, .charter-table td { border: 1px solid #b1b4b6; padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; }
.charter-table thead th { background: #f3f2f1; }
.charter-scroll { overflow-x: auto; }
</style>
"""


def chart(figure: Any, alt_text: str, table: pd.DataFrame, file_name: str, key: str) -> None:
    """A chart (an Altair chart, or its Vega-Lite spec from `resources.chart_spec`) with its text alternative:
    a sentence (alt), the figures as a table, and a CSV download."""
    if isinstance(figure, dict):
        st.vega_lite_chart(spec=figure, theme=None, alt=alt_text, width="stretch")
    else:
        st.altair_chart(figure, theme=None, alt=alt_text, width="stretch")
    st.caption(alt_text)
    with st.expander("The figures in this chart, as a table"):
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(
            "Download these figures (CSV)",
            data=partial(exports.csv_bytes, table),  # made when clicked, not on every run of the page
            on_click="ignore",
            file_name=file_name,
            mime="text/csv",
            key=f"download-{key}",
            icon=":material/download:",
        )


def fmt_value(value: float | None, unit: str) -> str:
    """A figure with its unit, as a person would write it: 72.5%, £1,234, 3.2 hours."""
    if value is None or pd.isna(value):
        return "no figure"
    if unit == "%":
        return f"{value:,.1f}%"
    if unit == "GBP":
        return f"£{value:,.0f}"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "score":
        return f"{value:,.2f}"
    return f"{value:,.1f} {unit}"


def objective_link(code: str, title: str, period: str) -> None:
    st.page_link("app_pages/objective.py", label=f"{code} {title}", query_params={"objective": code, "quarter": period})


def plain(value: object, default: str = "–") -> str:
    """Text for a table cell, HTML-escaped; missing values (None, NaN) become `default`."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return default
    return escape(str(value))


SHADED_ROWS = 300  # shading is worked out cell by cell (~0.2 s for 1,000 rows); beyond this many, changed rows go first


def highlight(frame: pd.DataFrame, column: str, marked: Callable[[Any], bool]) -> Any:
    """The rows where `marked(row[column])` shaded (the word in `column` says why), or, in a table too long to
    shade quickly, listed first."""
    flags = frame[column].map(marked).astype(bool)
    if len(frame) > SHADED_ROWS:
        return frame.iloc[(~flags).argsort(kind="stable")]
    shaded = pd.DataFrame("", index=frame.index, columns=frame.columns)
    shaded.loc[flags] = "background-color: #fff7bf; font-weight: 600"
    return frame.style.apply(lambda _: shaded, axis=None)


def submission_labels(history: pd.DataFrame) -> dict[int, str]:
    """Each submission's id: its file, status and day, for a select box."""
    return {int(r.id): f"{r.id}: {r.file_name} ({r.status}, {r.submitted_at:%-d %b %Y})" for r in history.itertuples()}


def url_select(label: str, options: list[Any], key: str, format_func: Callable[[Any], str] = str) -> Any:
    """A select box whose choice is kept in the URL under `key`, so a copied link reproduces it."""
    if key not in st.session_state:
        wanted = st.query_params.get(key, "")
        matches = [o for o in options if str(o).upper() == wanted.upper()]
        st.session_state[key] = matches[0] if matches else options[0]
    chosen = st.selectbox(label, options, key=key, format_func=format_func)
    st.query_params[key] = str(chosen)
    return chosen
