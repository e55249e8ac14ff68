"""Altair chart factories sharing one theme: a DataFrame in, an `alt.Chart` out. Never calls `st.*`.

Status is never shown by colour alone: each status has its own shape too, and tooltips give the word
and the exact figures with units.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from metrics import formatting
from metrics.status import Status

FONT = "Source Sans Pro, Arial, sans-serif"
INK = "#0b0c0c"
GRID = "#d9dbdc"
# Okabe-Ito: distinguishable with the common colour-blindnesses; black first for the partnership line.
PARTNER_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#999999"]
STATUS_ORDER = [s.said for s in Status]  # running, then ended (an ended result on a chart), in members' words
STATUS_COLOURS = [s.fill for s in Status]
STATUS_SHAPES = [s.shape for s in Status]
TITLE_WIDTH = 40  # characters a chart title's line holds, so a title fits a phone's width (390 px)


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


def title(text: str) -> list[str]:
    """A chart's title in lines short enough for a phone: Vega cuts a long one line off at the chart's edge."""
    return textwrap.wrap(text, TITLE_WIDTH) or [""]


def y_axis(unit: object, decimals: object = None) -> alt.Axis:
    """A figure axis: the KPI's decimals, and whole steps for a count (no 2.5 tickets)."""
    whole = formatting.whole_numbers(unit, decimals)
    return alt.Axis(format=formatting.axis_format(unit, decimals), tickMinStep=1 if whole else alt.Undefined)


def with_text(frame: pd.DataFrame, columns: list[str], unit: object = None, decimals: object = None) -> pd.DataFrame:
    """`frame` with a `COLUMN_text` for each figure column, written by the one formatter for tooltips."""
    out = frame.copy()
    units = out["unit"] if unit is None else pd.Series(unit, index=out.index)
    places = out["decimals"] if decimals is None and "decimals" in out else pd.Series(decimals, index=out.index)
    for column in columns:
        out[f"{column}_text"] = [formatting.figure(v, u, d) for v, u, d in zip(out[column], units, places, strict=True)]
    return out


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


def status_legend_scale(present: object = None) -> tuple[alt.Scale, alt.Scale]:
    """Each status's colour and shape (in members' words); only the statuses `present` (all by default) are listed,
    so a chart's legend stays short enough for a phone."""
    shown = [s for s in Status if present is None or s.said in set(present)]  # type: ignore[call-overload]
    return (
        alt.Scale(domain=[s.said for s in shown], range=[s.fill for s in shown]),
        alt.Scale(domain=[s.said for s in shown], range=[s.shape for s in shown]),
    )


