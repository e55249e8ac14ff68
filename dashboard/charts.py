"""Altair chart factories sharing one theme: a DataFrame in, an `alt.Chart` out. Never calls `st.*`.

Status is never shown by colour alone: each status has its own shape too, and tooltips give the word
and the exact figures with units.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.status import Status

FONT = "Source Sans Pro, Arial, sans-serif"
INK = "#0b0c0c"
GRID = "#d9dbdc"
# Okabe-Ito: distinguishable with the common colour-blindnesses; black first for the partnership line.
PARTNER_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#999999"]
STATUS_ORDER = [s.word for s in Status]  # running, then ended (an ended result on a chart)
STATUS_COLOURS = [s.fill for s in Status]
STATUS_SHAPES = [s.shape for s in Status]
UNIT_FORMAT = {"%": ",.1f", "GBP": ",.0f", "count": ",.0f", "hours": ",.1f", "days": ",.1f", "score": ",.2f"}


def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "background": "#ffffff",
            "view": {"stroke": None},
            "axis": {
                "labelColor": INK, "titleColor": INK, "gridColor": GRID, "domainColor": "#505a5f",
                "labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal",
            },
            "legend": {
                "labelColor": INK, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 13, "orient": "bottom",
                "columns": 2, "labelLimit": 0,
            },
            "header": {"labelColor": INK, "labelFontSize": 12, "titleColor": INK},
            "title": {"color": INK, "fontSize": 14, "anchor": "start", "fontWeight": 600},
            "range": {"category": PARTNER_COLOURS},
            "line": {"strokeWidth": 2.5},
            "point": {"size": 70, "filled": True},
        }
    }  # fmt: skip


alt.theme.register("charter", enable=True)(_theme)
# resources.chart_spec puts a chart's figures in its spec; at fifty councils the KPI charts hold ~8,000 of them.
alt.data_transformers.disable_max_rows()


def unit_label(unit: str) -> str:
    return {"%": "%", "GBP": "£", "count": "", "score": "score"}.get(unit, unit)


def _y_title(unit: str) -> str:
    return {"%": "Per cent", "GBP": "Pounds (£)", "count": "Number", "hours": "Hours", "days": "Days"}.get(
        unit, unit.capitalize()
    )


def _periods(frame: pd.DataFrame) -> list[str]:
    """Periods in chronological order, for an ordinal x axis."""
    return frame.sort_values("period_index")["period"].drop_duplicates().tolist()


def quarter_axis(order: list[str]) -> alt.X:
    """The x axis of every chart over quarters: in `order`, labels slanted and thinned where they would overlap."""
    return alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=-45, labelOverlap=True))


def partner_names(frame: pd.DataFrame) -> list[str]:
    """Partner names in the framework's order, so each partner keeps its colour on every chart."""
    return frame.sort_values("partner_order")["partner_name"].drop_duplicates().tolist()


def partner_scale(names: list[str], extra: str | None = None) -> alt.Scale:
    """The same colour for the same partner everywhere; `extra` (the partnership) is drawn in black."""
    colours = [PARTNER_COLOURS[i % len(PARTNER_COLOURS)] for i in range(len(names))]
    if extra is not None:
        return alt.Scale(domain=[*names, extra], range=[*colours, INK])
    return alt.Scale(domain=names, range=colours)


def status_legend_scale() -> tuple[alt.Scale, alt.Scale]:
    return (
        alt.Scale(domain=STATUS_ORDER, range=STATUS_COLOURS),
        alt.Scale(domain=STATUS_ORDER, range=STATUS_SHAPES),
    )


