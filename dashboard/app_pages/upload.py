"""Upload: an officer downloads the template, sends the file back, sees every problem or a preview, and submits."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, resources
from dashboard import components as ui
from metrics import queries, submissions, template
from metrics.access import AccessDenied, Role
from metrics.figures import CheckResult
from metrics.periods import parse_period

sel = ui.selection()
info = resources.partnership()
partners = resources.cached(queries.partners)
current = partners[partners["current"]]
names = dict(zip(partners["code"], partners["name"], strict=True))

st.title("Send quarterly figures")
st.caption(f"{ui.plain(info.name)} · figures are checked as a whole file; nothing is loaded until everything is right")
if done := st.session_state.pop("upload_message", None):
    st.success(ui.plain(done), icon=":material/task_alt:")
if told := st.session_state.pop("upload_info", None):
    st.info(ui.plain(told), icon=":material/info:")

actor = auth.signed_in()
if actor.role is Role.OFFICER:  # an officer sends figures for their own council(s) only
    current = current[current["code"].isin(actor.partners)]
if current.empty:
    st.error("Your account is not linked to any current partner council; ask the performance lead.")
    st.stop()
left, right = st.columns(2)
default = sel.partner if sel.partner in set(current["code"]) else current["code"].iloc[0]
partner = left.selectbox(
    "Council", current["code"].tolist(), index=current["code"].tolist().index(default), format_func=names.__getitem__
)
quarters = [str(q) for q in resources.quarters()]
period_text = right.selectbox("Quarter", quarters, index=quarters.index(str(sel.period)), key="upload_quarter")
period = parse_period(period_text)

st.header("1. Download the template")
st.markdown(
    f"One row for each KPI due from {ui.plain(names[partner])} for {period}, with its definition, unit, last figure "
    "and target. Fill in the yellow **value** column, add a **note** where a figure needs explaining, and save."
)
path = resources.db_path()  # the template is made when clicked, outside the page's session
st.download_button(
    f"Download the {period} template for {partner} (XLSX)",
    data=lambda: resources.read(lambda con: template.build(con, partner, period), path),
    file_name=f"charter-{partner}-{period.slug}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)

st.header("2. Send the completed file")
attempt = st.session_state.setdefault("upload_attempt", 0)
limit_mb = resources.partnership_settings().max_upload_mb
# Any file type is taken, so that a wrong one gets the same plain "what to do" as every other problem.
uploaded = st.file_uploader(
    "CSV, XLSX or ODS file",
    key=f"upload-{attempt}",
    max_upload_size=limit_mb,
    help=f"One header row naming partner, period, kpi and value (note is optional); up to {limit_mb} MB",
)
if uploaded is None:
    st.stop()

data = uploaded.getvalue()
try:
    cat = resources.read(lambda con: submissions.catalogue(con, resources.today(), {partner}))
    duplicate = resources.read(lambda con: submissions.find_duplicate(con, submissions.sha256(data)))
except resources.DatabaseBusy as exc:
    st.error(f"The file could not be checked just now: {ui.plain(exc)}", icon=":material/hourglass:")
    st.stop()
result: CheckResult = submissions.check_file(data, uploaded.name, cat)  # no connection held: others may write
for note in result.notes:
    st.info(ui.plain(note), icon=":material/description:")  # it names the file's sheets
if not result.ok:
    other_council = any(p.column == "partner" and p.message.startswith("you may only") for p in result.problems)
    st.error(
        f"**{ui.plain(uploaded.name)} was not loaded**: {result.problem_count:,} "
        f"{'problem needs' if result.problem_count == 1 else 'problems need'} fixing. Change the file as the table "
        "says, save it and send it again. Nothing has been loaded."
        + (" If the file is for another council, choose that council above." if other_council else ""),
        icon=":material/error:",
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Row": p.row,
                    "Column": "–" if p.column == "-" else p.column,
                    "Problem": p.message[:1].upper() + p.message[1:],
                }
                for p in result.problems
            ]
        ),
        hide_index=True,
        column_config={"Problem": st.column_config.TextColumn(width="large")},
    )
    if rest := result.rest():  # past the first 100 problems, a count by column (docs/file-contract.md)
        st.text(rest)
    st.stop()
if duplicate is not None:
    st.info(
        f"**{ui.plain(uploaded.name)}** is the very same file as submission {duplicate[0]}, sent on "
        f"{duplicate[1]:%-d %B %Y at %H:%M}; there is nothing new to submit. See it on the Submission history page.",
        icon=":material/content_copy:",
    )
    st.stop()

st.success(f"**{ui.plain(uploaded.name)}** passed every check: {len(result.figures)} figures.", icon=":material/check:")
preview = resources.read(lambda con: queries.preview(con, result.figures))
changed = int((preview["change"] != "unchanged").sum())
st.markdown(f"{changed} of {len(preview)} figures are new or different from those held now (marked ▲).")
st.dataframe(
    ui.highlight(preview, "change", lambda v: v != "unchanged"),
    hide_index=True,
    column_config={
        "row": "Row",
        "partner_code": "Partner",
        "period": "Period",
        "kpi_code": "KPI",
        "kpi_name": "Name",
        "value": "New figure",
        "current_value": "Held now",
        "change": "Change",
        "note": st.column_config.TextColumn("Note", width="medium"),
    },
)

st.header("3. Submit")
st.caption(f"Submitted as {ui.plain(actor.email)}.")
go, cancel = st.columns(2)
if cancel.button("Cancel: do not send this file", icon=":material/close:", width="stretch"):
    st.session_state["upload_attempt"] = attempt + 1
    st.session_state["upload_info"] = f"{uploaded.name} was not sent; nothing has been loaded."
    st.rerun()
if go.button("Submit these figures", type="primary", width="stretch"):
    try:
        stored = resources.write(
            lambda con: submissions.store_files(con, [(result, data)], by=actor, source="upload", checked_against=cat)
        )
    except AccessDenied as exc:
        st.error(f"Not submitted: {ui.plain(exc)}.", icon=":material/lock:")
        st.stop()
    except submissions.SubmissionError as exc:
        st.error(f"Not submitted: {exc}.", icon=":material/sync_problem:")
        st.stop()
    except resources.DatabaseBusy as exc:
        st.error(f"Not submitted: {ui.plain(exc)}", icon=":material/hourglass:")
        st.stop()
    st.session_state["upload_attempt"] = attempt + 1
    if stored[0].duplicate_of is None:
        st.session_state["upload_message"] = f"{stored[0].message()}. The performance lead will now review it."
    else:  # the same file arrived from elsewhere between the check and the click
        st.session_state["upload_info"] = stored[0].message()
    st.rerun()
