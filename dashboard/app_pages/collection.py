"""Data collection: for the quarter, each partner x KPI: approved, submitted, missing or overdue; what each owes."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, resources
from dashboard import components as ui
from metrics import queries, submissions
from metrics.access import AccessDenied, Action, Role
from metrics.status import Status

sel = ui.selection()
info = resources.partnership()
grid = resources.cached(queries.collection, sel.period, resources.today(), info.data_due_days)
if sel.partner:
    grid = grid[grid["partner_code"] == sel.partner]

st.title("Data collection")
due = sel.period.due(info.data_due_days)
st.caption(f"{ui.plain(info.name)} · {sel.period} · figures due by {due:%-d %B %Y}")

STATE = {
    "approved": ("Approved", "approved"),
    "submitted": ("Awaiting approval", "submitted, awaiting approval"),
    "correction awaiting approval": ("Awaiting approval", "corrections awaiting approval"),
    "missing": ("Not yet received", "not yet received"),
    "overdue": (Status.OVERDUE.said, "overdue"),
}
counts = grid.groupby(["partner_name", "state"], sort=False).size().unstack(fill_value=0)
st.header("By partner")
rows = []
for partner_name, row in counts.iterrows():
    cells = [ui.chip(STATE[s][0], f"{int(row[s])} {STATE[s][1]}") for s in STATE if row.get(s)]
    rows.append([ui.plain(partner_name), " ".join(cells)])
st.markdown(ui.html_table(f"Figures for {sel.period} by partner", ["Partner", "Figures"], rows), unsafe_allow_html=True)

st.header("What each partner still owes")
owed = grid[grid["state"].isin(["missing", "overdue"])]
if owed.empty:
    st.markdown(f"Every figure due for {sel.period} has been received.")
for partner_name, group in owed.groupby("partner_name", sort=False):
    st.markdown(
        f"**{ui.plain(partner_name)}** ({len(group)}, {group['state'].iloc[0]}): "
        + ui.plain(", ".join(f"{r.kpi_code} {r.kpi_name}" for r in group.itertuples()))
    )

st.header("Every figure")
every = grid.assign(  # written as members read them (metrics/formatting.py), for the eye and a screen reader
    figure=[ui.fmt_value(v, u, d, STATE[s][1]) for v, u, d, s in grid[["value", "unit", "decimals", "state"]].values],
    submission=[str(ui.whole(i)) if not ui.missing(i) else "" for i in grid["submission_id"]],
)
st.dataframe(
    ui.text_table(every[["partner_name", "kpi_code", "kpi_name", "period", "state", "figure", "note", "submission"]]),
    hide_index=True,
    column_config={
        "partner_name": "Council",
        "kpi_code": "KPI",
        "kpi_name": "Name",
        "period": "Period",
        "state": "State",
        "figure": "Figure",
        "note": st.column_config.TextColumn("Note", width="medium"),
        "submission": "Submission",
    },
)

st.header("Add or change a note on a figure")
st.markdown(
    "A note explains a figure to members. The change is kept in the figure's history and, like any "
    "submission, is published once the performance lead approves it."
)
actor = auth.signed_in()
held = grid[grid["submission_id"].notna()]
if actor.role is Role.OFFICER:  # an officer comments on their own council's figures only
    held = held[held["partner_code"].isin(actor.partners)]
elif not actor.can(Action.COMMENT):
    st.markdown("Notes are added by each council's officers.")
    st.stop()
if held.empty:
    st.markdown(f"No figures for {sel.period} have been received yet.")
    st.stop()
left, right = st.columns(2)
partner = left.selectbox("Council", held["partner_code"].unique().tolist(), key="note_partner")
mine = held[held["partner_code"] == partner]
kpi = right.selectbox(
    "KPI",
    mine["kpi_code"].tolist(),
    key="note_kpi",
    format_func=dict(zip(mine["kpi_code"], mine["kpi_code"] + " · " + mine["kpi_name"], strict=True)).__getitem__,
)
row = mine.set_index("kpi_code").loc[kpi]
held_now = ui.fmt_value(row["value"], row["unit"], row["decimals"], "blank")
st.markdown(f"Figure held now: **{ui.plain(held_now)}**; note: {ui.plain(row['note'], 'none')}")
text = st.text_area(
    "Note", value=row["note"] if isinstance(row["note"], str) else "", key=f"note_text-{partner}-{kpi}", max_chars=2000
)
if st.button("Save the note", key="note_save"):
    try:
        saved = resources.write(
            lambda con: submissions.edit_note(
                con, partner=partner, kpi=kpi, period=str(row["period"]), note=text, by=actor,
                today=resources.today(),
            )
        )  # fmt: skip
    except (submissions.SubmissionError, resources.DatabaseBusy, AccessDenied) as exc:
        st.error(ui.plain(str(exc)[:1].upper() + str(exc)[1:]), icon=":material/error:")
    else:
        st.success(f"Note saved as submission {saved.submission_id}; it awaits approval.", icon=":material/task_alt:")
