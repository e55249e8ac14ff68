"""Admin: people and roles, the framework file, objectives' fields, tolerances and targets, the audit trail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, resources
from dashboard import components as ui
from metrics import accounts, admin, board, exports, queries
from metrics.access import AccessDenied
from metrics.framework import FrameworkError, parse_framework
from metrics.loader import load_framework
from metrics.submissions import sha256

actor = auth.signed_in()
st.title("Administration")
st.caption("Every change here is checked, kept in history and recorded in the audit trail with who and when.")
if done := st.session_state.pop("admin_message", None):
    st.success(ui.plain(done), icon=":material/task_alt:")
FAILURES = (accounts.AccountError, admin.AdminError, AccessDenied, resources.DatabaseBusy, FrameworkError)


def save(action, message: str) -> None:  # type: ignore[no-untyped-def]
    try:
        resources.write(action)
    except FAILURES as exc:
        st.error(ui.plain(str(exc)[:1].upper() + str(exc)[1:]), icon=":material/error:")
    else:
        st.session_state["admin_message"] = message
        st.rerun()


users, framework, objectives, trail = st.tabs(["People and roles", "Framework file", "Objectives", "Audit trail"])

with users:
    people = resources.read(accounts.list_accounts)
    st.dataframe(
        pd.DataFrame(
            [{"E-mail": a.email, "Name": a.name, "Role": a.role.value, "Councils": ", ".join(a.partners),
              "Signs in with": "password" if a.local else "Microsoft 365", "Active": not a.disabled} for a in people]
        ),
        hide_index=True,
    )  # fmt: skip
    partners = resources.cached(queries.partners)["code"].tolist()
    with st.form("user_form", clear_on_submit=True):
        st.markdown("**Add a person, or change one's role or councils**")
        email = st.text_input("E-mail")
        name = st.text_input("Name")
        role = st.selectbox("Role", ["viewer", "officer", "board", "admin"])
        councils = st.multiselect("Councils (officers)", partners)
        password = st.text_input("Password (blank: Microsoft 365 sign-in, or keep the current one)", type="password")
        added = st.form_submit_button("Save the person")
    if added:
        save(lambda con: accounts.add_user(con, actor, email=email, role=role, partners=councils,
                                           password=password or None, name=name),
             f"{email.strip().lower()} saved as {role}.")  # fmt: skip
    if people:
        left, right = st.columns([3, 1])
        who = left.selectbox("Person", [a.email for a in people], key="admin_disable_who")
        chosen = next(a for a in people if a.email == who)
        verb = "Allow to sign in again" if chosen.disabled else "Stop from signing in"
        if right.button(verb, key="admin_disable"):
            save(lambda con: accounts.set_disabled(con, actor, who, not chosen.disabled),
                 f"{who} {'enabled' if chosen.disabled else 'disabled'}.")  # fmt: skip

with framework:
    st.markdown("Load a framework file (YAML, as described in `data/demo/framework.yaml`). Only what changed is "
                "written; changed targets keep the originals in history.")  # fmt: skip
    uploaded = st.file_uploader("Framework file", type=["yaml", "yml"], key="admin_framework")
    if uploaded is not None:
        text = uploaded.getvalue().decode("utf-8-sig", errors="replace")
        try:
            fw = parse_framework(text, uploaded.name)
        except FrameworkError as exc:
            n = len(exc.problems)
            st.error(f"{ui.plain(uploaded.name)} was not loaded: {n} {'problem' if n == 1 else 'problems'} to fix.",
                     icon=":material/error:")  # fmt: skip
            st.dataframe(pd.DataFrame([{"Line": p.line, "Where": p.place, "Problem": p.message} for p in exc.problems]),
                         hide_index=True)  # fmt: skip
        else:
            st.markdown(f"**{ui.plain(fw.partnership.name)}**: {len(fw.partners)} partners, {len(fw.kpis)} KPIs, "
                        f"{len(fw.objectives)} objectives.")  # fmt: skip
            if st.button("Load this framework", type="primary"):
                save(lambda con: load_framework(con, fw, by=actor, sha256=sha256(uploaded.getvalue())),
                     f"{uploaded.name} loaded.")  # fmt: skip

with objectives:
    table = resources.cached(queries.objectives)
    code = st.selectbox("Objective", table["code"].tolist(), key="admin_objective",
                        format_func=dict(zip(table["code"], table["code"] + " · " + table["title"],
                                             strict=True)).__getitem__)  # fmt: skip
    row = table.set_index("code").loc[code]
    with st.form("objective_form"):
        title = st.text_input("Title", value=str(row["title"]))
        owner = st.text_input("Owner (a job title)", value=str(row["owner"]))
        statuses = ["draft", "active", "achieved", "missed", "withdrawn"]
        status = st.selectbox("Status", statuses, index=statuses.index(str(row["status"])))
        t1, t2 = st.columns(2)
        kinds = {"percent": "a % of the target", "absolute": "an amount"}
        kind = t1.selectbox("Tolerance is", list(kinds), index=list(kinds).index(str(row["tolerance_kind"])),
                            format_func=kinds.__getitem__)  # fmt: skip
        amount = t2.number_input("Tolerance", value=float(row["tolerance_amount"]), min_value=0.0)
        set_by = st.text_input("Tolerance agreed by", value=str(row["tolerance_set_by"]))
        agreed = row["tolerance_set_on"]
        set_on_text = st.text_input(
            "Agreed on (day/month/year)", value=f"{agreed:%d/%m/%Y}" if pd.notna(agreed) else ""
        )
        reason = st.text_input("Why is it changed?")
        edited = st.form_submit_button("Save the objective")
    if edited:
        try:
            set_on = board.parse_day(set_on_text) if set_on_text.strip() else None
        except board.BoardError as exc:
            st.error(ui.plain(exc), icon=":material/error:")
            st.stop()
        change = admin.ObjectiveEdit(title, owner, status, kind, amount, set_by, set_on)
        save(lambda con: admin.edit_objective(con, actor, code, change, reason), f"{code} saved.")
    targets = resources.cached(queries.objective_targets, code)
    live = targets[targets["in_force"] & targets["kind"].isin(["baseline", "final"])]
    st.dataframe(live[["partner_code", "kind", "period", "value", "recorded_by", "reason"]], hide_index=True)
    with st.form("target_form"):
        st.markdown("**Correct a baseline or final target** (a board revision from a later quarter is made on the "
                    "Board review page)")  # fmt: skip
        c1, c2, c3, c4 = st.columns(4)
        partner = c1.selectbox("Council", sorted(live["partner_code"].unique()))
        which = c2.selectbox("Which", ["final", "baseline"])
        period = c3.text_input("Period", value=str(row["deadline_period"]))
        value = c4.number_input("Value", value=0.0, format="%.2f")
        why = st.text_input("Why is it corrected?")
        corrected = st.form_submit_button("Correct the target")
    if corrected:
        save(lambda con: admin.correct_target(con, actor, objective=code, partner=partner, kind=which, period=period,
                                              value=value, reason=why),
             f"{code}: the {which} target for {partner} is corrected; the old one is kept in history.")  # fmt: skip

with trail:
    everything = resources.cached(queries.audit_trail)
    f1, f2, f3 = st.columns(3)
    who = f1.selectbox("Person", ["everyone", *sorted(everything["actor"].unique())], key="audit_actor")
    what = f2.selectbox("Action", ["every action", *sorted(everything["action"].unique())], key="audit_action")
    kind_ = f3.selectbox("Record", ["every record", *sorted(everything["entity"].unique())], key="audit_entity")
    shown = everything[
        ((everything["actor"] == who) | (who == "everyone"))
        & ((everything["action"] == what) | (what == "every action"))
        & ((everything["entity"] == kind_) | (kind_ == "every record"))
    ]
    st.markdown(f"{len(shown)} of {len(everything)} recorded changes.")
    st.dataframe(shown, hide_index=True, column_config={"recorded_at": st.column_config.DatetimeColumn("When")})
    st.download_button("Download the audit trail (CSV)", data=exports.csv_bytes(shown), file_name="charter-audit.csv",
                       mime="text/csv", icon=":material/download:")  # fmt: skip
