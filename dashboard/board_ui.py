"""Pieces of the Board review and Actions pages: the meeting, the review form beside its objective and the
confirmation that replaces it, the pack downloads.

Every write goes through `metrics.board` (checked, one transaction, who and when); this module only turns
widgets into its inputs and its errors into words on the page.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from dashboard import auth, components, resources
from metrics import board, boardpack
from metrics.access import AccessDenied
from metrics.periods import Period, parse_period

DATE_HELP = "Day/month/year, e.g. 18/11/2025"
FLASH = "board_flash-"  # the session key of what the last write at a place recorded (`save`, `flash`)
REVIEWING = "board_reviewing"  # the session key of the objective whose review form is open


def save(action: Callable[[Any], Any], success: str, where: str) -> None:
    """Run a write. On success, rerun the page (so everything on it shows the new record) and say what was
    recorded at `where` (see `flash`); otherwise say plainly what went wrong: nothing was written."""
    try:
        resources.write(action)
    except (board.BoardError, resources.DatabaseBusy, AccessDenied) as exc:
        st.error(f"{components.plain(exc)} Nothing was recorded.", icon=":material/error:")  # it may quote an entry
        return
    st.session_state[f"{FLASH}{where}"] = success
    # Empty the form just used, so that its entries are not carried into the next objective's review.
    for key in [k for k in st.session_state if str(k).startswith(f"{where}_")]:
        del st.session_state[key]
    st.rerun()


def flash(where: str) -> None:
    """What the last write made at `where` recorded, said once."""
    message = st.session_state.pop(f"{FLASH}{where}", None)
    if message:
        st.success(components.plain(message), icon=":material/task_alt:")


def meeting(period: Period, today: date) -> int | None:
    """Choose this quarter's meeting, or record it (a folded form, so the page opens with what needs a decision);
    the id of the chosen meeting, if there is one."""
    flash("meeting")
    meetings = resources.cached(board.meetings, period)
    chosen = None
    if meetings.empty:
        st.markdown(
            f"No meeting has been recorded for the {period} review yet: record it here before the board's reviews."
        )
    else:
        labels = {components.whole(m.id): f"{m.held_on:%-d %B %Y} ({m.attendees!s})" for m in meetings.itertuples()}
        chosen = st.selectbox("Meeting", list(labels), format_func=labels.__getitem__, key=f"meeting-{period}")
    expander = st.expander("Record another meeting" if chosen else "Record the meeting")
    with expander, st.form("meeting_form"):
        held_on = st.text_input("Date of the meeting", value=f"{today:%d/%m/%Y}", help=DATE_HELP, key="meeting_date")
        attendees = st.text_area("Who attended", help="One name a line, or separated by commas", key="meeting_who")
        notes = st.text_area("Notes (optional)", key="meeting_notes")
        submitted = st.form_submit_button("Record the meeting")
    if submitted:
        # The newest meeting comes first in the list, so the page chooses it after the rerun.
        st.session_state.pop(f"meeting-{period}", None)
        save(
            lambda con: board.record_meeting(
                con, held_on=held_on, period=period, attendees=attendees, by=auth.signed_in(), today=today, notes=notes
            ),
            f"Meeting recorded for the {period} review.",
            "meeting",
        )
    return chosen


def _number(text: str) -> float:
    cleaned = text.replace(",", "").replace("£", "").replace("%", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        raise board.BoardError(f"The new target '{text}' is not a number.") from None


def _entries(code: str) -> str:
    """The prefix of the keys of one objective's review form, so each objective's form keeps its own entries."""
    return f"review-{code}"


def start_review(code: str) -> None:
    """Open the review form of `code` (one form at a time); the confirmations of earlier reviews are done with."""
    for key in [k for k in st.session_state if str(k).startswith(f"{FLASH}review-")]:
        del st.session_state[key]
    st.session_state[REVIEWING] = code


def _stop_review() -> None:
    st.session_state.pop(REVIEWING, None)


def review_area(code: str, meeting_id: int | None, period: Period, partners: list[str]) -> None:
    """Beside an objective: the confirmation of the review just recorded (in place of the form), or the open
    review form, or the button that opens it."""
    done = st.session_state.get(f"{FLASH}{_entries(code)}")
    if done:
        st.success(components.plain(done), icon=":material/task_alt:")
        st.button(f"Record another review of {code}", key=f"again-{code}", on_click=start_review, args=(code,))
    elif st.session_state.get(REVIEWING) == code:
        review_form(code, meeting_id, period, partners)
        st.button("Close the form", key=f"close-{code}", on_click=_stop_review)
    else:
        st.button(f"Review {code}", key=f"choose-{code}", on_click=start_review, args=(code,))


def confirmations_elsewhere(listed: set[str]) -> None:
    """The confirmation of a review whose objective is no longer listed (closed, withdrawn, or filtered out)."""
    for key in [k for k in st.session_state if str(k).startswith(f"{FLASH}review-")]:
        if str(key).removeprefix(f"{FLASH}review-") not in listed:
            st.success(f"{components.plain(st.session_state[key])} It is no longer in this list.",
                       icon=":material/task_alt:")  # fmt: skip


def _said(code: str, assessment: str | None, decision: str | None, result: str | None) -> str:
    """What a recorded review says, for its confirmation."""
    ends = {"withdrawn": f"{code} is withdrawn: it leaves the progress pages."}.get(
        result or "", f"{code} is closed as {result}: where it shows a result, the board's decision stands."
    )
    return (
        f"The board's review of {code} is recorded: {decision}, assessed {assessment}. "
        + (ends + " " if result else "")
        + "It is now first in the board's record."
    )


def review_form(code: str, meeting_id: int | None, period: Period, partners: list[str]) -> None:
    """The board's record for one objective: assessment, decision, comment, action, target revision, closing."""
    quarters = [str(period.shift(i)) for i in range(0, 5)]
    key = _entries(code)
    with st.form(f"review_form-{code}"):
        st.markdown(f"**Record the board's review of {code}**")
        left, middle, right = st.columns(3)
        assessment = left.selectbox("The board's assessment", board.ASSESSMENTS, index=None, key=f"{key}_assessment")
        decision = middle.selectbox("Decision", board.DECISIONS, index=None, key=f"{key}_decision")
        result = right.selectbox("How it ends (for the decision closed)", board.RESULTS, index=None,
                                 key=f"{key}_result")  # fmt: skip
        comment = st.text_area("Comment", key=f"{key}_comment")
        st.markdown("**Action agreed** (for the decision *action agreed*)")
        a1, a2, a3 = st.columns([3, 2, 1])
        action_text = a1.text_input("What is to be done", key=f"{key}_action")
        owner = a2.text_input("Action owner", key=f"{key}_owner")
        due = a3.text_input("Due date", key=f"{key}_due", help=DATE_HELP)
        st.markdown("**Target revision** (for the decision *target revised*; the original target is kept)")
        r1, r2, r3 = st.columns([1, 1, 2])
        new_target = r1.text_input("New final target", key=f"{key}_target")
        applies_from = r2.selectbox("Applies from", quarters, index=1, key=f"{key}_from")
        chosen = r3.multiselect("For", partners, default=partners, key=f"{key}_partners")
        reason = st.text_area("Reason for the revision", key=f"{key}_reason")
        submitted = st.form_submit_button("Record the review", type="primary")
    if not submitted:
        return
    if meeting_id is None:
        st.error("Record the meeting first (at the top of the page): every review belongs to a meeting.",
                 icon=":material/error:")  # fmt: skip
        return

    def write(con: Any) -> int:
        wanted = any(t.strip() for t in (action_text, owner, due))
        action = board.ActionInput(action_text or comment, owner, board.parse_day(due)) if wanted else None
        revision = (
            board.RevisionInput(_number(new_target), parse_period(applies_from), reason, tuple(chosen))
            if new_target.strip() or reason.strip()
            else None
        )
        return board.record_review(
            con, meeting_id=meeting_id, objective=code, assessment=assessment or "", decision=decision or "",
            comment=comment, by=auth.signed_in(), action=action, revision=revision, result=result,
        )  # fmt: skip

    save(write, _said(code, assessment, decision, result), key)


def pack_downloads(period: Period) -> None:
    """The board pack (PDF) and its tables (XLSX, CSV), each built only when asked for."""
    today, path = resources.today(), resources.db_path()  # the callbacks run after the page, outside its session

    def gather() -> boardpack.Pack:
        return resources.read(lambda con: boardpack.gather(con, period, today), path)

    def csv_zip() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
            for name, data in boardpack.csv_files(gather()).items():
                zipped.writestr(name, data)
        return out.getvalue()

    stem = boardpack.file_stem(period)
    left, middle, right = st.columns(3)
    left.download_button(
        "Board pack (PDF)", data=lambda: boardpack.pdf_bytes(gather()), file_name=f"{stem}.pdf",
        mime="application/pdf", icon=":material/picture_as_pdf:", key="pack_pdf",
    )  # fmt: skip
    middle.download_button(
        "Its tables (XLSX)", data=lambda: boardpack.xlsx_bytes(gather()), file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/table:",
        key="pack_xlsx",
    )  # fmt: skip
    right.download_button(
        "Its tables (CSV, zipped)", data=csv_zip, file_name=f"{stem}-csv.zip", mime="application/zip",
        icon=":material/folder_zip:", key="pack_csv",
    )  # fmt: skip
