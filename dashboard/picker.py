"""Which partnership a session shows (docs/architecture.md): picked at the top of the sidebar, kept in the URL
(`?partnership=CODE`), and only among the partnerships the person may see.

Anyone sees the partnerships open to the public (each one's own setting, else CHARTER_PUBLIC). A person signed in
also sees those where their e-mail has an account, looked up in each partnership's own accounts; a password
sign-in holds only in the partnership it was made in (dashboard/auth.py), so choosing another shows it as to anyone
not signed in (its Sign in page when it is not public) until they sign in there too.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, components, resources
from metrics.hosting import Hosted

PARAM = "partnership"  # the URL's name for it (dashboard/sidebar.py KEPT carries it on every link)
KEY = "partnership"  # the select box's session-state key
WANTED = "partnership_wanted"  # set by the Sign in page: the partnership just signed in to, shown next


def _emails(everyone: list[Hosted]) -> set[str]:
    """The e-mails this session is signed in with: the provider's, and each password sign-in's."""
    found = {actor.email for where in everyone if (actor := auth.signed_in_at(where)) is not None}
    if (email := auth.provider_email()) is not None:
        found.add(email)
    return found


def _may_see(where: Hosted, emails: set[str]) -> bool:
    if auth.signed_in_at(where) is not None:
        return True
    try:
        return resources.partnership_settings(where.path).public or any(
            resources.has_account(where.path, e) for e in emails
        )
    except resources.StoreError:  # a partnership whose file cannot be read now is offered to no one
        return False


def visible(everyone: list[Hosted]) -> list[Hosted]:
    """The partnerships this session may pick, in the install's order (its own first)."""
    emails = _emails(everyone)
    return [where for where in everyone if _may_see(where, emails)]


def _switched() -> None:
    """A new partnership has other councils, quarters and pages: start its selection afresh."""
    for name in ("partner", "quarter"):
        st.session_state.pop(name, None)
        st.query_params.pop(name, None)


def choose() -> Hosted:
    """The partnership to show this run (the install's own unless the person picked or linked another they may
    see); draws the picker when there is a choice, and says so plainly when the URL asks for one they may not see."""
    everyone = resources.partnerships()
    auth.resume_each(everyone)
    shown = visible(everyone)
    codes = {where.code: where for where in shown}
    kept = st.session_state.get(KEY)  # this session's own choice: after a sign-out it may quietly fall back
    asked = st.session_state.pop(WANTED, None) or kept or st.query_params.get(PARAM, "")
    wanted = str(asked).strip().upper()
    fallback = everyone[0] if everyone[0] in shown or not shown else shown[0]
    if wanted and wanted not in codes:
        st.session_state[KEY] = fallback.code if len(shown) > 1 else None
        if asked != kept:
            st.session_state["partnership_notice"] = (
                f"There is no partnership {wanted} that you can see here, so {fallback.name} is shown. "
                "Choose another in the sidebar, or sign in to see more."
            )
        _switched()
    chosen = codes.get(wanted, fallback)
    if len(shown) > 1:
        st.session_state[KEY] = chosen.code
        names = {where.code: where.name for where in shown}
        st.sidebar.selectbox(
            "Partnership",
            list(codes),
            key=KEY,
            format_func=lambda c: names[c],
            on_change=_switched,
            help="The partnership whose figures every page shows",
        )
        chosen = codes[st.session_state[KEY]]
    st.session_state[resources.CHOSEN] = chosen
    if len(everyone) > 1:
        st.query_params[PARAM] = chosen.code
    return chosen


def notice() -> None:
    """Say why the partnership asked for in the URL is not the one shown (the code as typed, never a traceback)."""
    if said := st.session_state.pop("partnership_notice", None):
        st.warning(components.plain(said), icon=":material/swap_horiz:")