def objective_partner(progress: pd.DataFrame, unit: str, name: str, decimals: int | None = None) -> alt.LayerChart:
    """One partner's actual figures (status-shaped points) against the target line and the final target."""
    order = _periods(progress)
    x = quarter_axis(order)
    data = with_text(progress, ["actual", "target"], unit, decimals).assign(
        status=progress["status"].map(lambda w: s.said if (s := Status.find(w)) else w)
    )[["period", "actual", "target", "actual_text", "target_text", "status"]]
    base = alt.Chart(data).encode(x=x)
    colour, shape = status_legend_scale(data["status"].dropna())
    tooltip = [
        alt.Tooltip("period:N", title="Quarter"),
        alt.Tooltip("actual_text:N", title="Actual"),
        alt.Tooltip("target_text:N", title="Target"),
        alt.Tooltip("status:N", title="Status"),
    ]
    # The lines' legend: which is the figure, the target path and the final target (dash patterns, not colour).
    kinds = ["Actual", "Target", "Final target"]
    dash = alt.StrokeDash(
        "line:N",
        title=None,
        scale=alt.Scale(domain=kinds, range=[[1, 0], [6, 4], [2, 2]]),
        legend=alt.Legend(orient="bottom", symbolStrokeColor=INK, symbolStrokeWidth=2, symbolSize=300, columns=1),
    )
    target = (
        base.transform_calculate(line="'Target'")
        .mark_line(color="#505a5f", strokeWidth=2)
        .encode(
            y=alt.Y("target:Q", title=_y_title(unit), scale=alt.Scale(zero=False), axis=y_axis(unit, decimals)),
            strokeDash=dash,
            tooltip=tooltip,
        )
    )
    actual = (
        base.transform_calculate(line="'Actual'")
        .mark_line(color="#1d70b8")
        .encode(y="actual:Q", strokeDash=dash, tooltip=tooltip)
    )
    points = base.mark_point(filled=True, size=90, opacity=1, stroke=INK, strokeWidth=1).encode(
        y="actual:Q",
        color=alt.Color("status:N", scale=colour, title="Status", legend=alt.Legend(orient="bottom", columns=1)),
        shape=alt.Shape("status:N", scale=shape, title="Status"),
        tooltip=tooltip,
    )
    final = progress["final_target"].dropna()
    layers: list[alt.Chart] = [target, actual, points]
    if not final.empty:
        label = f"Final target {formatting.figure(final.iloc[-1], unit, decimals)}"
        rule = pd.DataFrame({"final": [float(final.iloc[-1])], "label": [label], "line": ["Final target"]})
        layers.append(alt.Chart(rule).mark_rule(color=INK).encode(y="final:Q", strokeDash=dash, tooltip=["label:N"]))
    # A benchmark band (docs/views.md: none is stored yet) would be one more layer, first in this list: drawn under.
    return alt.LayerChart(layer=layers).properties(title=title(name), height=320, width="container")


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
        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolOpacity=1, columns=1),
    )


def kpi_small_multiples(
    series: pd.DataFrame, periods: list[str], partners: list[str], columns: int = 2
) -> alt.FacetChart:
    """Each KPI of a category as a small chart of every partner's figures over the same quarters, each with its
    own quarter axis; with many partners, each is a thin grey line and the partners' median is drawn in black."""
    frame = series[series["period"].isin(periods)].copy()
    arrow = frame["polarity"].map({"higher": "↑ higher", "lower": "↓ lower"})
    frame["panel"] = frame["kpi_name"] + " (" + frame["unit"] + ", " + arrow + " is better)"
    frame = with_text(frame, ["value"])[["panel", "kpi_name", "partner_name", "period", "value", "value_text"]]
    x = quarter_axis(periods)
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    tooltip = [
        alt.Tooltip("kpi_name:N", title="KPI"),
        alt.Tooltip("partner_name:N", title="Partner"),
        alt.Tooltip("period:N", title="Quarter"),
        alt.Tooltip("value_text:N", title="Figure"),
    ]
    facet = alt.Facet("panel:N", title=None, header=alt.Header(labelLimit=0, labelFontWeight=600))
    # One y scale per panel (KPIs of different units share a grid), and each panel its own quarter axis.
    independent = alt.Resolve(scale=alt.ScaleResolveMap(y="independent"), axis=alt.AxisResolveMap(x="independent"))
    if len(partners) <= DISTINCT_PARTNERS:
        chart: alt.Chart = (  # annotated: altair's mark_* methods are typed as returning Any
            alt.Chart(frame)
            .mark_line(point=True)
            .encode(
                x=x,
                y=y,
                color=alt.Color(
                    "partner_name:N",
                    title="Partner",
                    scale=partner_scale(partners),
                    sort=partners,
                    legend=alt.Legend(columns=1),
                ),
                shape=alt.Shape("partner_name:N", title="Partner", sort=partners),
                tooltip=tooltip,
            )
            .properties(width=250, height=120)
        )
        return chart.facet(facet=facet, columns=columns, resolve=independent)
    return _multiples_crowd(frame, series, x, y, tooltip).facet(facet=facet, columns=columns, resolve=independent)


