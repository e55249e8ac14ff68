"""Charter: the entrypoint. Page set-up, the shared sidebar (partner and quarter, kept in the URL), navigation."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, components, picker, resources, sidebar
from metrics.access import Action

resources.freeze_imports()
st.set_page_config(page_title="Charter", page_icon=":material/insights:", layout="wide")
st.markdown(components.CSS, unsafe_allow_html=True)

problem = resources.database_ready(resources.host_path())
if not problem:  # the partnership to show (picked in the sidebar), then its own database
    try:
        picker.choose()
    except resources.StoreError as exc:
        problem = str(exc)
    problem = problem or resources.database_ready()
if problem:
    st.title("Charter")
    st.error(problem, icon=":material/database:")
    st.stop()

info = resources.partnership()
actor = auth.current_actor()
auth.remember(actor)
members = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/charter.py", title="Charter", icon=":material/account_tree:"),
    st.Page("app_pages/objective.py", title="Objective", icon=":material/flag:"),
    st.Page("app_pages/scorecard.py", title="Partner scorecard", icon=":material/scoreboard:"),
    st.Page("app_pages/kpis.py", title="KPIs", icon=":material/monitoring:"),
    st.Page("app_pages/about.py", title="About", icon=":material/info:"),
]
# Each page is offered only to the roles that may use it; a page left out cannot be reached by its URL.
PAGES: list[tuple[str, str, str, str, Action]] = [
    ("Figures", "app_pages/upload.py", "Upload figures", ":material/upload_file:", Action.SUBMIT),
    ("Figures", "app_pages/collection.py", "Data collection", ":material/checklist:", Action.SEE_SUBMITTED),
    ("Figures", "app_pages/approvals.py", "Approve figures", ":material/approval:", Action.APPROVE),
    ("Figures", "app_pages/history.py", "Submission history", ":material/history:", Action.SEE_SUBMITTED),
    ("Figures", "app_pages/ict.py", "ICT service desk", ":material/support_agent:", Action.SUBMIT),
    ("Board", "app_pages/board.py", "Board review", ":material/gavel:", Action.REVIEW),
    ("Board", "app_pages/actions.py", "Actions", ":material/task_alt:", Action.REVIEW),
    ("Administration", "app_pages/admin.py", "Admin", ":material/admin_panel_settings:", Action.USERS),
    ("Partnership", "app_pages/money.py", "Money", ":material/payments:", Action.SEE_BUSINESS),
    ("Partnership", "app_pages/options.py", "Options appraisal", ":material/balance:", Action.SEE_BUSINESS),
    ("Partnership", "app_pages/risks.py", "Risks", ":material/warning:", Action.SEE_BUSINESS),
    ("Partnership", "app_pages/contracts.py", "Contracts", ":material/contract:", Action.SEE_BUSINESS),
]
sections: dict[str, list[st.Page]] = {}
if actor is not None or resources.partnership_settings().public:
    sections["Performance"] = members
for section, path, title, icon, action in PAGES:
    if auth.can(actor, action):
        sections.setdefault(section, []).append(st.Page(path, title=title, icon=icon))
account = (
    [st.Page(auth.sign_out_page, title="Sign out", icon=":material/logout:", url_path="signout")]
    if actor is not None
    else [
        st.Page("app_pages/signin.py", title="Sign in", icon=":material/login:", default="Performance" not in sections)
    ]
)
if actor is not None and actor.account:  # each person chooses their own notices by e-mail (metrics/notices.py)
    account.insert(0, st.Page("app_pages/notices.py", title="My notices", icon=":material/notifications:"))
sections["Account"] = account
resources.register_pages(p for pages in sections.values() for p in pages)
navigation = st.navigation(sections, position="hidden")  # the sidebar's menu is dashboard/sidebar.py's
menu = sidebar.menu()


def _sync_selection() -> None:
    """Start from the URL (so a copied link reproduces the view), then keep the URL up to date."""
    quarters = [str(q) for q in resources.quarters()]
    partners = resources.partners()
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
        st.markdown(f"**{components.plain(info.name)}**")
        if actor is not None:
            councils = f" for {', '.join(sorted(actor.partners))}" if actor.partners else ""
            st.caption(components.plain(f"Signed in as {actor.email} ({actor.role.value}{councils})"))
        if "Performance" in sections:  # to someone who may see no page of figures, the councils are not named
            st.selectbox("Quarter", quarters, key="quarter", help="Financial-year quarter (April to March)")
            st.selectbox(
                "Partner",
                choices,
                key="partner",
                format_func=components.labels(choices, lambda c: names.get(c, c)),
                help="Show one council, or every partner side by side",
            )
    params["quarter"] = st.session_state["quarter"]
    if st.session_state["partner"] == components.ALL_PARTNERS:
        params.pop("partner", None)
    else:
        params["partner"] = st.session_state["partner"]


_sync_selection()
sidebar.fill(menu, sections)
if info.illustrative:
    components.demo_banner()
picker.notice()
if notice := st.session_state.pop("signin_notice", None):  # e.g. "You have signed out.", on the page it lands on
    st.info(components.plain(notice), icon=":material/info:")  # may name an e-mail from the sign-in provider
with st.sidebar:
    auth.keep_cookie()
with resources.taking_turns():  # a small server's memory bounded whatever the number of sessions
    navigation.run()
