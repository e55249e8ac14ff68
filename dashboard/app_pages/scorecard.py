"""Partner scorecard: one council's objectives and KPIs, with trends, commentary and the other partners beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard import ended, resources
from metrics import queries

sel = ui.selection()
info = resources.partnership()
partners = resources.cached(queries.partners).set_index("code")
code = sel.partner or info.lead_authority
name = str(partners.loc[code, "name"])

st.title(f"{ui.plain(name)}: scorecard")
st.caption(ui.plain(f"{info.name} · {sel.period} · approved figures only"))
if not sel.partner:
    st.info(f"Showing {ui.plain(name)}, the lead authority. Choose another council with **Partner** in the sidebar.")

everyone = resources.progress_for_period(sel.period)
mine_all = everyone[everyone["partner_code"] == code]
mine = queries.running(mine_all)  # ended objectives are listed apart, below the running ones
others = everyone[everyone["partner_code"] != code]

st.header("Objectives")
if mine.empty:
    st.markdown(f"{ui.plain(name)} has no objective with a target in {sel.period}.")
else:
    counts = mine["status"].value_counts()
    st.markdown(
        f"{len(mine)} objectives this quarter: "
        + ", ".join(f"{counts[s]} {s.lower()}" for s in queries.STATUSES if s in counts)
        + "."
    )
    beside = {
        obj: " ".join(ui.chip(r.status, f"{r.partner_code!s}: {str(r.status).lower()}") for r in group.itertuples())
        for obj, group in others.groupby("objective_code")
    }
    rows = [
        [
            ui.plain(f"{r.objective_code} {r.objective_title}"),
            ui.chip(r.status),
            ui.plain(ui.fmt_value(r.actual, r.unit)),
            ui.plain(ui.fmt_value(r.target, r.unit)),
            ui.plain(r.direction),
            ui.plain(r.forecast),
            beside.get(str(r.objective_code), "–"),
            ui.plain(r.note, ""),
        ]
        for r in mine.itertuples()
    ]
    st.markdown(
        '<div class="charter-scroll">'
        + ui.html_table(
            f"{name}'s objectives in {sel.period}, with the other partners' status on each",
            ["Objective", "Status", "Actual", "Target", "On last quarter", "Forecast", "Other partners", "Note"],
            rows,
        )
        + "</div>",
        unsafe_allow_html=True,
    )
ended.show(mine_all, f"{name}'s objectives past their deadline in {sel.period}, with their results")

st.header("KPIs")
kpis = resources.cached(queries.partner_kpis, code, sel.period)
table = kpis.assign(
    figure=[ui.fmt_value(v, u) for v, u in zip(kpis["value"], kpis["unit"], strict=True)],
    better=kpis["polarity"] + " is better",
    position=[
        f"{int(r)} of {int(n)}" if pd.notna(r) and pd.notna(n) else "–"
        for r, n in zip(kpis["rank"], kpis["reporting"], strict=True)
    ],
)
for category, label in (("digital", "Digital strategy"), ("ict", "ICT service performance"), ("finance", "Finance")):
    part = table[table["category"] == category]
    if part.empty:
        continue
    st.markdown(f"**{label}**")
    st.dataframe(
        part[["kpi_name", "figure", "better", "direction", "direction_year", "position", "partners_average", "note"]],
        hide_index=True,
        column_config={
            "kpi_name": st.column_config.TextColumn("KPI", width="medium"),
            "figure": "This quarter",
            "better": "Polarity",
            "direction": "On last quarter",
            "direction_year": "On a year ago",
            "position": st.column_config.TextColumn("Among partners", help="1 = best of the partners that reported"),
            "partners_average": st.column_config.NumberColumn("Partners' average", format="%.1f"),
            "note": st.column_config.TextColumn("Note", width="large"),
        },
    )
