"""Sign in: with Microsoft 365 where configured, otherwise with a Charter account's e-mail and password."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, picker, resources
from dashboard import components as ui
from metrics import accounts, hosting

everyone = resources.partnerships()
here = resources.chosen() or everyone[0]
st.title("Sign in")
if len(everyone) > 1:  # each partnership keeps its own accounts (docs/architecture.md)
    st.markdown(f"Signing in to **{ui.plain(here.name)}**.")

if auth.oidc_configured():
    st.markdown("Sign in with your council's Microsoft 365 account.")
    if st.button("Sign in with Microsoft 365", type="primary", icon=":material/login:"):
        st.login("microsoft")
    st.stop()

if not resources.read(accounts.any_accounts):
    flag = "" if here.home else f"--partnership {here.code} "
    st.markdown(
        "No one can sign in here yet. An administrator creates the first account on the server with "
        f"`charter {flag}user add EMAIL --role admin` (the password is asked for, never typed on the command line)."
    )
    if len(everyone) == 1:  # with several, someone may sign in to another partnership by its code
        st.stop()

with st.form("signin"):
    code = here.code
    if len(everyone) > 1:  # a private partnership is offered in the sidebar only once signed in to it
        code = st.text_input("Partnership code", value=here.code, help="The short code of your partnership")
    email = st.text_input("E-mail", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        where = hosting.find(resources.host_path(), code) or here
        actor = auth.check_password(email, password, where)
        auth.signed_in_with_password(actor, where)
        st.session_state[picker.WANTED] = where.code
    except hosting.UnknownPartnership:
        said = f"There is no partnership {code.strip().upper()} here: check its code."
        st.error(ui.plain(said), icon=":material/lock:")
    except accounts.SignInRefused as exc:
        st.error(ui.plain(str(exc)[:1].upper() + str(exc)[1:] + "."), icon=":material/lock:")  # it quotes the e-mail
    except resources.DatabaseBusy as exc:
        st.error(str(exc), icon=":material/hourglass:")
    else:
        st.rerun()
