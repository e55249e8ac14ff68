"""My notices: which notices Charter e-mails this person (docs/reminders.md), and the latest sent to them."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, resources
from dashboard import components as ui
from metrics import notices
from metrics.access import AccessDenied
from metrics.notice_sources import KINDS

actor = auth.signed_in()
st.title("My notices")
st.caption(
    "Charter e-mails you when reminders run (usually daily): one e-mail with every notice due for you, "
    "each notice sent once, to the address you sign in with."
)
offered = [kind for kind in KINDS if actor.role in kind.roles]
chosen = resources.cached(notices.preferences, actor.email)

with st.form("my_notices"):
    st.markdown("Tick the notices you want by e-mail.")
    picks = {k.key: st.checkbox(k.label, value=chosen.get(k.key, True), key=f"notice-{k.key}") for k in offered}
    save = st.form_submit_button("Save my choices")
if save:
    try:
        resources.write(lambda con: notices.set_preferences(con, actor, picks, KINDS))
    except (AccessDenied, resources.DatabaseBusy) as exc:
        st.error(ui.plain(str(exc)[:1].upper() + str(exc)[1:]), icon=":material/error:")
    else:
        wanted = sum(picks.values())
        st.success(f"Saved: you get {wanted} of the {len(picks)} kinds of notice.", icon=":material/task_alt:")

st.header("Sent to you lately")
sent = resources.cached(notices.sent_to, actor.email)
labels = {kind.key: kind.label for kind in KINDS}
if not sent:
    st.markdown("Nothing has been sent to you yet.")
else:
    rows = [[ui.plain(f"{s.sent_at:%-d %b %Y %H:%M}"), ui.plain(s.title), ui.plain(labels.get(s.kind, s.kind))]
            for s in sent]  # fmt: skip
    table = ui.html_table("Notices sent to you, newest first", ["Sent", "Notice", "Kind"], rows)
    st.markdown(ui.scrolling(table, "Notices sent to you"), unsafe_allow_html=True)
