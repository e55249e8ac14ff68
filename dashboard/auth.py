"""Who is using the app: Microsoft 365 sign-in (OpenID Connect, `st.login`) when `[auth]` is configured
in `.streamlit/secrets.toml`, otherwise local accounts; inactivity ends a session.

The rules themselves are enforced in `metrics` (every write takes the acting person); this module only
finds out who that is and which pages to offer them.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard import resources
from metrics import accounts
from metrics.access import Action, Actor


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section (Microsoft Entra ID or another OIDC provider)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False


def _timed_out() -> bool:
    """End a signed-in session after the configured minutes without a request."""
    now = time.monotonic()
    last = st.session_state.get("last_seen")
    st.session_state["last_seen"] = now
    limit = resources.settings().session_minutes * 60
    return last is not None and now - last > limit


def current_actor() -> Actor | None:
    """The signed-in person as an Actor, or None (not signed in, timed out, or no account here)."""
    if _timed_out() and (st.session_state.get("actor") or st.user.get("is_logged_in", False)):
        sign_out(notice=f"You were signed out after {resources.settings().session_minutes} minutes without activity.")
    if oidc_configured() and st.user.get("is_logged_in", False):
        email = str(st.user.get("email") or "")
        actor = resources.read(lambda con: accounts.actor_for_email(con, email))
        if actor is None:
            st.session_state["signin_notice"] = (
                f"{email} has no access to Charter. Ask the partnership's performance lead to add you."
            )
        return actor
    actor = st.session_state.get("actor")
    return actor if isinstance(actor, Actor) else None


def sign_out(notice: str = "You have signed out.") -> None:
    for key in ("actor", "last_seen"):
        st.session_state.pop(key, None)
    st.session_state["signin_notice"] = notice
    if oidc_configured() and st.user.get("is_logged_in", False):
        st.logout()


def can(actor: Actor | None, action: Action) -> bool:
    return actor is not None and actor.can(action, actor.partners)


def sign_out_page() -> None:
    """The "Sign out" entry in the navigation."""
    sign_out()
    st.rerun()


def remember(actor: Actor | None) -> None:
    """Keep this run's acting person where the pages can read it (session state is per browser session)."""
    st.session_state["acting"] = actor


def signed_in() -> Actor:
    """The person using a page that needs one; pages that need one are only offered to people signed in."""
    actor = st.session_state.get("acting")
    if not isinstance(actor, Actor):
        st.error("Sign in to use this page.", icon=":material/lock:")
        st.stop()
    return actor
