"""Submission history: every file with who, when, SHA-256, rows, status and reviewer; the original; what it changed."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import resources
from metrics import queries

sel = ui.selection()
st.title("Submission history")
st.caption("Every file ever sent, kept with its fingerprint (SHA-256); no figure is ever overwritten or lost.")
history = resources.cached(queries.submissions, partner=sel.partner)
if history.empty:
    st.markdown(f"No submissions for {sel.partner} yet." if sel.partner else "No submissions yet.")
    st.stop()

st.dataframe(
    history[["id", "status", "file_name", "partners", "periods", "row_count", "submitted_by", "submitted_at",
             "reviewed_by", "reviewed_at", "review_comment", "sha256"]],
    hide_index=True,
    column_config={
        "id": st.column_config.NumberColumn("Submission", format="%d"),
        "status": "Status",
        "file_name": "File",
        "partners": "Partners",
        "periods": "Periods",
        "row_count": "Figures",
        "submitted_by": "Sent by",
        "submitted_at": st.column_config.DatetimeColumn("Sent", format="D MMM YYYY HH:mm"),
        "reviewed_by": "Reviewed by",
        "reviewed_at": st.column_config.DatetimeColumn("Reviewed", format="D MMM YYYY HH:mm"),
        "review_comment": "Comment",
        "sha256": st.column_config.TextColumn("SHA-256", width="small"),
    },
)  # fmt: skip

st.header("One submission")
ids = history["id"].astype(int).tolist()
if "submission" not in st.session_state:
    wanted = st.query_params.get("submission", "")
    st.session_state["submission"] = int(wanted) if wanted.isdigit() and int(wanted) in ids else ids[0]
chosen = st.selectbox("Submission", ids, key="submission", format_func=ui.submission_labels(history).__getitem__)
st.query_params["submission"] = str(chosen)
changes = resources.cached(queries.submission_changes, chosen)
st.markdown(
    f"{len(changes)} figures: {int((changes['change'] == 'new').sum())} new, "
    f"{int((changes['change'] == 'changed').sum())} changed an earlier figure, "
    f"{int((changes['change'] == 'unchanged').sum())} repeated one."
    + (" New and changed figures are listed first." if len(changes) > ui.SHADED_ROWS else "")
)
st.dataframe(
    ui.highlight(changes, "change", lambda v: v != "unchanged"),
    hide_index=True,
    column_config={
        "row_number": st.column_config.NumberColumn("Row", format="%d"),
        "partner_code": "Partner",
        "period": "Period",
        "kpi_code": "KPI",
        "kpi_name": "Name",
        "unit": None,
        "value": "Figure",
        "note": st.column_config.TextColumn("Note", width="medium"),
        "previous_value": "Before",
        "previous_note": st.column_config.TextColumn("Note before", width="medium"),
        "previous_submission": st.column_config.NumberColumn("Before, from submission", format="%d"),
        "change": "Change",
    },
)
original = resources.read(lambda con: queries.submission_file(con, chosen))
if original:
    st.download_button(
        f"Download the original file ({ui.plain(original[0])})",
        data=original[1],
        file_name=original[0],
        mime="application/octet-stream",
        icon=":material/download:",
    )
else:  # a service desk import too big to keep, or figures that came with no file (a note edit)
    name = history.loc[history["id"] == chosen, "file_name"].iloc[0]
    st.caption(f"No original file is kept for this submission ({ui.plain(name)}); its figures are listed above.")
