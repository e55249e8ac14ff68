"""Contracts: what each council runs and when it ends, notices due in the next year, chances to align, and the
form to record a contract (board and admins)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import components as ui
from dashboard import resources, risk_charts, risk_ui
from metrics import contracts
from metrics.access import Action

info = resources.partnership()
today = resources.today()
roadmap = resources.cached(contracts.roadmap, today)
notices = resources.cached(contracts.notices, today)
aligned = resources.cached(contracts.alignment)

st.title("Contracts")
st.caption(f"{ui.plain(info.name)} · systems and contracts roadmap · as of {today:%-d %B %Y}")
if (roadmap["illustrative"] != "").any():
    st.info(
        "Contracts marked *illustrative* are made up for the demonstration; the others come from the partnership's "
        "published papers.",
        icon=":material/info:",
    )


def _day(value: object) -> str:
    return "–" if ui.missing(value) else f"{value:%-d %B %Y}"


def _what(r: Any) -> str:
    mark = " (illustrative)" if r.illustrative else ""
    return ui.plain(f"{r.system}{mark}")


st.header("Notices due in the next 12 months")
if notices.empty:
    st.markdown("No contract's notice day falls in the next 12 months.")
else:
    rows = [[ui.plain(r.code), _what(r), ui.plain(r.partner_name), ui.plain(r.supplier), _day(r.notice_on),
             _day(r.ends_on), f"{r.notice_months} months"] for r in notices.itertuples()]  # fmt: skip
    head = ["Contract", "System", "Council", "Supplier", "Give notice by", "Ends", "Notice period"]
    st.markdown(ui.scrolling(ui.html_table("Notices due, soonest first", head, rows), "Notices due"),
                unsafe_allow_html=True)  # fmt: skip

st.header("Chances to align")
st.markdown(
    f"Partners' contracts in one category that end within {contracts.ALIGN_WITHIN_MONTHS} months of each other: "
    "a chance to buy together or move to one system."
)
if aligned.empty:
    st.markdown("No two partners' contracts in one category end that close together.")
else:
    rows = [[ui.plain(r.category), ui.plain(f"{r.first_partner_name}: {r.first_system} ({r.first_code})"),
             _day(r.first_ends_on), ui.plain(f"{r.second_partner_name}: {r.second_system} ({r.second_code})"),
             _day(r.second_ends_on), f"{r.days_apart} days"] for r in aligned.itertuples()]  # fmt: skip
    head = ["Category", "First to end", "Ends", "Then", "Ends", "Apart"]
    st.markdown(ui.scrolling(ui.html_table("Chances to align", head, rows), "Chances to align"),
                unsafe_allow_html=True)  # fmt: skip

st.header("Roadmap")
if roadmap.empty:
    st.markdown("No contracts have been recorded yet.")
else:
    sentence = (
        f"{len(roadmap)} systems and contracts across {roadmap['partner_code'].nunique()} councils, ending from "
        f"{roadmap['ends_on'].min():%B %Y} to {roadmap['ends_on'].max():%B %Y}; a tick marks the last day to give "
        "notice, a diamond the end, the dashed line today."
    )
    columns = ["partner_code", "code", "system", "supplier", "category", "starts_on", "ends_on", "notice_on", "state",
               "annual_cost", "illustrative", "note"]  # fmt: skip
    ui.chart(resources.chart_spec(risk_charts.roadmap, roadmap, today), sentence, roadmap[columns],
             "contracts-roadmap.csv", "roadmap")  # fmt: skip
    for name, group in roadmap.groupby("partner_name", sort=False):
        rows = [[ui.plain(r.code), _what(r), ui.plain(r.supplier), ui.plain(r.category), _day(r.starts_on),
                 _day(r.ends_on), _day(r.notice_on), ui.plain(r.state)] for r in group.itertuples()]  # fmt: skip
        head = ["Contract", "System", "Supplier", "Category", "Starts", "Ends", "Notice by", "State"]
        st.markdown(ui.scrolling(ui.html_table(f"{name}: systems and contracts", head, rows), str(name)),
                    unsafe_allow_html=True)  # fmt: skip

if risk_ui.may(Action.EDIT_BUSINESS):
    st.header("Record a contract")
    st.markdown("Give an existing contract's code to replace its details; the audit trail keeps the old ones.")
    risk_ui.contract_form(resources.partners())
