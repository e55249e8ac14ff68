"""Sign in: with Microsoft 365 where configured, otherwise with a Charter account's e-mail and password."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, resources
from dashboard import components as ui
from metrics import accounts

st.title("Sign in")

if auth.oidc_configured():
    st.markdown("Sign in with your council's Microsoft 365 account.")
    if st.button("Sign in with Microsoft 365", type="primary", icon=":material/login:"):
        st.login("microsoft")
    st.stop()

if not resources.read(accounts.any_accounts):
    st.markdown(
        "No one can sign in yet. An administrator creates the first account on the server with "
        "`charter user add EMAIL --role admin` (the password is asked for, never typed on the command line)."
    )
    st.stop()

with st.form("signin"):
    email = st.text_input("E-mail", autocomplete="username")
    password = st.text_input("Password", type="password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        actor = auth.check_password(email, password)
        auth.signed_in_with_password(actor)
    except accounts.SignInRefused as exc:
        st.error(ui.plain(str(exc)[:1].upper() + str(exc)[1:] + "."), icon=":material/lock:")  # it quotes the e-mail
    except resources.DatabaseBusy as exc:
        st.error(str(exc), icon=":material/hourglass:")
    else:
        st.rerun()
