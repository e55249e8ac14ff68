"""Approvals: the performance lead approves a submitted file, or returns it to the officer with a reason."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import resources
from metrics import store, submissions

st.title("Approve figures")
st.caption("Only approved figures reach members' and public pages. Returned files go back to the officer.")
if done := st.session_state.pop("approval_message", None):
    st.success(done, icon=":material/task_alt:")

waiting = resources.query("submissions", status="submitted")
if waiting.empty:
    st.markdown("Nothing is waiting for approval.")
    st.stop()

st.markdown(f"{len(waiting)} {'submission is' if len(waiting) == 1 else 'submissions are'} waiting.")
reviewer = st.text_input("Your name or e-mail", key="reviewer_name", help="Recorded with your decision")
for sub in waiting.itertuples():
    with st.container(border=True):
        st.markdown(
            f"**Submission {sub.id}: {sub.file_name}** — {sub.row_count} figures for {sub.partners}, {sub.periods}; "
            f"sent by {sub.submitted_by} on {sub.submitted_at:%-d %B %Y at %H:%M}"
        )
        changes = resources.query("submission_changes", int(sub.id))
        st.dataframe(
            ui.highlight(changes, "change", lambda v: v != "unchanged"),
            hide_index=True,
            column_config={
                "row_number": "Row",
                "partner_code": "Partner",
                "kpi_code": "KPI",
                "kpi_name": "Name",
                "value": "Figure",
                "previous_value": "Before",
                "previous_note": None,
                "previous_submission": None,
                "unit": None,
                "note": st.column_config.TextColumn("Note", width="medium"),
            },
        )
        comment = st.text_input("Comment (needed to return it)", key=f"comment-{sub.id}")
        approve, give_back = st.columns(2)
        decision = None
        if approve.button("Approve", key=f"approve-{sub.id}", type="primary", disabled=not reviewer.strip()):
            decision = True
        if give_back.button("Return to the officer", key=f"return-{sub.id}", disabled=not reviewer.strip()):
            decision = False
        if decision is not None:
            try:
                resources.write(
                    lambda con, sid=int(sub.id), ok=decision, why=comment: submissions.review(
                        con, sid, approve=ok, by=reviewer.strip(), comment=why
                    )
                )
            except (submissions.SubmissionError, store.DatabaseBusy) as exc:
                st.error(str(exc)[:1].upper() + str(exc)[1:], icon=":material/error:")
            else:
                verb = "approved: its figures are now published" if decision else "returned to the officer"
                st.session_state["approval_message"] = f"Submission {sub.id} {verb}."
                st.rerun()
if not reviewer.strip():
    st.caption("Give your name or e-mail above to approve or return a submission.")