def objective_partner(progress: pd.DataFrame, unit: str, title: str) -> alt.LayerChart:
    """One partner's actual figures (status-shaped points) against the target line and the final target."""
    fmt = UNIT_FORMAT.get(unit, ",.2f")
    order = _periods(progress)
    x = quarter_axis(order)
    base = alt.Chart(progress).encode(x=x)
    colour, shape = status_legend_scale()
    tooltip = [
        alt.Tooltip("period:N", title="Quarter"),
        alt.Tooltip("actual:Q", title=f"Actual ({unit})", format=fmt),
        alt.Tooltip("target:Q", title=f"Target ({unit})", format=fmt),
        alt.Tooltip("status:N", title="Status"),
    ]
    # The lines' legend: which is the figure, the target path and the final target (dash patterns, not colour).
    kinds = ["Actual", "Target", "Final target"]
    dash = alt.StrokeDash(
        "line:N",
        title=None,
        scale=alt.Scale(domain=kinds, range=[[1, 0], [6, 4], [2, 2]]),
        legend=alt.Legend(orient="bottom", symbolStrokeColor=INK, symbolStrokeWidth=2, symbolSize=600),
    )
    target = (
        base.transform_calculate(line="'Target'")
        .mark_line(color="#505a5f", strokeWidth=2)
        .encode(
            y=alt.Y("target:Q", title=_y_title(unit), scale=alt.Scale(zero=False)), strokeDash=dash, tooltip=tooltip
        )
    )
    actual = (
        base.transform_calculate(line="'Actual'")
        .mark_line(color="#1d70b8")
        .encode(y="actual:Q", strokeDash=dash, tooltip=tooltip)
    )
    points = base.mark_point(filled=True, size=90, opacity=1, stroke=INK, strokeWidth=1).encode(
        y="actual:Q",
        color=alt.Color("status:N", scale=colour, title="Status", legend=alt.Legend(orient="bottom", columns=3)),
        shape=alt.Shape("status:N", scale=shape, title="Status"),
        tooltip=tooltip,
    )
    final = progress["final_target"].dropna()
    layers: list[alt.Chart] = [target, actual, points]
    if not final.empty:
        label = f"Final target {final.iloc[-1]:{fmt}}"
        rule = pd.DataFrame({"final": [float(final.iloc[-1])], "label": [label], "line": ["Final target"]})
        layers.append(alt.Chart(rule).mark_rule(color=INK).encode(y="final:Q", strokeDash=dash, tooltip=["label:N"]))
    return alt.LayerChart(layer=layers).properties(title=title, height=240, width="container")


def sparkline(series: pd.DataFrame, unit: str) -> alt.LayerChart:
    """A small line of the last quarters with the latest point marked; exact values in the tooltip."""
    fmt = UNIT_FORMAT.get(unit, ",.2f")
    order = _periods(series)
    base = alt.Chart(series).encode(
        x=alt.X("period:O", sort=order, axis=None),
        y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("period:N", title="Quarter"), alt.Tooltip("value:Q", title=unit, format=fmt)],
    )
    line = base.mark_line(color="#1d70b8", strokeWidth=2)
    last = base.transform_filter(alt.datum.period == order[-1]).mark_point(filled=True, size=50, color=INK)
    return alt.LayerChart(layer=[line, last]).properties(height=44, width=150)


# Up to this many partners each has its own colour, shape and legend entry (the palette has eight colours);
# beyond it every partner is a thin grey line, named in its tooltip, under a line for the partnership.
DISTINCT_PARTNERS = len(PARTNER_COLOURS)
CROWD = "#8a9297"
EACH_PARTNER = "Each partner (grey; the tooltip names it)"


def _crowd_key(summary: str) -> alt.Color:
    """The legend of a chart of many partners: the grey lines, and the black summary line."""
    return alt.Color(
        "line:N",
        title=None,
        scale=alt.Scale(domain=[EACH_PARTNER, summary], range=[CROWD, INK]),
        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolOpacity=1),
    )


def kpi_small_multiples(
    series: pd.DataFrame, periods: list[str], partners: list[str], columns: int = 2
) -> alt.FacetChart:
    """Each KPI of a category as a small chart of every partner's figures over the same quarters; with many
    partners, each is a thin grey line and the partners' median is drawn in black."""
    frame = series[series["period"].isin(periods)].copy()
    arrow = frame["polarity"].map({"higher": "↑ higher", "lower": "↓ lower"})
    frame["panel"] = frame["kpi_name"] + " (" + frame["unit"] + ", " + arrow + " is better)"
    frame = frame[["panel", "kpi_name", "unit", "partner_name", "period", "value"]]  # only what is drawn
    x = quarter_axis(periods)
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("kpi_name:N", title="KPI"),
        alt.Tooltip("partner_name:N", title="Partner"),
        alt.Tooltip("period:N", title="Quarter"),
        alt.Tooltip("value:Q", title="Value", format=",.2f"),
        alt.Tooltip("unit:N", title="Unit"),
    ]
    facet = alt.Facet("panel:N", title=None, header=alt.Header(labelLimit=0, labelFontWeight=600))
    # One y scale per panel: KPIs of different units share a grid.
    independent = alt.Resolve(scale=alt.ScaleResolveMap(y="independent"))
    if len(partners) <= DISTINCT_PARTNERS:
        chart: alt.Chart = (  # annotated: altair's mark_* methods are typed as returning Any
            alt.Chart(frame)
            .mark_line(point=True)
            .encode(
                x=x,
                y=y,
                color=alt.Color("partner_name:N", title="Partner", scale=partner_scale(partners), sort=partners),
                shape=alt.Shape("partner_name:N", title="Partner", sort=partners),
                tooltip=tooltip,
            )
            .properties(width=250, height=120)
        )
        return chart.facet(facet=facet, columns=columns, resolve=independent)
    key = _crowd_key("The partners' median")
    base = alt.Chart().encode(x=x)
    crowd = (
        base.transform_calculate(line=f"'{EACH_PARTNER}'")
        .mark_line(strokeWidth=1, opacity=0.6)
        .encode(y=y, detail="partner_name:N", color=key, tooltip=tooltip)
    )
    median = (
        base.transform_aggregate(median="median(value)", groupby=["panel", "period"])
        .transform_calculate(line='"The partners\' median"')
        .mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(color=INK, size=40))
        .encode(
            y=alt.Y("median:Q", title=None),
            color=key,
            tooltip=[alt.Tooltip("period:N", title="Quarter"), alt.Tooltip("median:Q", title="Median", format=",.2f")],
        )
    )
    layered = alt.LayerChart(layer=[crowd, median], data=frame).properties(width=250, height=120)
    return layered.facet(facet=facet, columns=columns, resolve=independent)


