"""The strategy board: the reads behind its page and pack (the exception list, the decision list, meetings,
reviews, revisions and actions), and the one name pages and tests use for its records.

Its writes live in metrics/board_record.py (meetings, reviews, closing, actions) and metrics/board_targets.py
(target revisions), with the checks they share in metrics/board_checks.py; they are named here too, so that
`board.record_review` and `board.exceptions` read alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd

from metrics.board_checks import BoardError as BoardError
from metrics.board_checks import parse_day as parse_day
from metrics.board_record import ASSESSMENTS as ASSESSMENTS
from metrics.board_record import DECISIONS as DECISIONS
from metrics.board_record import RESULTS as RESULTS
from metrics.board_record import ActionInput as ActionInput
from metrics.board_record import complete_action as complete_action
from metrics.board_record import record_action as record_action
from metrics.board_record import record_meeting as record_meeting
from metrics.board_record import record_review as record_review
from metrics.board_targets import RevisionInput as RevisionInput
from metrics.board_targets import revise_target as revise_target
from metrics.periods import Period
from metrics.status import WORST_FIRST, Status
from metrics.store import read_sql, reads_progress

ACTION_STATES = ("open", "overdue", "done")


# --- reading -------------------------------------------------------------------------------------------


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pd.DataFrame:
    return con.execute(read_sql(name), params).df()


@reads_progress
def exceptions(
    con: duckdb.DuckDBPyConnection, period: Period, *, published: bool = True, everything: bool = False
) -> pd.DataFrame:
    """The exception list for a quarter: one row per objective and partner, with the objective's reasons and
    whether it needs the board's decision; `everything`: every objective, listed or not."""
    params = {
        "period": str(period),
        "year": period.fy_label,
        "quarter": period.quarter or 4,
        "idx": period.index,
        "published": published,
        "everything": everything,
    }
    return _frame(con, "board_exceptions", params)


def _worst(statuses: pd.Series) -> tuple[str, int, int]:
    """The worst status among an objective's partners, its place in WORST_FIRST, and how many partners have it."""
    found = [s for s in (Status.find(w) for w in statuses) if s is not None]
    if not found:
        return "", len(WORST_FIRST), 0
    worst = min(found, key=lambda s: s.rank)
    return worst.word, worst.rank, sum(s is worst for s in found)


def exception_objectives(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per objective, worst first: those needing a decision, then by their worst partner's status (more
    partners in it first), then in the framework's order; with reasons and each status's count."""
    columns = ["objective_code", "objective_title", "commitment_title", "owner", "reasons", "needs_decision", "worst",
               "worst_rank", "worst_count", "partners", "off_track", "at_risk", "overdue", "ended"]  # fmt: skip
    if frame.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for code, group in frame.groupby("objective_code", sort=False):
        first = group.iloc[0]
        worst, rank, count = _worst(group["status"])
        rows.append(
            {"objective_code": code, "objective_title": first["objective_title"],
             "commitment_title": first["commitment_title"], "owner": first["owner"],
             "reasons": "; ".join(first["reasons"]), "needs_decision": bool(first["needs_decision"]),
             "worst": worst, "worst_rank": rank, "worst_count": count, "partners": len(group),
             "off_track": int((group["status"] == Status.OFF_TRACK.word).sum()),
             "at_risk": int((group["status"] == Status.AT_RISK.word).sum()),
             "overdue": int((group["status"] == Status.OVERDUE.word).sum()), "ended": int(group["ended"].sum()),
             "order": (first["commitment_order"], first["objective_order"])}
        )  # fmt: skip
    out = pd.DataFrame(rows)
    out["_first"] = ~out["needs_decision"]
    out["_more"] = -out["worst_count"]
    out = out.sort_values(["_first", "worst_rank", "_more", "order"], kind="stable")
    return out[columns].reset_index(drop=True)


def meetings(con: duckdb.DuckDBPyConnection, period: Period | None = None) -> pd.DataFrame:
    """The board's meetings, newest first (optionally those that reviewed one quarter)."""
    return _frame(con, "board_meetings", {"period": None if period is None else str(period)})


def reviews(con: duckdb.DuckDBPyConnection, objective: str | None = None, upto: Period | None = None) -> pd.DataFrame:
    """The board's reviews, newest first, with their meeting and the actions they agreed."""
    return _frame(con, "board_reviews", {"objective": objective, "upto": None if upto is None else upto.index})


def actions(
    con: duckdb.DuckDBPyConnection,
    today: date,
    *,
    states: list[str] | None = None,
    owner: str | None = None,
    objective: str | None = None,
) -> pd.DataFrame:
    """Actions with their state on `today` (open, overdue or done), overdue first; optionally filtered."""
    return _frame(
        con, "board_actions", {"today": today, "states": states or None, "owner": owner, "objective": objective}
    )


def revisions(con: duckdb.DuckDBPyConnection, objective: str | None = None) -> pd.DataFrame:
    """Target revisions, newest first, each with the target it replaced from its quarter on."""
    return _frame(con, "board_revisions", {"objective": objective})


@reads_progress
def series(
    con: duckdb.DuckDBPyConnection, objectives: list[str], period: Period, quarters: int = 8, *, published: bool = True
) -> pd.DataFrame:
    """The progress of `objectives` per partner over the `quarters` quarters to `period` (for charts)."""
    params = {"objectives": objectives, "first": period.index - quarters + 1, "last": period.index}
    return _frame(con, "board_series", params | {"published": published})
