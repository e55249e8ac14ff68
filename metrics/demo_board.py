"""The demo's board history: two past meetings with reviews, decisions, actions and deadline extensions.

Recorded through the board's own writes (metrics/board.py) by a made-up board member, from the exception
list of each meeting's quarter, as a board would: an objective near its deadline and behind gets a year's
extension (a revision kept in history, docs/progress-rules.md 5), one off track gets an action, the rest are
noted. The names, comments and actions are illustrative, and the records say so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from metrics import board
from metrics.access import Actor, Role
from metrics.periods import Period, last_complete_quarter, parse_period

BY = Actor("Demo board member (illustrative)", Role.BOARD)
ATTENDEES = [
    "Chief Executive, Hinckley & Bosworth (chair)", "Director of Corporate Services, Blaby",
    "Director of Corporate Services, Melton", "Head of ICT Shared Service", "Performance and Partnership Lead",
]  # fmt: skip
NOTES = "Illustrative demonstration meeting: the attendees, comments, decisions and actions are made up."
ASSESSED_LATER = "Too early to say"
REVIEWS = 6  # objectives reviewed at each meeting, worst first
EXTENSIONS = (4, 1)  # deadlines extended at the first and the second meeting
CAUSES = [
    "after a supplier's delay", "to follow the replacement of the line-of-business system",
    "while vacancies in the team are filled", "to match the partners' new budget year", "after the board's review",
]  # fmt: skip
ACTIONS = [
    "Bring a recovery plan with monthly milestones to the next board",
    "Report the causes of the shortfall council by council",
    "Agree extra capacity with the heads of service concerned",
]


def install(con: duckdb.DuckDBPyConnection, *, today: date) -> list[str]:
    """Record the board's meetings on the two quarters before the last complete one; says what was recorded."""
    if con.execute("SELECT count(*) FROM core.board_meeting").fetchall()[0][0]:
        return ["Demo board history: meetings already recorded; none added."]
    last = last_complete_quarter(today)
    extended: set[str] = set()
    lines: list[str] = []
    first_actions: list[int] = []
    for n, quarter in enumerate((last.shift(-2), last.shift(-1))):
        held = _thursday_before(quarter.end + timedelta(days=75))
        meeting = board.record_meeting(
            con, held_on=held, period=quarter, attendees=ATTENDEES, by=BY, today=today, notes=NOTES
        )
        done = _reviews(con, meeting, quarter, held + timedelta(weeks=8 + 8 * n), EXTENSIONS[n], extended)
        first_actions = first_actions or done[2]
        lines.append(
            f"Demo board history: meeting of {held:%-d %B %Y} on {quarter}: {_count(done[0], 'review')}, "
            f"{_count(done[1], 'deadline')} extended, {_count(len(done[2]), 'action')} agreed (illustrative)."
        )
    for action_id in first_actions[:-1]:  # the first meeting's actions done, bar one left overdue
        board.complete_action(con, action_id, by=BY, note="Illustrative: reported done to the board.")
    return lines


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _thursday_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 3) % 7)


def _reviews(
    con: duckdb.DuckDBPyConnection, meeting: int, quarter: Period, due: date, extend: int, extended: set[str]
) -> tuple[int, int, list[int]]:
    """Review the quarter's exceptions, those to extend first, then worst first: (reviews, extensions, the
    actions agreed, due on `due`)."""
    flagged = board.exception_objectives(board.exceptions(con, quarter))
    flagged = flagged.sort_values(["off_track", "at_risk", "objective_code"], ascending=[False, False, True])
    plans = {str(c): _extension(con, str(c), quarter) for c in flagged["objective_code"] if str(c) not in extended}
    near = [c for c, r in plans.items() if r is not None][:extend]
    chosen = pd.concat([flagged[flagged["objective_code"].isin(near)], flagged[~flagged["objective_code"].isin(near)]])
    reviews, actions = 0, list[int]()
    for row in chosen.head(max(REVIEWS, len(near))).itertuples():
        code = str(row.objective_code)
        revision = plans[code] if code in near else None
        if revision is not None:
            why = CAUSES[len(extended) % len(CAUSES)]
            revision = replace(
                revision, reason=f"Illustrative: deadline extended by a year, to {revision.deadline}, {why}."
            )
            extended.add(code)
        action = board.ActionInput(ACTIONS[len(actions)], str(row.owner), due) if len(actions) < len(ACTIONS) else None
        if _review(con, meeting, row, revision, action) == "action agreed":
            actions.append(_newest_action(con, code))
        reviews += 1
    return reviews, len(near), actions


def _review(
    con: duckdb.DuckDBPyConnection,
    meeting: int,
    row: Any,
    revision: board.RevisionInput | None,
    action: board.ActionInput | None,
) -> str:
    """Record the board's review of one flagged objective: an extension, else an action if it is off track, else
    noted. Returns the decision."""
    code = str(row.objective_code)
    assessment = board.ASSESSMENTS[2] if row.off_track else board.ASSESSMENTS[1] if row.at_risk else ASSESSED_LATER
    if revision is not None:
        decision, action = "target revised", None
        comment = "the board accepted that the target cannot be met by the original date."
    elif row.off_track and action is not None:
        decision, comment = "action agreed", "the board asked for a plan to recover."
    else:
        decision, comment, action = "noted", "noted; the board will look again next quarter.", None
    board.record_review(
        con, meeting_id=meeting, objective=code, assessment=assessment, decision=decision, by=BY,
        comment=f"Illustrative: {comment}", action=action, revision=revision,
    )  # fmt: skip
    return decision


def _extension(con: duckdb.DuckDBPyConnection, code: str, quarter: Period) -> board.RevisionInput | None:
    """A year's extension of a quarterly objective whose deadline falls within a year of `quarter`, keeping its
    final target, when that target is one figure for every council (a revision sets one figure)."""
    rows = con.execute(
        "SELECT min(t.period), count(DISTINCT t.value), bool_or(k.frequency = 'annual') FROM core.target t "
        "JOIN core.objective o ON o.code = t.objective_code JOIN core.kpi k ON k.code = o.kpi_code "
        "WHERE t.objective_code = $o AND t.kind = 'final' AND t.superseded_at IS NULL",
        {"o": code},
    ).fetchall()
    deadline, values, annual = rows[0]
    if deadline is None or values != 1 or annual:
        return None
    due = parse_period(str(deadline))
    if not quarter.index <= due.index < quarter.index + 4:
        return None
    value = float(con.execute("SELECT any_value(value) FROM core.target WHERE objective_code = $o AND kind = "
                              "'final' AND superseded_at IS NULL", {"o": code}).fetchall()[0][0])  # fmt: skip
    return board.RevisionInput(
        value=value,
        applies_from=quarter.shift(1),
        deadline=due.shift(4),
        reason="",  # said by the review that agrees it
    )


def _newest_action(con: duckdb.DuckDBPyConnection, code: str) -> int:
    return int(
        con.execute("SELECT max(id) FROM core.board_action WHERE objective_code = $o", {"o": code}).fetchall()[0][0]
    )
