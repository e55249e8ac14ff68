"""Altair charts of the Risks and Contracts pages: a DataFrame in, a chart out; never calls `st.*`.

Each chart comes with its sentence and its table on the page (components.chart): nothing rests on colour.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from dashboard.charts import INK, PARTNER_COLOURS


def risk_trend(history: pd.DataFrame) -> alt.LayerChart:
    """Each risk's score at every scoring: a line and labelled points per risk."""
    frame = history.assign(risk="Risk " + history["code"].astype(str))[["risk", "reviewed_on", "score", "rating"]]
    base = alt.Chart(frame).encode(
        x=alt.X("reviewed_on:T", title="Reviewed on", axis=alt.Axis(format="%b %Y")),
        y=alt.Y("score:Q", title="Score (likelihood × impact)", scale=alt.Scale(domain=[0, 24])),
        detail="risk:N",
        tooltip=[alt.Tooltip("risk:N", title="Risk"),
                 alt.Tooltip("reviewed_on:T", title="Reviewed", format="%-d %b %Y"),
                 alt.Tooltip("score:Q", title="Score"), alt.Tooltip("rating:N", title="Rating")],
    )  # fmt: skip
    lines = base.mark_line(color="#505a5f", strokeWidth=1.5)
    points = base.mark_point(filled=True, color=INK, size=50)
    labels = (
        base.transform_window(last="rank()", sort=[alt.SortField("reviewed_on", order="descending")], groupby=["risk"])
        .transform_filter("datum.last == 1")
        .mark_text(align="left", dx=6, color=INK, fontSize=12)
        .encode(text="risk:N")
    )
    chart: alt.LayerChart = (lines + points + labels).properties(height=320)
    return chart


def roadmap(frame: pd.DataFrame, today: date) -> alt.LayerChart:
    """Each council's systems and contracts as bars from start to end (a diamond at the end), the notice day a tick,
    today a dashed rule."""
    data = frame.assign(
        label=frame["code"].astype(str),  # short, so the bars keep their room on a phone; the table names the system
        shown_start=frame["starts_on"].fillna(frame["ends_on"]),  # no start recorded: only its end is drawn
    )[["label", "system", "partner_name", "shown_start", "ends_on", "notice_on", "supplier", "category"]]
    names = list(dict.fromkeys(data["partner_name"].astype(str)))
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=110))
    colour = alt.Color(
        "partner_name:N", title="Council", scale=alt.Scale(domain=names, range=PARTNER_COLOURS[: len(names)]),
        legend=alt.Legend(columns=1),  # councils' full names, one a line: two columns are wider than a phone
    )  # fmt: skip
    bars = alt.Chart(data).mark_bar(height=12).encode(
        x=alt.X("shown_start:T", title="Contract term", axis=alt.Axis(format="%Y")), x2="ends_on:T", y=y, color=colour,
        tooltip=[alt.Tooltip("label:N", title="Contract"), alt.Tooltip("system:N", title="System"),
                 alt.Tooltip("supplier:N", title="Supplier"),
                 alt.Tooltip("ends_on:T", title="Ends", format="%-d %b %Y"),
                 alt.Tooltip("notice_on:T", title="Notice by", format="%-d %b %Y")],
    )  # fmt: skip
    notice = alt.Chart(data).mark_tick(color=INK, thickness=2, size=18).encode(x="notice_on:T", y=y)
    ends = alt.Chart(data).mark_point(shape="diamond", filled=True, color=INK, size=40).encode(x="ends_on:T", y=y)
    now = (
        alt.Chart(pd.DataFrame({"today": [pd.Timestamp(today)]}))
        .mark_rule(color=INK, strokeDash=[4, 3])
        .encode(x="today:T")
    )
    chart: alt.LayerChart = (bars + notice + ends + now).properties(height=max(160, 26 * len(data)))
    return chart