def _multiples_crowd(
    frame: pd.DataFrame, series: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list[alt.Tooltip]
) -> alt.LayerChart:
    """The small multiples' panels for many partners: grey lines and the partners' median (worked out here, so
    its tooltip is written by the one formatter)."""
    key = _crowd_key("The partners' median")
    kinds = series.drop_duplicates("kpi_name").set_index("kpi_name")[["unit", "decimals"]]
    medians = pd.DataFrame(frame.groupby(["panel", "kpi_name", "period"], as_index=False)["value"].median())
    median = with_text(medians.join(kinds, on="kpi_name"), ["value"]).assign(line="The partners' median")
    median = median.assign(partner_name="The partners' median", kpi_name=median["kpi_name"])
    columns = ["panel", "kpi_name", "partner_name", "period", "value", "value_text", "line"]
    both = pd.concat([frame.assign(line=EACH_PARTNER)[columns], median[columns]])  # a facet needs one data set
    crowd = (
        alt.Chart()
        .transform_filter(alt.datum.line == EACH_PARTNER)
        .mark_line(strokeWidth=1, opacity=0.6)
        .encode(x=x, y=y, detail="partner_name:N", color=key, tooltip=tooltip)
    )
    middle = (
        alt.Chart()
        .transform_filter(alt.datum.line != EACH_PARTNER)
        .mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(color=INK, size=40))
        .encode(
            x=x,
            y=y,
            color=key,
            tooltip=[alt.Tooltip("period:N", title="Quarter"), alt.Tooltip("value_text:N", title="Median")],
        )
    )
    return alt.LayerChart(layer=[crowd, middle], data=both).properties(width=250, height=120)


TARGET = "Target (dotted, in the council's colour)"


def _targets(targets: pd.DataFrame | None, x: alt.X, colour: alt.Color) -> list[alt.Chart]:
    """Each council's target path as a dotted line in its colour, with one legend entry; none without targets."""
    if targets is None or targets.empty:
        return []
    dash = alt.StrokeDash(
        "line:N", title=None, scale=alt.Scale(domain=[TARGET], range=[[2, 3]]), legend=alt.Legend(orient="top")
    )
    layer: alt.Chart = (
        alt.Chart(targets.assign(line=TARGET))
        .mark_line(strokeWidth=1.5)
        .encode(
            x=x,
            y="target:Q",
            color=colour,
            strokeDash=dash,
            tooltip=[
                alt.Tooltip("partner_name:N", title="Partner"),
                alt.Tooltip("period:N", title="Quarter"),
                alt.Tooltip("target_text:N", title="Target"),
            ],
        )
    )
    return [layer]


def kpi_by_partner(
    series: pd.DataFrame,
    rollup: pd.DataFrame,
    unit: str,
    polarity: str,
    decimals: int | None = None,
    targets: pd.DataFrame | None = None,
    bands: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """One KPI: a line per partner, the partnership roll-up as a dashed black line, each partner's target
    (`targets`: partner_name, period, target) as a dotted line, and the benchmark's middle half (`bands`:
    period, lower_quartile, median, upper_quartile, source) as a shaded band under them."""
    order = _periods(pd.concat([series[["period", "period_index"]], rollup[["period", "period_index"]]]))
    if targets is not None:
        targets = with_text(targets, ["target"], unit, decimals)[["partner_name", "period", "target", "target_text"]]
    both = pd.concat(
        [
            series[["partner_name", "period", "value"]],
            rollup.assign(partner_name="Partnership")[["partner_name", "period", "value"]],
        ]
    )
    both = with_text(both, ["value"], unit, decimals)
    partners = partner_names(series)
    x = quarter_axis(order)
    y = alt.Y(
        "value:Q",
        title=f"{_y_title(unit)} ({polarity} is better)",
        scale=alt.Scale(zero=False),
        axis=y_axis(unit, decimals),
    )
    tooltip = [
        alt.Tooltip("partner_name:N", title="Partner"),
        alt.Tooltip("period:N", title="Quarter"),
        alt.Tooltip("value_text:N", title="Figure"),
    ]
    if len(partners) > DISTINCT_PARTNERS:
        return _kpi_crowd(both, x, y, tooltip)  # fifty councils' targets would be fifty more lines: the table has them
    names = [*partners, "Partnership"]
    colour = alt.Color(
        "partner_name:N",
        title="Partner",
        scale=partner_scale(partners, "Partnership"),
        sort=names,
        legend=alt.Legend(columns=1),  # one column: a council's name is long, and a phone is narrow
    )
    chart: alt.Chart = (  # annotated: altair's mark_* methods are typed as returning Any
        alt.Chart(both)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=colour,
            shape=alt.Shape("partner_name:N", title="Partner", sort=names),
            strokeDash=alt.condition(alt.datum.partner_name == "Partnership", alt.value([6, 3]), alt.value([1, 0])),
            tooltip=tooltip,
        )
    )
    layers = [*_band(bands, order, x, unit, decimals), *_targets(targets, x, colour), chart]  # the band drawn first
    return alt.LayerChart(layer=layers).properties(height=320, width="container")


