"""Charts for print (the board pack): Altair specs with an explicit size, rendered offline to PNG by vl-convert.

The colours and shapes are every status's own (metrics/status.py): status is never shown by colour alone.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import altair as alt
import pandas as pd

from metrics.status import INK, WHITE, Status

STATUS_ORDER = [s.word for s in Status]  # running, then ended (an ended result on a chart)
STATUS_COLOURS = [s.fill for s in Status]
STATUS_SHAPES = [s.shape for s in Status]
DARK_TEXT = [s.word for s in Status if s.ink == INK]  # the statuses whose word is written in black on their fill
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu Sans"


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    font = FONT if FONT_DIR.is_dir() else "sans-serif"
    configured: alt.TopLevelMixin = (
        chart.configure(font=font, background="#ffffff")
        .configure_view(stroke=None)
        .configure_axis(labelColor=INK, titleColor=INK, gridColor="#d9dbdc", labelFontSize=10, titleFontSize=10)
        .configure_legend(labelColor=INK, titleColor=INK, labelFontSize=10, titleFontSize=10, orient="bottom")
    )
    return configured


STATUS_RANK = f"indexof({STATUS_ORDER!r}, datum.status)"  # stacks and labels run in the order of the statuses


def _status_bars(counts: pd.DataFrame, y: alt.Y, x_title: str) -> alt.Chart:
    """Counts of objectives as bars along `y`, each split by status in the statuses' order and colours."""
    bars: alt.Chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("objectives:Q", title=x_title, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_COLOURS),
                title="Status",
                sort=STATUS_ORDER,
            ),
            order=alt.Order("status_rank:Q"),
        )
        .transform_calculate(status_rank=STATUS_RANK)
    )
    return bars


def status_by_partner(rows: pd.DataFrame) -> alt.TopLevelMixin:
    """How many objectives on the list each partner has in each status: a bar per partner, split by status."""
    counts = rows.groupby(["partner_order", "partner_name", "status"]).size().reset_index(name="objectives")
    partners = counts.sort_values("partner_order")["partner_name"].drop_duplicates().tolist()
    chart = _status_bars(
        counts,
        alt.Y("partner_name:N", sort=partners, title=None, axis=alt.Axis(labelLimit=0)),
        "Objectives on the exception list",
    ).properties(width=440, height=28 * max(len(partners), 1))
    labels = (
        alt.Chart(counts)
        .mark_text(fontSize=10, dx=-8, align="right")
        .encode(
            # Each status's own text colour (dark on the orange of At risk, white on the others): each passes WCAG.
            color=alt.condition(
                alt.FieldOneOfPredicate(field="status", oneOf=DARK_TEXT), alt.value(INK), alt.value(WHITE)
            ),
            y=alt.Y("partner_name:N", sort=partners),
            x=alt.X("objectives:Q", stack="zero"),
            detail="status:N",
            order=alt.Order("status_rank:Q"),
            text=alt.Text("objectives:Q"),
        )
        .transform_calculate(status_rank=STATUS_RANK)
    )
    return _config(alt.layer(chart, labels))


def status_by_commitment(progress: pd.DataFrame) -> alt.TopLevelMixin:
    """Each commitment's objectives by status, a small bar chart per partner side by side."""
    counts = (
        progress.groupby(["commitment_order", "commitment_title", "partner_order", "partner_code", "status"])
        .size()
        .reset_index(name="objectives")
    )
    partners = counts.sort_values("partner_order")["partner_code"].drop_duplicates().tolist()
    commitments = counts.sort_values("commitment_order")["commitment_title"].drop_duplicates().tolist()
    chart = (
        _status_bars(
            counts, alt.Y("commitment_title:N", sort=commitments, title=None, axis=alt.Axis(labelLimit=0)), "Objectives"
        )
        .properties(width=max(90, 330 // max(len(partners), 1)), height=22 * max(len(commitments), 1))
        .facet(column=alt.Column("partner_code:N", sort=partners, title=None, header=alt.Header(labelFontSize=11)))
    )
    return _config(chart)


def objective_by_partner(series: pd.DataFrame, unit: str) -> alt.TopLevelMixin:
    """One objective: each partner's figures (status-shaped points) against its target line, side by side."""
    partners = series.sort_values("partner_order")["partner_name"].drop_duplicates().tolist()
    periods = series.sort_values("period_index")["period"].drop_duplicates().tolist()
    width = max(110, min(220, 470 // max(len(partners), 1)))
    x = alt.X("period:O", sort=periods, title=None, axis=alt.Axis(labelAngle=-45, labelFontSize=8))
    base = alt.Chart().encode(x=x)
    target = base.mark_line(strokeDash=[5, 3], color="#505a5f").encode(
        y=alt.Y("target:Q", title=unit_title(unit), scale=alt.Scale(zero=False))
    )
    actual = base.mark_line(color="#1d70b8").encode(y="actual:Q")
    points = base.mark_point(filled=True, size=45, opacity=1).encode(
        y="actual:Q",
        color=alt.Color("status:N", scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_COLOURS), title="Status"),
        shape=alt.Shape("status:N", scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_SHAPES), title="Status"),
    )
    chart = (
        alt.layer(target, actual, points, data=series)
        .properties(width=width, height=120)
        .facet(column=alt.Column("partner_name:N", sort=partners, title=None))
        .resolve_scale(y="independent")
    )
    return _config(chart)


def unit_title(unit: str) -> str:
    return {"%": "Per cent", "GBP": "Pounds (£)", "count": "Number", "hours": "Hours", "days": "Days"}.get(
        unit, unit.capitalize()
    )


@cache
def _fonts_registered() -> bool:
    import vl_convert

    if FONT_DIR.is_dir():
        vl_convert.register_font_directory(str(FONT_DIR))
    return True


def png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart as a PNG, rendered offline (no browser, no network)."""
    import vl_convert

    _fonts_registered()
    return bytes(vl_convert.vegalite_to_png(chart.to_dict(), scale=scale))