def kpi_by_partner(series: pd.DataFrame, rollup: pd.DataFrame, unit: str, polarity: str) -> alt.Chart | alt.LayerChart:
    """One KPI: a line per partner, and the partnership roll-up as a dashed black line."""
    fmt = UNIT_FORMAT.get(unit, ",.2f")
    order = _periods(pd.concat([series[["period", "period_index"]], rollup[["period", "period_index"]]]))
    both = pd.concat(
        [
            series[["partner_name", "period", "period_index", "value"]],
            rollup.assign(partner_name="Partnership")[["partner_name", "period", "period_index", "value"]],
        ]
    )
    partners = partner_names(series)
    if len(partners) > DISTINCT_PARTNERS:
        return _kpi_crowd(series, rollup, unit, polarity, order)
    names = [*partners, "Partnership"]
    colour_scale = partner_scale(partners, "Partnership")
    chart: alt.Chart = (  # annotated: altair's mark_* methods are typed as returning Any
        alt.Chart(both)
        .mark_line(point=True)
        .encode(
            x=quarter_axis(order),
            y=alt.Y("value:Q", title=f"{_y_title(unit)} ({polarity} is better)", scale=alt.Scale(zero=False)),
            color=alt.Color("partner_name:N", title="Partner", scale=colour_scale, sort=names),
            shape=alt.Shape("partner_name:N", title="Partner", sort=names),
            strokeDash=alt.condition(alt.datum.partner_name == "Partnership", alt.value([6, 3]), alt.value([1, 0])),
            tooltip=[
                alt.Tooltip("partner_name:N", title="Partner"),
                alt.Tooltip("period:N", title="Quarter"),
                alt.Tooltip("value:Q", title=unit, format=fmt),
            ],
        )
        .properties(height=320, width="container")
    )
    return chart


def _kpi_crowd(
    series: pd.DataFrame, rollup: pd.DataFrame, unit: str, polarity: str, order: list[str]
) -> alt.LayerChart:
    """`kpi_by_partner` for many partners: each a thin grey line (named in its tooltip), the partnership in black."""
    fmt = UNIT_FORMAT.get(unit, ",.2f")
    x = quarter_axis(order)
    y = alt.Y("value:Q", title=f"{_y_title(unit)} ({polarity} is better)", scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("partner_name:N", title="Partner"),
        alt.Tooltip("period:N", title="Quarter"),
        alt.Tooltip("value:Q", title=unit, format=fmt),
    ]
    key = _crowd_key("Partnership")
    crowd = (
        alt.Chart(series[["partner_name", "period", "value"]].assign(line=EACH_PARTNER))
        .mark_line(strokeWidth=1, opacity=0.6)
        .encode(x=x, y=y, detail="partner_name:N", color=key, tooltip=tooltip)
    )
    layers: list[alt.Chart] = [crowd]
    if not rollup.empty:
        whole = rollup.assign(partner_name="Partnership", line="Partnership")
        whole = whole[["partner_name", "line", "period", "value"]]
        layers.append(
            alt.Chart(whole)
            .mark_line(strokeWidth=2.5, strokeDash=[6, 3], point=alt.OverlayMarkDef(color=INK, size=40))
            .encode(x=x, y="value:Q", color=key, tooltip=tooltip)
        )
    return alt.LayerChart(layer=layers).properties(height=320, width="container")