BAND_FILL = "#c8d9ea"  # light blue-grey: behind the lines, never mistaken for a council's colour


def _band(bands: pd.DataFrame | None, order: list[str], x: alt.X, unit: str, decimals: int | None) -> list[alt.Chart]:
    """The benchmark's lower to upper quartile as a band, its median as a thin line; the tooltip says its source."""
    if bands is None or bands.empty:
        return []
    shown = bands[bands["period"].isin(order)].dropna(subset=["lower_quartile", "upper_quartile"])
    if shown.empty:
        return []
    data = with_text(shown, ["lower_quartile", "median", "upper_quartile"], unit, decimals)
    data = data[["period", "lower_quartile", "median", "upper_quartile", "lower_quartile_text", "median_text",
                 "upper_quartile_text", "source"]]  # fmt: skip
    tooltip = [
        alt.Tooltip("period:N", title="Quarter"),
        alt.Tooltip("lower_quartile_text:N", title="Benchmark lower quartile"),
        alt.Tooltip("median_text:N", title="Benchmark median"),
        alt.Tooltip("upper_quartile_text:N", title="Benchmark upper quartile"),
        alt.Tooltip("source:N", title="Source"),
    ]
    base = alt.Chart(data).encode(x=x)
    area = base.mark_area(color=BAND_FILL, opacity=0.6).encode(
        y="lower_quartile:Q", y2="upper_quartile:Q", tooltip=tooltip
    )
    median = base.mark_line(color="#505a5f", strokeWidth=1, strokeDash=[1, 2]).encode(y="median:Q", tooltip=tooltip)
    return [area, median]


def _kpi_crowd(both: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list[alt.Tooltip]) -> alt.LayerChart:
    """`kpi_by_partner` for many partners: each a thin grey line (named in its tooltip), the partnership in black."""
    key = _crowd_key("Partnership")
    each = both[both["partner_name"] != "Partnership"]
    crowd = (
        alt.Chart(each.assign(line=EACH_PARTNER))
        .mark_line(strokeWidth=1, opacity=0.6)
        .encode(x=x, y=y, detail="partner_name:N", color=key, tooltip=tooltip)
    )
    layers: list[alt.Chart] = [crowd]
    whole = both[both["partner_name"] == "Partnership"]
    if not whole.empty:
        layers.append(
            alt.Chart(whole.assign(line="Partnership"))
            .mark_line(strokeWidth=2.5, strokeDash=[6, 3], point=alt.OverlayMarkDef(color=INK, size=40))
            .encode(x=x, y="value:Q", color=key, tooltip=tooltip)
        )
    return alt.LayerChart(layer=layers).properties(height=320, width="container")
