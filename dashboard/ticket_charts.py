"""Altair factories for the ICT service desk page: a DataFrame in, a chart out. Never calls `st.*`.

Kept beside `charts.py` (whose theme and partner order they share) so the service desk's charts can change
without touching the charts every other page uses. Every series has its own shape or position as well as
its colour, and tooltips give the words and exact figures.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from dashboard.charts import INK, PARTNER_COLOURS, partner_names, quarter_axis, with_text, y_axis
from metrics import formatting

PRIORITIES = ["All priorities", "P1", "P2", "P3", "P4", "P5"]
PRIORITY_COLOURS = [INK, *PARTNER_COLOURS[:5]]
PRIORITY_SHAPES = ["circle", "triangle-up", "square", "diamond", "cross", "triangle-down"]
# An ordered blue ramp: older (darker) is worse; each band is also its own labelled stack segment.
AGE_COLOURS = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]
COUNT_AXIS = y_axis("count")  # tickets are whole: no 2.5 on the axis


def priority_label(priority: int) -> str:
    return "All priorities" if priority == 0 else f"P{priority}"


def _scale(shown: list[str], values: list[str]) -> alt.Scale:
    """Each priority keeps its own colour or shape whichever priorities a chart shows; the legend lists those only."""
    return alt.Scale(domain=shown, range=[values[PRIORITIES.index(p)] for p in shown])


Panels = list[tuple[str, alt.Chart]]


def _panels(chart: alt.Chart, frame: pd.DataFrame) -> Panels:
    """One chart per partner (the page lays them out three across, stacked on a phone), each with its own data
    but the whole frame's scales, so the panels compare like a facet's would."""
    panels = []
    for name in partner_names(frame):
        panel = chart.properties(title=str(name), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
        panel.data = frame[frame["partner_name"] == name]
        panels.append((str(name), panel))
    return panels


def _top(frame: pd.DataFrame, across: str, value: str) -> alt.Scale:
    """One y scale for every partner's panel: from 0 to the tallest stack of any."""
    return alt.Scale(domain=[0, float(frame.groupby(["partner_name", across])[value].sum().max())])


def sla_by_priority(frame: pd.DataFrame, periods: list[str]) -> Panels:
    """% of incidents resolved within SLA over the quarters, a line per priority, a panel per partner."""
    data = with_text(frame.assign(priority_name=frame["priority"].map(priority_label)), ["value"], "%")
    shown = [p for p in PRIORITIES if p in set(data["priority_name"])]
    chart: alt.Chart = (  # annotated: altair's mark_* methods are typed as returning Any
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=quarter_axis(periods),
            y=alt.Y("value:Q", title="Resolved within SLA (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "priority_name:N",
                title="Priority",
                sort=shown,
                scale=_scale(shown, PRIORITY_COLOURS),
            ),
            shape=alt.Shape(
                "priority_name:N",
                title="Priority",
                sort=shown,
                scale=_scale(shown, PRIORITY_SHAPES),
            ),
            strokeDash=alt.condition(alt.datum.priority == 0, alt.value([1, 0]), alt.value([5, 3])),
            tooltip=[
                alt.Tooltip("partner_name:N", title="Partner"),
                alt.Tooltip("period:N", title="Quarter"),
                alt.Tooltip("priority_name:N", title="Priority"),
                alt.Tooltip("value_text:N", title="Within SLA"),
            ],
        )
        .properties(width="container", height=200)
    )
    return _panels(chart, data)


def resolution_bands(frame: pd.DataFrame) -> Panels:
    """How long incidents took to fix: incidents per band of time, stacked by priority, a panel per partner."""
    bands = frame.sort_values("band_order")["band"].drop_duplicates().tolist()
    shown = [p for p in PRIORITIES if p in set(frame["priority"])]
    chart: alt.Chart = (  # annotated: altair's mark_* methods are typed as returning Any
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("band:O", sort=bands, title="Time to resolve", axis=alt.Axis(labelAngle=-30)),
            y=alt.Y(
                "sum(incidents):Q", title="Incidents resolved", axis=COUNT_AXIS, scale=_top(frame, "band", "incidents")
            ),
            color=alt.Color("priority:N", title="Priority", sort=shown, scale=_scale(shown, PRIORITY_COLOURS)),
            order=alt.Order("priority:N", sort="ascending"),
            tooltip=[
                alt.Tooltip("partner_name:N", title="Partner"),
                alt.Tooltip("priority:N", title="Priority"),
                alt.Tooltip("band:N", title="Time to resolve"),
                alt.Tooltip("incidents:Q", title="Incidents", format=formatting.axis_format("count")),
            ],
        )
        .properties(width="container", height=200)
    )
    return _panels(chart, frame)


def backlog_ageing(frame: pd.DataFrame, periods: list[str]) -> Panels:
    """Tickets open at each quarter's end, stacked by age band (youngest at the bottom), a panel per partner."""
    present = frame[["band", "band_order"]].drop_duplicates().sort_values("band_order")
    bands = present["band"].tolist()
    colours = [AGE_COLOURS[min(int(o), len(AGE_COLOURS)) - 1] for o in present["band_order"]]
    chart: alt.Chart = (  # annotated: altair's mark_* methods are typed as returning Any
        alt.Chart(frame)
        .mark_bar(stroke="#ffffff", strokeWidth=0.5)
        .encode(
            x=quarter_axis(periods),
            y=alt.Y(
                "sum(tickets):Q",
                title="Tickets open at quarter end",
                axis=COUNT_AXIS,
                scale=_top(frame, "period", "tickets"),
            ),
            color=alt.Color(
                "band:N",
                title="Open for",
                sort=bands,
                scale=alt.Scale(domain=bands, range=colours),
            ),
            order=alt.Order("band_order:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("partner_name:N", title="Partner"),
                alt.Tooltip("period:N", title="Quarter end"),
                alt.Tooltip("band:N", title="Open for"),
                alt.Tooltip("tickets:Q", title="Tickets", format=formatting.axis_format("count")),
            ],
        )
        .properties(width="container", height=200)
    )
    return _panels(chart, frame)
