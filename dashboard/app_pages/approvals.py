"""Approvals: the performance lead approves a submitted file, or returns it to the officer with a reason."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import auth, resources
from dashboard import components as ui
from metrics import queries, submissions

st.title("Approve figures")
st.caption("Only approved figures reach members' and public pages. Returned files go back to the officer.")
if done := st.session_state.pop("approval_message", None):
    st.success(done, icon=":material/task_alt:")

waiting = resources.cached(queries.submissions, status="submitted")
if waiting.empty:
    st.markdown("Nothing is waiting for approval.")
    st.stop()

st.markdown(f"{len(waiting)} {'submission is' if len(waiting) == 1 else 'submissions are'} waiting.")
actor = auth.signed_in()
for sub in waiting.itertuples():
    with st.container(border=True):
        st.markdown(
            f"**Submission {sub.id}: {ui.plain(sub.file_name)}** — {sub.row_count} figures for "
            f"{ui.plain(sub.partners)}, {ui.plain(sub.periods)}; sent by {ui.plain(sub.submitted_by)} on "
            f"{sub.submitted_at:%-d %B %Y at %H:%M}"
        )
        changes = resources.cached(queries.submission_changes, ui.whole(sub.id))
        big = changes[changes["change_percent"].abs() >= 25]
        if not big.empty:
            st.warning(
                f"{len(big)} {'figures change' if len(big) > 1 else 'figure changes'} by a quarter or more on the "
                "figure held before: check them before approving ("
                + ", ".join(f"{r.partner_code} {r.kpi_code} {r.change_percent:+.0f}%" for r in big.head(6).itertuples())
                + ("…" if len(big) > 6 else "")
                + ").",
                icon=":material/warning:",
            )
        st.dataframe(
            ui.highlight(changes, "change", lambda v: v != "unchanged"),
            hide_index=True,
            column_order=[
                "change",
                "change_percent",
                "partner_code",
                "period",
                "kpi_name",
                "value",
                "previous_value",
                "unit",
                "note",
                "row_number",
            ],
            column_config={
                "change": st.column_config.TextColumn("Change"),
                "change_percent": st.column_config.NumberColumn("Change %", format="%+.1f%%"),
                "row_number": "Row in file",
                "partner_code": "Partner",
                "period": "Period",
                "kpi_name": st.column_config.TextColumn("KPI", width="medium"),
                "value": st.column_config.NumberColumn("New figure", format="localized"),
                "previous_value": st.column_config.NumberColumn("Held before", format="localized"),
                "unit": "Unit",
                "note": st.column_config.TextColumn("Note", width="medium"),
            },
        )
        comment = st.text_input("Comment (needed to return it)", key=f"comment-{sub.id}")
        approve, give_back = st.columns(2)
        decision = None
        if approve.button("Approve", key=f"approve-{sub.id}", type="primary"):
            decision = True
        if give_back.button("Return to the officer", key=f"return-{sub.id}"):
            decision = False
        if decision is not None:
            try:
                resources.write(
                    partial(submissions.review, submission_id=ui.whole(sub.id), approve=decision, by=actor,
                            comment=comment)
                )  # fmt: skip
            except (submissions.SubmissionError, resources.DatabaseBusy) as exc:
                st.error(ui.plain(str(exc)[:1].upper() + str(exc)[1:]), icon=":material/error:")
            else:
                verb = "approved: its figures are now published" if decision else "returned to the officer"
                st.session_state["approval_message"] = f"Submission {sub.id} {verb}."
                st.rerun()
