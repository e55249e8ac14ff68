"""Who is using the app: Microsoft 365 sign-in (OpenID Connect, `st.login`) when `[auth]` is configured
in `.streamlit/secrets.toml`, otherwise local accounts; inactivity ends a session.

The rules themselves are enforced in `metrics` (every write takes the acting person and re-reads their
account); this module only finds out who that is and which pages to offer them. The account is read again
on every rerun, so a disabled or downgraded account loses its pages at its next action in any open tab.

A local sign-in is kept across a reload and a new tab by a token in a cookie (never in the URL, whose links
are shared). Streamlit reads a session's cookies (`st.context.cookies`, from the request that opened it) but
has no call to set one, so a two-line script does (`st.html(..., unsafe_allow_javascript=True)`). The cookie
cannot be HttpOnly that way; HttpOnly needs a server route of our own (`st.App` with Starlette routes), a
different way of starting the app. The token is only a random key to a row of `core.sign_in_token`: it
expires, and signing out, a new password or disabling the account deletes the row, so a copied cookie stops
working then. It is `SameSite=Strict`, and `Secure` when the app is served over HTTPS.

With a multi-tenant app registration, only the tenants listed in the secrets file may sign in
(`dashboard/tenants.py`, docs/sign-in.md); anyone else is told why and signed out at the provider.
"""

from __future__ import annotations

import json
import time
from contextlib import suppress
from functools import partial
from typing import Any

import streamlit as st

from dashboard import resources, tenants
from metrics import accounts
from metrics.access import Action, Actor
from metrics.hosting import Hosted

COOKIE = "charter_signin"
REFUSED = "charter_refused"  # why a Microsoft 365 sign-in was refused, kept across the provider's sign-out
DISABLED = (
    "Your account has been disabled, so you were signed out. "
    "Ask the partnership's performance lead if this is a mistake."
)
tenants.install()  # before any sign-in reaches this server's /oauth2callback (dashboard/tenants.py)


def here(name: str, where: Hosted | None = None) -> str:
    """A session-state key or cookie name for a partnership (the chosen one by default): a local sign-in holds only
    where it was made (docs/architecture.md), so each keeps its own; the install's own keeps the names it always had."""
    where = where or resources.chosen()
    return name if where is None or where.home else f"{name}_{where.code}"


def signed_in_at(where: Hosted) -> Actor | None:
    """The person this session signed in as at `where` with a password (as last read), if any."""
    kept = st.session_state.get(here("actor", where))
    return kept if isinstance(kept, Actor) else None


def provider_email() -> str | None:
    """The e-mail Microsoft 365 (or another OIDC provider) vouches for, when someone signed in that way."""
    if not (oidc_configured() and st.user.get("is_logged_in", False)):
        return None
    return str(st.user.get("email") or "") or None


def resume_each(everyone: list[Hosted]) -> None:
    """Take up the sign-ins this browser kept (a cookie per partnership) once a session, so the picker offers them."""
    for where in everyone:
        if here(COOKIE, where) in st.context.cookies:
            _resume(where)


def oidc_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an `[auth]` section (Microsoft Entra ID or another OIDC provider)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False


def _secrets(name: str) -> Any:
    with suppress(Exception):  # no secrets file, or no such section
        return st.secrets[name]
    return {}


def tenant_refusal() -> str | None:
    """Why the signed-in Microsoft 365 person's organisation (tenant) may not use Charter, or None."""
    provider = _secrets("auth").get("microsoft", {})
    issuer = tenants.template(str(provider.get("server_metadata_url", "")))
    listed, problem = tenants.allowed(_secrets("charter"))
    claims = {"iss": st.user.get("iss"), "tid": st.user.get("tid")}
    return tenants.refusal(claims, issuer, listed, problem)


def _refuse(message: str) -> None:
    """Say why, then sign the person out here and at the provider, keeping the reason for the page they come back to."""
    st.session_state["signin_notice"] = message
    st.session_state["refused"] = tenants.reason_code({"tid": st.user.get("tid")}, message)


def _refused_earlier() -> None:
    """Show, once a session, the refusal that sent this browser to the provider's sign-out."""
    code = st.context.cookies.get(REFUSED)
    if st.session_state.get("refusal_checked") or not isinstance(code, str) or not code:
        return
    st.session_state["refusal_checked"] = True
    message = tenants.after_sign_out(code, *tenants.allowed(_secrets("charter")))
    if message:
        st.session_state["signin_notice"] = message
    st.session_state["forget_refusal"] = True


def _timed_out() -> bool:
    """End a signed-in session after the configured minutes without a request."""
    now = time.monotonic()
    last = st.session_state.get("last_seen")
    st.session_state["last_seen"] = now
    limit = resources.settings().session_minutes * 60
    return last is not None and now - last > limit


