"""KPIs: digital-strategy KPIs beside ICT service performance on the same quarters, and any KPI by partner."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, resources
from dashboard import components as ui
from metrics import benchmark_reads, queries
from metrics.periods import period_range

sel = ui.selection()
kpis = resources.cached(queries.kpis)
series = resources.cached(queries.kpi_series)
if sel.partner:
    series = series[series["partner_code"] == sel.partner]
quarters = [str(p) for p in period_range(sel.period.shift(-7), sel.period)]

st.title("KPIs")
st.caption(
    f"{ui.plain(resources.partnership().name)} · the eight quarters to {sel.period} · approved figures only · "
    "each small chart has its own scale"
)
ui.last_updated()

st.header("Digital strategy beside ICT service performance")
left, right = st.columns(2)
for column, category, label in ((left, "digital", "Digital strategy"), (right, "ict", "ICT service performance")):
    part = series[(series["category"] == category) & series["period"].isin(quarters)]
    with column:
        st.markdown(f"**{label}** ({int((kpis['category'] == category).sum())} KPIs)")
        if part.empty:
            st.markdown(f"No {label.lower()} figures in these quarters.")
            continue
        ui.chart(
            resources.chart_spec(charts.kpi_small_multiples, part, quarters, charts.partner_names(series), 1),
            f"{label}: {part['kpi_code'].nunique()} KPIs for {part['partner_code'].nunique()} partners from "
            f"{quarters[0]} to {quarters[-1]}. The table lists every figure.",
            ui.text_table(
                pd.DataFrame(
                    {
                        "KPI": part["kpi_code"] + " " + part["kpi_name"],
                        "Council": part["partner_name"],
                        "Quarter": part["period"],
                        "Figure": ui.figures(part, "value"),
                        "Better": part["polarity"] + " is better",
                    }
                )
            ),
            f"{category}-kpis-{sel.period.slug}.csv",
            key=f"multiples-{category}",
        )


def kpi_targets(code: str, shown: pd.DataFrame) -> pd.DataFrame | None:
    """Each council's target path of the first running objective measured by KPI `code`, over the quarters shown."""
    objectives = resources.cached(queries.objectives)
    measured = objectives[(objectives["kpi_code"] == code) & (objectives["status"] == "active")]
    if measured.empty:
        return None
    path = resources.cached(queries.objective_progress, str(measured["code"].iloc[0]))
    path = path[path["partner_code"].isin(shown["partner_code"]) & path["period"].isin(shown["period"])]
    path = path.dropna(subset=["target"])
    return path[["partner_name", "period", "target"]] if not path.empty else None


def benchmark_words(bands: pd.DataFrame) -> str:
    """What the shaded band is, where it comes from, and whether it is invented."""
    sources = ", ".join(dict.fromkeys(str(s) for s in bands["source"]))
    made_up = " (illustrative)" if bands["illustrative"].any() else ""
    return f" The shaded band is the benchmark's middle half, lower to upper quartile{made_up}: {sources}."


st.header("One KPI, every partner")
codes = kpis["code"].tolist()
kpi_names = dict(zip(kpis["code"], kpis["name"], strict=True))
code = ui.url_select("KPI", codes, "kpi", lambda c: f"{c} · {kpi_names[c]}")
kpi = kpis.set_index("code").loc[code]
unit, places = str(kpi["unit"]), int(kpi["decimals"])
arrow = "↑" if kpi["polarity"] == "higher" else "↓"
st.markdown(
    f"**{ui.plain(kpi['name'])}** — {ui.plain(kpi['definition'])}  \n"
    f"<span aria-hidden='true'>{arrow}</span> **{str(kpi['polarity']).capitalize()} is better** · unit: "
    f"{ui.plain(kpi['unit'])} · reported {kpi['frequency']} · partnership figure: {kpi['rollup']} of the partners"
    + (f" · source: {ui.plain(kpi['source'])}" if kpi["source"] else ""),
    unsafe_allow_html=True,
)
one = series[(series["kpi_code"] == code) & (series["period_index"] <= sel.period.index)]
rollup = resources.cached(queries.kpi_rollup, kpi=code)
rollup = rollup[rollup["period_index"] <= sel.period.index]
if one.empty:
    st.markdown("No figures yet.")
else:
    last = rollup.tail(1)
    sentence = (
        f"{kpi['name']}: the partnership figure was {ui.fmt_value(last['value'].iloc[0], unit, places)} in "
        f"{last['period'].iloc[0]} ({int(last['reporting'].iloc[0])} of {int(last['expected'].iloc[0])} partners "
        f"reporting); {kpi['polarity']} is better."
        if not last.empty
        else f"{kpi['name']} by partner."
    )
    table = one.pivot_table(index="period", columns="partner_name", values="value", sort=False)
    table = table.reindex(columns=charts.partner_names(one)).reset_index()
    table = table.merge(rollup[["period", "value"]].rename(columns={"value": "Partnership"}), on="period", how="left")
    for column in table.columns[1:]:
        table[column] = ui.figures(table, column, unit, places)
    table = ui.text_table(table.rename(columns={"period": "Quarter"}))
    targets = kpi_targets(code, one)
    bands = resources.cached(benchmark_reads.bands, code)
    bands = bands[bands["period"].isin(table["Quarter"])] if not bands.empty else bands
    if not bands.empty:
        lows, highs = (
            ui.figures(bands, "lower_quartile", unit, places),
            ui.figures(bands, "upper_quartile", unit, places),
        )
        middle = bands.assign(band=[f"{low} to {high}" for low, high in zip(lows, highs, strict=True)])
        table = table.merge(
            middle[["period", "band"]].rename(columns={"period": "Quarter", "band": "Benchmark middle half"}),
            on="Quarter",
            how="left",
        ).fillna({"Benchmark middle half": "— no benchmark"})
    ui.chart(
        resources.chart_spec(
            charts.kpi_by_partner,
            one,
            rollup if not sel.partner else rollup.iloc[0:0],
            unit,
            str(kpi["polarity"]),
            places,
            targets,
            bands if not bands.empty else None,
        ),
        sentence
        + (" Dotted lines are each council's target." if targets is not None else "")
        + (benchmark_words(bands) if not bands.empty else ""),
        table,
        f"{code}-by-partner.csv",
        key=f"kpi-{code}",
    )
