"""Partner scorecard: one council's objectives and KPIs, with trends, commentary and the other partners beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import attention, ended, resources, scorecard_download
from dashboard import components as ui
from metrics import benchmark_reads, formatting, queries
from metrics.status import Status

SHOW = ("All objectives", "Needs attention")  # all by default, the worst first
SHOW_HELP = f"Needs attention: every objective not {Status.ON_TRACK.said.lower()}, the worst first"


def needs_attention(word: object) -> bool:
    """Whether a running objective's status is worse than on track (an unknown word counts as needing it)."""
    status = Status.find(word)
    return status is None or status.rank < Status.ON_TRACK.rank


def objectives_table(mine: pd.DataFrame, others: pd.DataFrame, caption: str) -> None:
    """The council's objectives, one row each, with the other partners' status on each beside it."""
    beside = {
        obj: " ".join(ui.chip(r.status, f"{r.partner_name!s}: {ui.said(r.status).lower()}") for r in group.itertuples())
        for obj, group in others.groupby("objective_code")
    }
    rows = [
        [
            ui.plain(f"{r.objective_code} {r.objective_title}"),
            ui.chip(r.status),
            ui.plain(ui.fmt_value(r.actual, r.unit, r.decimals, formatting.reason(r.status))),
            ui.plain(ui.fmt_value(r.target, r.unit, r.decimals, "no target")),
            ui.plain(r.direction),
            ui.plain(r.forecast),
            beside.get(str(r.objective_code), "–"),
            ui.plain(r.note, ""),
        ]
        for r in mine.itertuples()
    ]
    header = ["Objective", "Status", "Actual", "Target", "On last quarter", "Forecast", "Other partners", "Note"]
    st.markdown(ui.scrolling(ui.html_table(caption, header, rows), caption), unsafe_allow_html=True)


sel = ui.selection()
info = resources.partnership()
partners = resources.cached(queries.partners).set_index("code")
code = sel.partner or info.lead_authority
name = str(partners.loc[code, "name"])

st.title(f"{ui.plain(name)}: scorecard")
st.caption(ui.plain(f"{info.name} · {sel.period} · approved figures only"))
ui.last_updated()
if not sel.partner:
    st.info(f"Showing {ui.plain(name)}, the lead authority. Choose another council with **Partner** in the sidebar.")
scorecard_download.button(code, name, sel.period)

everyone = resources.progress_for_period(sel.period)
mine_all = everyone[everyone["partner_code"] == code]
# Worst first; ended objectives are listed apart, below the running ones.
mine = attention.worst_first(queries.running(mine_all))
others = everyone[everyone["partner_code"] != code]

st.header("Objectives")
if mine.empty:
    st.markdown(f"{ui.plain(name)} has no objective with a target in {sel.period}.")
else:
    counts = mine["status"].value_counts()
    st.markdown(
        f"{len(mine)} objectives this quarter: "
        + ", ".join(f"{counts[s]} {ui.said(s).lower()}" for s in queries.STATUSES if s in counts)
        + "."
    )
    show = st.radio("Show", SHOW, horizontal=True, key="scorecard_show", help=SHOW_HELP)
    mine = mine if show == SHOW[0] else mine[mine["status"].map(needs_attention)]
    if mine.empty:
        st.markdown(f"None of {ui.plain(name)}'s objectives needs attention in {sel.period}.")
    else:
        objectives_table(
            mine,
            others,
            f"{name}'s objectives {'' if show == SHOW[0] else 'needing attention '}in {sel.period}, "
            "with the other partners' status on each",
        )
ended.show(mine_all, f"{name}'s objectives past their deadline in {sel.period}, with their results")

st.header("KPIs")
kpis = resources.cached(queries.partner_kpis, code, sel.period)
table = kpis.assign(
    figure=ui.figures(kpis, "value"),
    average=ui.figures(kpis, "partners_average"),
    better=kpis["polarity"] + " is better",
    position=[
        f"{int(r)} of {int(n)}" if pd.notna(r) and pd.notna(n) else "–"
        for r, n in zip(kpis["rank"], kpis["reporting"], strict=True)
    ],
)
quartiles = resources.cached(benchmark_reads.quartiles, str(sel.period))
quartiles = quartiles[quartiles["partner_code"] == code].set_index("kpi_code")
table["benchmark"] = [
    f"{quartiles.loc[k, 'quartile_name']}{' (illustrative)' if quartiles.loc[k, 'illustrative'] else ''}"
    if k in quartiles.index
    else "— no benchmark"
    for k in table["kpi_code"]
]
for category, label in (("digital", "Digital strategy"), ("ict", "ICT service performance"), ("finance", "Finance")):
    part = table[table["category"] == category]
    if part.empty:
        continue
    st.markdown(f"**{label}**")
    st.dataframe(
        ui.text_table(
            part[
                [
                    "kpi_name",
                    "figure",
                    "better",
                    "direction",
                    "direction_year",
                    "position",
                    "average",
                    "benchmark",
                    "note",
                ]
            ]
        ),
        hide_index=True,
        column_config={
            "kpi_name": st.column_config.TextColumn("KPI", width="medium"),
            "figure": "This quarter",
            "better": "Polarity",
            "direction": "On last quarter",
            "direction_year": "On a year ago",
            "position": st.column_config.TextColumn("Among partners", help="1 = best of the partners that reported"),
            "average": st.column_config.TextColumn("Partners' average"),
            "benchmark": st.column_config.TextColumn(
                "Benchmark quartile", help="Where the figure falls in its benchmark, best first in the KPI's direction"
            ),
            "note": st.column_config.TextColumn("Note", width="large"),
        },
    )
