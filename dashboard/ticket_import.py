"""The ICT service desk page's import form: upload an export, map what it calls councils and columns, import.

Each step stops the page (`st.stop`) where the officer has something to do, as the Upload page does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import auth, resources
from dashboard import components as ui
from metrics import tickets
from metrics.access import AccessDenied, Actor, Role

FROM_FILE, NO_COLUMN, LEAVE_OUT = "From the file's partner column", "(no column)", "(leave those rows out)"


def remember(store_key: str, item: str, widget: str) -> None:
    """Keep a mapping once chosen: its widget is not drawn again once the file reads without it."""
    st.session_state.setdefault(store_key, {})[item] = st.session_state[widget]


def form(partners: pd.DataFrame) -> None:
    """The whole form: what the export is, the checks, the mappings and the import button."""
    st.markdown(
        "A CSV or XLSX export in the canonical format or ServiceNow's incident list export; other tools' columns can "
        "be mapped once and the mapping is saved. Tickets already held are updated (the latest export wins), and the "
        "KPI figures of each quarter the export covers are submitted for the performance lead to approve."
    )
    names = dict(zip(partners["code"], partners["name"], strict=True))
    current = partners[partners["current"]]["code"].tolist()
    actor = auth.signed_in()
    if actor.role is Role.OFFICER:  # an officer imports for their own council(s) only
        current = [c for c in current if c in actor.partners]
    choice = st.selectbox("Council", [FROM_FILE, *current], key="ict_partner", format_func=lambda c: names.get(c, c))
    skip = st.checkbox("Leave out bad rows (what is left out is recorded)", key="ict_skip")
    missing = st.text_input("Blank cells are written as", key="ict_missing", help="ServiceNow's event log writes ?")
    attempt = st.session_state.setdefault("ict_attempt", 0)
    uploaded = st.file_uploader(
        "Ticket export (CSV or XLSX)", type=["csv", "xlsx"], key=f"ict-upload-{attempt}",
        max_upload_size=resources.partnership_settings().max_upload_mb,
    )  # fmt: skip
    if uploaded is None:
        st.stop()
    options = _options(None if choice == FROM_FILE else choice, missing.strip() or None)
    with tempfile.TemporaryDirectory(prefix="charter-ict-") as folder:
        path = Path(folder) / Path(uploaded.name).name
        path.write_bytes(uploaded.getvalue())
        found = _check(path, uploaded.name, options)
        _show(found, current)
        blocked = (bool(found.bad) and not skip) or (bool(found.blank_markers) and options.missing is None)
        if st.button("Import these tickets", type="primary", disabled=blocked, icon=":material/upload:"):
            _import(path, uploaded.name, options, actor, skip, attempt)


def _options(partner: str | None, missing: str | None) -> tickets.Options:
    """The mappings chosen so far on this page (kept in the session until the export is imported)."""
    chosen: dict[str, Any] = dict(st.session_state.get("ict_columns", {}))
    source = str(chosen.pop("source", "")).strip() or None
    columns = {f: h for f, h in chosen.items() if h != NO_COLUMN}
    mapped = {v: c for v, c in st.session_state.get("ict_mapped", {}).items() if c != LEAVE_OUT}
    options = tickets.Options(
        partner=partner, source=source, columns=columns, partner_map={} if partner else mapped, missing=missing
    )
    read_as = [f"column “{h}” as {f}" for f, h in columns.items()]
    read_as += [f"“{v}” as {c}" for v, c in options.partner_map.items()]
    if read_as:
        st.caption(ui.plain(f"Reading {'; '.join(read_as)} (saved when the export is imported)."))  # the file's headers
    return options


def _check(path: Path, name: str, options: tickets.Options) -> tickets.Check:
    """Check the export; where its columns are not known, ask which column holds each field."""
    try:
        return resources.read(lambda con: tickets.check(con, path, name, options))
    except tickets.MissingColumns as exc:
        st.error(ui.plain(exc), icon=":material/view_column:")
        st.markdown("Say which column holds each field; the mapping is saved under the source's name.")
        st.text_input(
            "Source (the tool the export comes from)", key="ict_source",
            on_change=remember, args=("ict_columns", "source", "ict_source"),
        )  # fmt: skip
        for fld in tickets.FIELDS:
            st.selectbox(
                fld, [NO_COLUMN, *exc.headers], key=f"ict_col_{fld}",
                on_change=remember, args=("ict_columns", fld, f"ict_col_{fld}"),
            )  # fmt: skip
    except tickets.TicketError as exc:
        st.error(ui.plain(exc), icon=":material/error:")
    st.stop()


def _show(found: tickets.Check, current: list[str]) -> None:
    """What the export holds, the councils it names that are not known, and its bad rows by reason."""
    st.markdown(
        f"**{ui.plain(found.file)}**: {ui.plain(found.layout.format)} export · {found.rows_read:,} rows · "
        f"{found.good:,} {'ticket' if found.good == 1 else 'tickets'} can be imported · {found.bad_total:,} bad rows"
    )
    for value, rows in found.unknown_partners:
        st.selectbox(
            f"Which council is “{ui.plain(value)}”? ({rows:,} rows)", [LEAVE_OUT, *current], key=f"ict_map_{value}",
            on_change=remember, args=("ict_mapped", value, f"ict_map_{value}"),
        )  # fmt: skip
    if found.fold_line():
        st.caption(found.fold_line())  # an event log: each ticket's latest update
    for text, rows in found.blank_markers:
        st.warning(f"`{text.replace('`', '')}` stands for a blank in {rows:,} rows: if it marks a blank cell, write "
                   "it under “Blank cells are written as”.", icon=":material/help:")  # fmt: skip
    if found.bad:
        st.warning(
            f"{found.bad_total:,} rows cannot be used. Correct them and send the file again, or tick "
            "“Leave out bad rows” to import the rest (the rows left out are recorded).",
            icon=":material/warning:",
        )
        st.dataframe(
            pd.DataFrame([{"Reason": b.reason, "Rows": b.rows, "First rows": ", ".join(map(str, b.first_rows)),
                           "Example": b.examples[0]} for b in found.bad]),
            hide_index=True,
        )  # fmt: skip


def _import(path: Path, name: str, options: tickets.Options, officer: Actor, skip: bool, attempt: int) -> None:
    """Import, then start the form afresh with the outcome said at the top of the page."""
    try:
        result = resources.write(
            lambda con: tickets.import_export(
                con, path, name, by=officer, today=resources.today(), options=options, skip_bad_rows=skip
            )
        )
    except (tickets.TicketError, resources.StoreError, AccessDenied) as exc:
        st.error(f"Not imported: {ui.plain(exc)}", icon=":material/error:")
        st.stop()
    st.session_state["ict_attempt"] = attempt + 1
    for done_with in ("ict_columns", "ict_mapped"):
        st.session_state.pop(done_with, None)
    st.session_state["ict_message"] = result.message()
    st.rerun()
