"""Small pieces of page shared by every page: status chips, the demo banner, the shared selection."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from numbers import Integral, Real
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import resources
from metrics import exports, formatting, queries
from metrics.periods import Period, parse_period
from metrics.status import RUNNING, Status, look

# (symbol, fill, text colour) of each status a running objective can have, from metrics/status.py.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {s.word: (s.symbol, s.fill, s.ink) for s in RUNNING}
ALL_PARTNERS = "All partners"
DASH = "–"  # an empty cell of a table


@dataclass(frozen=True)
class Selection:
    """What the reader chose in the sidebar: a quarter and a partner (or all)."""

    period: Period
    partner: str | None


def chip(status: object, label: object = None) -> str:
    """A status as HTML: symbol and word on the status colour (a table's cell may hold no status: "?")."""
    found = look(status) if isinstance(status, str) else None
    symbol, fill, ink = (found.symbol, found.fill, found.ink) if found else ("?", "#ffffff", "#0b0c0c")
    text = plain(label if label is not None else said(status))
    wrap = "normal;display:inline-block" if label is not None else "nowrap"  # a council's name may wrap in a cell
    return (
        f'<span class="charter-chip" style="background:{fill};color:{ink};padding:0.1em 0.5em;'
        f'border-radius:0.3em;white-space:{wrap};font-weight:600">'
        f'<span aria-hidden="true">{symbol}</span> {text}</span>'
    )


def said(status: object) -> str:
    """A status in the words members read: "Figure overdue" for the view's `Overdue` (docs/progress-rules.md)."""
    found = Status.find(status)
    return found.said if found else plain(status)


def symbol(status: object) -> str:
    found = Status.find(status) if isinstance(status, str) else None
    return found.symbol if found else "?"


def scrolling(table_html: str, label: str) -> str:
    """A table that may be wider than the page, in a region a keyboard can scroll (focusable and named)."""
    return f'<div class="charter-scroll" tabindex="0" role="region" aria-label="{plain(label)}">{table_html}</div>'


def html_table(caption: str, header: list[str], rows: list[list[str]], first_col_header: bool = True) -> str:
    """An accessible HTML table: a caption, column headers and row headers; cells are HTML already (user text
    in them made `plain`), the caption and headers are text."""
    head = "".join(f'<th scope="col">{plain(h)}</th>' for h in header)
    body = ""
    for row in rows:
        cells = "".join(
            f'<th scope="row">{c}</th>' if i == 0 and first_col_header else f"<td>{c}</td>" for i, c in enumerate(row)
        )
        body += f"<tr>{cells}</tr>"
    return (
        f'<table class="charter-table"><caption>{plain(caption)}</caption>'
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
    _alternative(alt_text, table, file_name, key)


PANELS = 6  # charts of one kind drawn for as many councils, past which a council is chosen (each chart costs)


def chart_panels(
    panels: list[tuple[str, Any]], alt_text: str, table: pd.DataFrame, file_name: str, key: str, across: int = 3
) -> None:
    """A chart per partner, `across` to a row on a wide screen and one under another on a phone (Streamlit stacks
    columns there, where a facet of fixed-width panels would be cut off), with one text alternative for all. Past
    PANELS councils, the first PANELS are drawn and the reader is told how to see another's; the table has all."""
    if len(panels) > PANELS:
        st.caption(
            f"Charts for the first {PANELS} of {len(panels)} councils: choose a council in the sidebar for its own. "
            "The table below the charts has every council's figures."
        )
        panels = panels[:PANELS]
    for start in range(0, len(panels), across):
        for place, (name, figure) in zip(st.columns(across), panels[start : start + across], strict=False):
            with place:
                st.altair_chart(figure, theme=None, alt=f"{name}. {alt_text}", width="stretch")
    _alternative(alt_text, table, file_name, key)


def _alternative(alt_text: str, table: pd.DataFrame, file_name: str, key: str) -> None:
    """A chart's text alternative: the sentence, and its figures as a table with a CSV download."""
    st.caption(plain(alt_text))  # the sentence names partners and KPIs
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


def missing(value: object) -> bool:
    """Whether a table's cell holds nothing: None, NaN, NaT or pandas' NA."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, Real) and math.isnan(value))


def whole(value: object) -> int:
    """A table's cell holding a whole number (an id, a count) as an int."""
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, float) and value.is_integer():  # a column of ids with a gap in it is read as floats
        return int(value)
    raise TypeError(f"expected a whole number, not {value!r}")


def fmt_value(value: object, unit: object, decimals: object = None, reason: str = formatting.NO_FIGURE) -> str:
    """A figure (a table's cell) as members read it: its unit, its KPI's decimals, or a dash with why it is missing
    (metrics/formatting.py, the one home of how figures are written)."""
    return formatting.figure(value, unit, decimals, reason=reason)


def figures(frame: pd.DataFrame, column: str, unit: object = None, decimals: object = None) -> list[str]:
    """A column of figures as members read them (metrics/formatting.py): in the row's `unit` and `decimals`
    columns unless given, and a missing one with its reason from the row's `status` (`— figure overdue`)."""
    units = frame["unit"] if unit is None else [unit] * len(frame)
    places = frame["decimals"] if decimals is None and "decimals" in frame else [decimals] * len(frame)
    reasons = frame["status"].map(formatting.reason) if "status" in frame else [formatting.NO_FIGURE] * len(frame)
    return [
        formatting.figure(v, u, d, reason=r) for v, u, d, r in zip(frame[column], units, places, reasons, strict=True)
    ]


def text_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as the text it shows, for `st.dataframe`, whose screen-reader table holds the cells' raw values:
    a missing cell is a dash, a day is written out, true/false is yes/no (figures are formatted before)."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            out[name] = [DASH if missing(v) else f"{v:%-d %b %Y}" for v in column]
        elif pd.api.types.is_bool_dtype(column):
            out[name] = column.map({True: "yes", False: "no"})
        else:
            out[name] = [_cell_text(v) for v in column]
    return out


def _cell_text(value: object) -> str:
    if missing(value) or value == "":
        return DASH
    if isinstance(value, date):  # a datetime is a date too
        return f"{value:%-d %b %Y}"
    return str(value)


def last_updated() -> None:
    """One line near the top of a members' page: the newest approved figure, whose it is and when approved."""
    newest = resources.cached(queries.last_update)
    if newest is None:
        st.caption("Last updated: no figure has been approved yet.")
        return
    others = newest.figures - 1
    st.caption(
        plain(
            f"Last updated {newest.approved_at:%-d %B %Y}: {newest.partner_name}'s {newest.kpi_name} "
            f"({newest.kpi_code}) for {newest.period} was approved"
            + (f", with {others} other {'figure' if others == 1 else 'figures'}." if others else ".")
        )
    )


def objective_link(code: object, title: object, period: str) -> None:
    st.page_link(
        resources.page("objective", "app_pages/objective.py"),  # the registered page: no lookup on disk per link
        label=plain(f"{code} {title}"),
        query_params={"objective": str(code), "quarter": period},
    )


# User text is made inert for Streamlit's Markdown (links, images, emphasis, code, `$…$`, `:red[…]`, tables, raw
# HTML) and for HTML that Charter writes, by turning the characters that start such syntax into character
# references: both read a reference as the literal character, never as syntax. Ordinary punctuation (. , ' ( ) :)
# is left as it is, so "Hinckley & Bosworth" and "figures.csv" read the same in the page's source. An e-mail
# address is left too: GFM makes it a mailto: link that shows the address itself, nothing else.
_MARKUP = {ord(c): f"&#{ord(c)};" for c in "\\`*_~[]{}<>$|"}
_REFERENCE = re.compile(r"&(?=[#\w])")  # "&amp;" or "&notes" would be read as a reference; "& " is not
_BARE_LINK = re.compile(r"(?i)(?<=[a-z]):(?=//)|(?<=www)\.")  # GFM turns http://x and www.x into links
# Streamlit swaps `:streamlit:`, `:material_x:` and emoji shortcodes for pictures, and `:help` or `:small` for
# its own elements, after references are read: a colon that opens one is followed by an invisible word joiner.
_DIRECTIVE = re.compile(r":(?=[A-Za-z]|[\w+-]+:)")
_BLOCK = re.compile(r"^(?:\d+[.)]|[#+=-])")  # a heading, list or rule where the text starts a line


def plain(value: object, default: str = "–") -> str:
    """User text (a name, note, comment, file name) to show as itself wherever Streamlit reads Markdown or
    Charter writes HTML; line breaks become spaces; missing values (None, NaN, "") become `default`."""
    if missing(value) or value == "":
        return default
    text = " ".join(str(value).splitlines()).lstrip()
    text = _REFERENCE.sub("&amp;", text).translate(_MARKUP)
    text = _BARE_LINK.sub(lambda m: f"&#{ord(m.group())};", text)
    text = _DIRECTIVE.sub(":\u2060", text)
    return _BLOCK.sub(lambda m: m.group()[:-1] + f"&#{ord(m.group()[-1])};", text)


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
    return {
        whole(r.id): f"{r.id!s}: {r.file_name!s} ({r.status!s}, {r.submitted_at:%-d %b %Y})"
        for r in history.itertuples()
    }


def labels(options: list[Any], format_func: Callable[[Any], str]) -> Callable[[Any], str]:
    """A select box's `format_func` that holds its options' labels and nothing else.

    Streamlit keeps a keyed widget's `format_func` for the rest of the session. A function written in a page script
    holds that run's globals, and with them every table the page read (at fifty councils, 24 MB per session for the
    KPIs page): a page passes its labels through here instead (tests/test_page_memory.py)."""
    return {option: format_func(option) for option in options}.__getitem__


def url_select(label: str, options: list[Any], key: str, format_func: Callable[[Any], str] = str) -> Any:
    """A select box whose choice is kept in the URL under `key`, so a copied link reproduces it."""
    if key not in st.session_state:
        wanted = st.query_params.get(key, "")
        matches = [o for o in options if str(o).upper() == wanted.upper()]
        st.session_state[key] = matches[0] if matches else options[0]
    chosen = st.selectbox(label, options, key=key, format_func=labels(options, format_func))
    st.query_params[key] = str(chosen)
    return chosen
