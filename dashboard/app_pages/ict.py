"""ICT service desk: service levels, time to resolve and backlog per partner, from the desk's own ticket exports."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import resources, ticket_charts, ticket_import
from metrics import queries
from metrics.periods import period_range

sel = ui.selection()
partners = resources.cached(queries.partners)
quarters = [str(p) for p in period_range(sel.period.shift(-7), sel.period)]
first, last, slug = sel.period.shift(-7).index, sel.period.index, sel.period.slug

st.title("ICT service desk")
st.caption(
    f"{ui.plain(resources.partnership().name)} · the eight quarters to {sel.period} · computed from the service "
    "desk's own ticket exports as imported; the KPI figures they give reach members' pages once approved"
)
if done := st.session_state.pop("ict_message", None):
    st.success(ui.plain(done), icon=":material/task_alt:")

measures = resources.cached(queries.ticket_measures, partner=sel.partner, first=first, last=last)
if measures.empty:
    st.info(f"No service desk tickets in the eight quarters to {sel.period} yet: import an export below.")
else:
    now = measures[measures["period_index"] == last]
    latest = now[(now["priority"] == 0) & now["value"].notna()]

    def said(measure: str) -> str:
        """Each partner's figure for the chosen quarter, in words (in the measure's unit: metrics/formatting.py)."""
        found = [
            f"{r.partner_name!s} {ui.fmt_value(r.value, r.unit)}" for r in latest.itertuples() if r.measure == measure
        ]
        return "; ".join(found) if found else "no figures"

    st.header("Incidents resolved within SLA, by priority")
    sla = measures[(measures["measure"] == "sla_pct") & measures["value"].notna()].copy()
    sla["priority_name"] = sla["priority"].map(ticket_charts.priority_label)
    ui.chart_panels(
        ticket_charts.sla_by_priority(sla, quarters),
        f"Share of incidents resolved within their priority's target time, all priorities and each priority, per "
        f"partner, {quarters[0]} to {quarters[-1]}. In {sel.period}, all priorities: {said('sla_pct')}.",
        sla[["partner_name", "period", "priority_name"]].assign(**{"within SLA": ui.figures(sla, "value", "%")}),
        f"service-desk-sla-{slug}.csv",
        key="ict-sla",
    )

    st.header(f"How long incidents took to resolve in {sel.period}")
    bands = resources.cached(queries.ticket_resolution_bands, sel.period, sel.partner)
    if bands.empty:
        st.markdown(f"No incidents were resolved in {sel.period}.")
    else:
        ui.chart_panels(
            ticket_charts.resolution_bands(bands),
            f"Incidents resolved in {sel.period} by time from logging to resolution, stacked by priority, per "
            f"partner. Median time to resolve: {said('resolve_hours_median')}; 90th percentile: "
            f"{said('resolve_hours_p90')}.",
            bands[["partner_name", "priority", "band", "incidents"]],
            f"service-desk-time-to-resolve-{slug}.csv",
            key="ict-bands",
        )

    st.header("Backlog at quarter end, by age")
    ageing = resources.cached(queries.ticket_backlog_ageing, partner=sel.partner, first=first, last=last)
    if ageing.empty:
        st.markdown("No tickets were open at the end of these quarters.")
    else:
        ui.chart_panels(
            ticket_charts.backlog_ageing(ageing, quarters),
            f"Tickets still open at the end of each quarter, by how long they had been open, per partner. At the end "
            f"of {sel.period}: {said('backlog_open')} open, of which over 30 days: "
            f"{said('backlog_over_30_days')}.",
            ageing[["partner_name", "period", "band", "tickets"]],
            f"service-desk-backlog-{slug}.csv",
            key="ict-backlog",
        )

    st.header(f"Every measure, per partner, {sel.period}")
    # Every measure for all priorities, and a measure of one priority where it feeds a KPI (e.g. P1 time to fix).
    shown = now[(now["priority"] == 0) | now["kpi_code"].notna()].copy()
    shown["label"] = shown["label"].where(
        shown["priority"] == 0, shown["label"] + ", P" + shown["priority"].astype(str)
    )
    wide = shown.pivot(index=["sort_order", "priority"], columns="partner_name", values="value")
    order = shown.sort_values("partner_order")["partner_name"].drop_duplicates().tolist()
    keys = ["sort_order", "priority"]
    info = shown.drop_duplicates(keys).set_index(keys)[["label", "unit", "kpi_code"]].fillna("–")
    table = info.join(wide[order]).sort_index().rename(columns={"kpi_code": "KPI"})
    for name in order:  # each figure in its measure's unit, as members read figures (metrics/formatting.py)
        table[name] = [ui.fmt_value(v, u) for v, u in zip(table[name], table["unit"], strict=True)]
    st.dataframe(
        table.rename(columns={"label": "Measure", "unit": "Unit"}), hide_index=True, height=36 * (len(table) + 1)
    )
    st.caption("KPI: the framework KPI the measure becomes a figure of, when an export is imported.")

st.header("Imports so far")
imports = resources.cached(queries.ticket_imports)
if imports.empty:
    st.markdown("None yet.")
else:
    st.dataframe(
        imports.drop(columns=["first_opened", "last_opened"]),
        hide_index=True,
        column_config={
            "id": st.column_config.NumberColumn("Import", format="%d"), "file_name": "File", "format": "Format",
            "imported_by": "By", "imported_at": st.column_config.DatetimeColumn("When", format="D MMM YYYY HH:mm"),
            "rows_read": "Rows", "tickets_new": "New", "tickets_changed": "Changed", "tickets_unchanged": "Unchanged",
            "bad_rows": "Left out", "submission_id": st.column_config.NumberColumn("Submission", format="%d"),
            "figures": "Figures", "submission_status": "Status", "left_out": "Why left out",
        },
    )  # fmt: skip

st.header("Import a service desk export")
ticket_import.form(partners)
