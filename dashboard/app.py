"""Charter: the entrypoint. Page set-up, the shared sidebar (partner and quarter, kept in the URL), navigation."""

from __future__ import annotations

import streamlit as st

from dashboard import components, resources

st.set_page_config(page_title="Charter", page_icon=":material/insights:", layout="wide")
st.markdown(components.CSS, unsafe_allow_html=True)

problem = resources.database_ready()
if problem:
    st.title("Charter")
    st.error(problem, icon=":material/database:")
    st.stop()

info = resources.partnership()
pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/charter.py", title="Charter", icon=":material/account_tree:"),
    st.Page("app_pages/objective.py", title="Objective", icon=":material/flag:"),
    st.Page("app_pages/scorecard.py", title="Partner scorecard", icon=":material/scoreboard:"),
    st.Page("app_pages/kpis.py", title="KPIs", icon=":material/monitoring:"),
    st.Page("app_pages/about.py", title="About", icon=":material/info:"),
]
officers = [
    st.Page("app_pages/upload.py", title="Upload figures", icon=":material/upload_file:"),
    st.Page("app_pages/collection.py", title="Data collection", icon=":material/checklist:"),
    st.Page("app_pages/approvals.py", title="Approve figures", icon=":material/approval:"),
    st.Page("app_pages/history.py", title="Submission history", icon=":material/history:"),
    st.Page("app_pages/ict.py", title="ICT service desk", icon=":material/support_agent:"),
]
board_pages = [
    st.Page("app_pages/board.py", title="Board review", icon=":material/gavel:"),
    st.Page("app_pages/actions.py", title="Actions", icon=":material/task_alt:"),
]
navigation = st.navigation({"Performance": pages, "Figures": officers, "Board": board_pages})


def _sync_selection() -> None:
    """Start from the URL (so a copied link reproduces the view), then keep the URL up to date."""
    quarters = [str(q) for q in resources.quarters()]
    partners = resources.query("partners")
    choices = [components.ALL_PARTNERS, *partners["code"].tolist()]
    names = dict(zip(partners["code"], partners["name"], strict=True))
    params = st.query_params
    if "quarter" not in st.session_state:
        wanted = params.get("quarter", "")
        st.session_state["quarter"] = wanted if wanted in quarters else quarters[0]
    if "partner" not in st.session_state:
        wanted = params.get("partner", "").upper()
        st.session_state["partner"] = wanted if wanted in choices else components.ALL_PARTNERS
    with st.sidebar:
        st.markdown(f"**{info.name}**")
        st.selectbox("Quarter", quarters, key="quarter", help="Financial-year quarter (April to March)")
        st.selectbox(
            "Partner",
            choices,
            key="partner",
            format_func=lambda c: names.get(c, c),
            help="Show one council, or every partner side by side",
        )
    params["quarter"] = st.session_state["quarter"]
    if st.session_state["partner"] == components.ALL_PARTNERS:
        params.pop("partner", None)
    else:
        params["partner"] = st.session_state["partner"]


_sync_selection()
if info.illustrative:
    components.demo_banner()
navigation.run()