def current_actor() -> Actor | None:
    """The signed-in person as an Actor, or None (not signed in, timed out, disabled, or no account here)."""
    if _timed_out() and (st.session_state.get(here("actor")) or st.user.get("is_logged_in", False)):
        sign_out(notice=f"You were signed out after {resources.settings().session_minutes} minutes without activity.")
    if oidc_configured() and st.user.get("is_logged_in", False):
        if refused := tenant_refusal():
            _refuse(refused)
            return None
        email = str(st.user.get("email") or "")
        actor = resources.read(lambda con: accounts.actor_for_email(con, email))
        if actor is None:
            st.session_state["signin_notice"] = (
                f"{email} has no access to Charter. Ask the partnership's performance lead to add you."
            )
        return actor
    if oidc_configured():
        _refused_earlier()
    kept = st.session_state.get(here("actor"))
    actor = kept if isinstance(kept, Actor) else _resume()
    if actor is None or not actor.account:  # an Actor made by a test stands for no account
        return actor
    now = resources.account_now(actor)
    if now is None:
        sign_out(notice=DISABLED)
        return None
    st.session_state[here("actor")] = now
    return now


def _resume(where: Hosted | None = None) -> Actor | None:
    """A local sign-in kept in this browser's cookie (after a reload, or in a new tab); looked at once a session."""
    if st.session_state.get(here("cookie_checked", where)) or oidc_configured():  # Microsoft 365: no local sign-in
        return None
    st.session_state[here("cookie_checked", where)] = True
    token = st.context.cookies.get(here(COOKIE, where))
    if not isinstance(token, str) or not token:  # (AppTest has no browser, and no cookies)
        return None
    actor = resources.read(lambda con: accounts.resume(con, token), where.path if where else None)
    if actor is None:
        _set_cookie(here(COOKIE, where), "")  # expired or revoked: the browser may forget it
        return None
    st.session_state[here("actor", where)], st.session_state[here("token", where)] = actor, token
    st.session_state["last_seen"] = time.monotonic()
    return actor


def check_password(email: str, password: str, where: Hosted | None = None) -> Actor:
    """Check a local password in the partnership's own accounts (the chosen one's by default), holding the database
    only for moments (not while argon2 works, nor during the slow-down after a failure): an open connection keeps
    every other session's reads waiting."""
    path = where.path if where else None
    return accounts.sign_in(lambda: resources.writing(path), email, password)


def signed_in_with_password(actor: Actor, where: Hosted | None = None) -> None:
    """Start a local sign-in: this session, and a token for the browser so that a reload or a new tab keeps it."""
    token = resources.write(lambda con: accounts.issue_token(con, actor), where.path if where else None)
    st.session_state[here("actor", where)], st.session_state[here("token", where)] = actor, token
    _set_cookie(here(COOKIE, where), token)


def _set_cookie(name: str, token: str) -> None:
    st.session_state.setdefault("set_cookie", {})[name] = token


def sign_out(notice: str = "You have signed out.") -> None:
    """End this session's sign-ins, in every partnership (a time-out or a Sign out ends them all)."""
    st.session_state.pop("last_seen", None)
    st.session_state["signin_notice"] = notice
    for where in resources.partnerships():
        token = st.session_state.pop(here("token", where), None)
        st.session_state.pop(here("actor", where), None)
        if token:
            _set_cookie(here(COOKIE, where), "")  # the browser forgets it too
            with suppress(resources.StoreError):  # busy: the cookie is still cleared; the token runs out by itself
                resources.write(partial(accounts.revoke_token, token=token), where.path)
    if oidc_configured() and st.user.get("is_logged_in", False):
        st.logout()  # sends the browser to the provider's sign-out: nothing may run after it (see sign_out_page)


def keep_cookie() -> None:
    """Set (or clear) the sign-in cookie in the browser when this session's sign-in has just changed."""
    changes = st.session_state.pop("set_cookie", None)
    for name, token in (changes or {}).items():
        _script(_cookie(name, token, accounts.TOKEN_HOURS * 3600 if token else 0))
    if st.session_state.pop("forget_refusal", False):
        _script(_cookie(REFUSED, "", 0))
    if code := st.session_state.pop("refused", None):
        # st.logout() would leave the page before a script set the cookie; this sets it, then goes the same way
        logout = "/".join(["", *filter(None, str(st.get_option("server.baseUrlPath")).split("/")), "auth/logout"])
        _script(_cookie(REFUSED, code, 600) + f"; location.replace({json.dumps(logout)})")


def _cookie(name: str, value: str, age: int) -> str:
    cookie = json.dumps(f"{name}={value}; Path=/; Max-Age={age}; SameSite=Strict")
    return f"document.cookie = {cookie} + (location.protocol === 'https:' ? '; Secure' : '')"


def _script(code: str) -> None:
    st.html(f"<script>{code};</script>", unsafe_allow_javascript=True)


def can(actor: Actor | None, action: Action) -> bool:
    return actor is not None and actor.can(action, actor.partners)


def sign_out_page() -> None:
    """The "Sign out" entry in the navigation."""
    provider = oidc_configured() and st.user.get("is_logged_in", False)
    sign_out()
    if provider:  # a rerun now would race the browser's redirect to the provider's sign-out, and win
        st.stop()
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
