"""Where notices come from (docs/reminders.md): one function per source, each listed once in SOURCES.

A source reads the database as of `ctx.today` and returns its notices, each addressed to the active accounts whose
role and councils it concerns. A new source is one function here and one line in SOURCES: metrics/remind.py,
the "My notices" page and the record of what was sent need nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from metrics import board, queries
from metrics.access import Role
from metrics.accounts import Account
from metrics.notices import Kind, Notice, Part, RemindSettings
from metrics.periods import Period, last_complete_quarter, parse_period
from metrics.status import Status
from metrics.store import read_sql


@dataclass(frozen=True)
class Context:
    """What every source needs: today, the settings, the partnership's due days and the active accounts."""

    today: date
    settings: RemindSettings
    due_days: int
    people: tuple[Account, ...]

    def with_role(self, *roles: Role) -> tuple[str, ...]:
        return tuple(a.email for a in self.people if a.role in roles)

    def officers(self, partner: str) -> tuple[str, ...]:
        return tuple(a.email for a in self.people if a.role is Role.OFFICER and partner in a.partners)

    def owners(self, owner: str) -> tuple[Account, ...]:
        """The accounts an action's owner names: by e-mail, or by the name on the account."""
        wanted = owner.strip().lower()
        return tuple(a for a in self.people if wanted in (a.email, a.name.strip().lower()) and wanted)


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- figures due, overdue, and escalated --------------------------------------------------------------------


@dataclass(frozen=True)
class _Owed:
    quarter: Period
    due: date
    partners: dict[str, tuple[str, tuple[str, ...]]]  # code -> (name, the figures still owed)


def _owed(con: duckdb.DuckDBPyConnection, ctx: Context) -> _Owed:
    """What each partner still owes for the last complete quarter, as the Data collection page shows it."""
    quarter = last_complete_quarter(ctx.today)
    grid = queries.collection(con, quarter, ctx.today, ctx.due_days)
    owed = grid[grid["state"].isin(["missing", "overdue"])]
    partners: dict[str, tuple[str, tuple[str, ...]]] = {}
    for code, group in owed.groupby("partner_code", sort=False):
        items = tuple(
            f"{r.kpi_code} {r.kpi_name}" + ("" if r.period == str(quarter) else f" ({r.period})")
            for r in group.itertuples()
        )
        partners[str(code)] = (str(group["partner_name"].iloc[0]), items)
    return _Owed(quarter, quarter.due(ctx.due_days), partners)


def _no_officer(code: str) -> str:
    add = f"charter user add EMAIL --role officer --partner {code}"
    return f"no active officer account for {code}: add one with `{add}`"


def _figure_links(ctx: Context, quarter: Period, code: str) -> tuple[tuple[str, str], ...]:
    return (
        ("Upload figures", ctx.settings.url("upload", quarter=quarter, partner=code)),
        ("Data collection", ctx.settings.url("collection", quarter=quarter, partner=code)),
    )


def figures_due(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Notice]:
    """Figures not yet received, due within `due_in_days`: to the council's officers."""
    owed = _owed(con, ctx)
    days = (owed.due - ctx.today).days
    if not 0 <= days <= ctx.settings.due_in_days:
        return []
    when = "today" if days == 0 else f"in {_plural(days, 'day')}"
    return [
        Notice(
            "figures_due",
            f"figures-due:{code}:{owed.quarter}",
            f"{name}: {_plural(len(items), 'figure')} for {owed.quarter} due {when} ({_day(owed.due)})",
            (Part(f"These figures for {owed.quarter} have not been received yet:", items),),
            _figure_links(ctx, owed.quarter, code),
            ctx.officers(code),
            _no_officer(code),
        )
        for code, (name, items) in owed.partners.items()
    ]


def figures_overdue(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Notice]:
    """Figures past their due date: to the council's officers."""
    owed = _owed(con, ctx)
    if ctx.today <= owed.due:
        return []
    return [
        Notice(
            "figures_overdue",
            f"figures-overdue:{code}:{owed.quarter}",
            f"{name}: {_plural(len(items), 'figure')} for {owed.quarter} past the due date ({_day(owed.due)})",
            (Part(f"{Status.OVERDUE.said}: these figures for {owed.quarter} were due by {_day(owed.due)}:", items),),
            _figure_links(ctx, owed.quarter, code),
            ctx.officers(code),
            _no_officer(code),
        )
        for code, (name, items) in owed.partners.items()
    ]


def figures_escalated(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Notice]:
    """Figures still missing `escalate_after_days` after the due date: to the performance lead (admins)."""
    owed = _owed(con, ctx)
    late = (ctx.today - owed.due).days
    if ctx.today <= owed.due or late < ctx.settings.escalate_after_days:
        return []
    notices = []
    for code, (name, items) in owed.partners.items():
        officers = ctx.officers(code)
        told = f"its officers were told ({', '.join(officers)})" if officers else "it has no active officer account"
        notices.append(
            Notice(
                "figures_escalated",
                f"figures-escalated:{code}:{owed.quarter}",
                f"{name}: {_plural(len(items), 'figure')} for {owed.quarter} still missing, "
                f"{_plural(late, 'day')} after the due date",
                (Part(f"Due by {_day(owed.due)}; {told}. Still missing:", items),),
                (("Data collection", ctx.settings.url("collection", quarter=owed.quarter, partner=code)),),
                ctx.with_role(Role.ADMIN),
                "no active admin account (the partnership's performance lead)",
            )
        )
    return notices


# --- submissions returned or approved -----------------------------------------------------------------------


def _first_quarter(periods: list[str]) -> str | None:
    quarters = [p for p in periods if parse_period(p).quarter]
    return quarters[0] if quarters else None


def submissions_reviewed(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Notice]:
    """A submission returned (with the reason) or approved in the last `review_days`: to the person who sent it."""
    since = ctx.today - timedelta(days=ctx.settings.review_days)
    active = {a.email for a in ctx.people}
    rows = con.execute(read_sql("notice_reviews"), {"since": since}).fetchall()
    notices = []
    for sid, file_name, status, sender, by, at, reason, partners, periods in rows:
        if sender not in active:  # sent from the command line, or by someone who may no longer use Charter
            continue
        what = f"{', '.join(partners)} · {', '.join(periods)} · {file_name}"
        if status == "returned":
            parts = (Part(f"Returned by {by} on {_day(at)} with this reason:", (reason,)), Part(what))
            link = ("Upload figures", ctx.settings.url("upload", quarter=_first_quarter(list(periods)),
                                                       partner=partners[0] if partners else None))  # fmt: skip
            title = f"Submission {sid} returned: {reason}"
        else:
            parts = (Part(f"Approved by {by} on {_day(at)}: its figures are now published."), Part(what))
            link = ("Submission history", ctx.settings.url("history", submission=sid))
            title = f"Submission {sid} approved ({file_name})"
        notices.append(Notice("submission_reviewed", f"submission-{status}:{sid}", title, parts, (link,), (sender,)))
    return notices


# --- board actions and the board's digest -------------------------------------------------------------------


def board_actions(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Notice]:
    """Open board actions due within `due_in_days`, or overdue: to their owners."""
    until = ctx.today + timedelta(days=ctx.settings.due_in_days)
    rows = con.execute(read_sql("notice_actions"), {"today": ctx.today, "until": until}).fetchall()
    notices = []
    for aid, code, title, description, owner, due_on, overdue in rows:
        owners = ctx.owners(owner)
        # The Actions page is the board's; an owner without it deals with the action from the objective's page.
        board_side = owners and all(a.role in (Role.BOARD, Role.ADMIN) for a in owners)
        link = ("Actions", ctx.settings.url("actions")) if board_side else (
            "Objective", ctx.settings.url("objective", objective=code))  # fmt: skip
        when = f"past its due date ({_day(due_on)})" if overdue else f"due by {_day(due_on)}"
        notices.append(
            Notice(
                "board_actions",
                f"action-{'overdue' if overdue else 'due'}:{aid}",
                f"Action {aid} {when}: {description}",
                (Part(f"On {code} {title}."), Part(f"Owner: {owner}.")),
                (link,),
                tuple(a.email for a in owners),
                f"no active account has the e-mail or name of its owner, '{owner}'",
            )
        )
    return notices


def _reviewed(period: str | None, held_on: date, due_days: int) -> Period:
    """The quarter a meeting reviews: as planned, else the latest whose figures were due before it."""
    if period:
        return parse_period(period)
    quarter = last_complete_quarter(held_on)
    return quarter if quarter.due(due_days) < held_on else quarter.previous()


def _digest(con: duckdb.DuckDBPyConnection, quarter: Period) -> tuple[Part, ...]:
    changes = queries.status_changes(con, quarter)
    worded = {s.word: s.said for s in Status}

    def said(word: object) -> str:
        return worded.get(str(word), str(word))

    moved = [
        f"{r.objective_code} {r.objective_title}, {r.partner_code}: {said(r.was)} to {said(r.now)} ({r.movement})"
        for r in changes.itertuples()
    ]
    frame = board.exceptions(con, quarter)
    wanted = {str(r.objective_code) for r in frame.itertuples() if _needs_decision(r)}
    flagged = board.exception_objectives(frame[frame["objective_code"].isin(wanted)])
    decide = [f"{r.objective_code} {r.objective_title}: {r.reasons}" for r in flagged.itertuples()]
    return (
        Part(f"What changed status in {quarter} (approved figures, against {quarter.previous()}): {len(moved)}.",
             tuple(moved)),
        Part(f"What needs a decision (off track, at risk two quarters running, or ended without one): {len(decide)}.",
             tuple(decide)),
    )  # fmt: skip


def _needs_decision(row: Any) -> bool:
    """Off track, at risk in this quarter and the one before, or ended Missed or Not assessed with no decision."""
    recent = list(row.recent_statuses) if row.recent_statuses is not None else []
    twice = recent[-2:] == [Status.AT_RISK.word] * 2
    return bool(row.any_off_track or row.any_missed or row.any_not_assessed or twice)


def board_digest(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Notice]:
    """Before each planned board meeting (`digest_days_before`): what changed status, what needs a decision."""
    until = ctx.today + timedelta(days=ctx.settings.digest_days_before)
    notices = []
    for held_on, period in con.execute(read_sql("notice_meetings"), {"today": ctx.today, "until": until}).fetchall():
        quarter = _reviewed(period, held_on, ctx.due_days)
        notices.append(
            Notice(
                "board_digest",
                f"digest:{held_on}",
                f"Board meeting on {_day(held_on)}: the {quarter} digest",
                _digest(con, quarter),
                (("Board review", ctx.settings.url("board", quarter=quarter)),),
                ctx.with_role(Role.BOARD, Role.ADMIN),
                "no active board or admin account",
            )
        )
    return notices


# --- the list -----------------------------------------------------------------------------------------------

Gather = Callable[[duckdb.DuckDBPyConnection, Context], list[Notice]]
ANYONE = frozenset(Role)


# --- the partnership's business: contract notice dates, risk reviews past due ---------------------------------


def contract_notices(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Notice]:
    """Contracts whose notice must be given within the next 12 months: to the board and admins."""
    rows = con.execute(read_sql("notice_contracts"), {"today": ctx.today}).fetchall()
    to = ctx.with_role(Role.BOARD, Role.ADMIN)
    return [
        Notice(
            "contract_notices",
            f"contract-notice:{code}:{notice_on}",
            f"Notice on {system} ({partner}) must be given by {_day(notice_on)}",
            (Part(f"{system}, supplied by {supplier}, ends on {_day(ends_on)}."),),
            (("Contracts", ctx.settings.url("contracts")),),
            to,
            "no active board member or admin",
        )
        for code, system, supplier, partner, ends_on, notice_on in rows
    ]


def risk_reviews(con: duckdb.DuckDBPyConnection, ctx: Context) -> list[Notice]:
    """Risks whose review date has passed: to the board and admins."""
    rows = con.execute(read_sql("notice_risks"), {"today": ctx.today}).fetchall()
    to = ctx.with_role(Role.BOARD, Role.ADMIN)
    return [
        Notice(
            "risk_reviews",
            f"risk-review:{code}:{due_on}",
            f"Risk {code} was due for review on {_day(due_on)}",
            (Part(title), Part(f"Owner: {owner}. Score {score} ({rating}).")),
            (("Risks", ctx.settings.url("risks")),),
            to,
            "no active board member or admin",
        )
        for code, title, owner, score, rating, due_on in rows
    ]


@dataclass(frozen=True)
class Source:
    kind: Kind
    gather: Gather


SOURCES: tuple[Source, ...] = (
    Source(Kind("figures_due", "Figures for my councils due soon", frozenset({Role.OFFICER})), figures_due),
    Source(Kind("figures_overdue", "Figures for my councils past their due date", frozenset({Role.OFFICER})),
           figures_overdue),
    Source(Kind("figures_escalated", "Figures still missing well after the due date (performance lead)",
                frozenset({Role.ADMIN})), figures_escalated),
    Source(Kind("submission_reviewed", "My submissions returned or approved", frozenset({Role.OFFICER, Role.ADMIN})),
           submissions_reviewed),
    Source(Kind("board_actions", "Board actions I own, due soon or overdue", ANYONE), board_actions),
    Source(Kind("board_digest", "A digest before each board meeting", frozenset({Role.BOARD, Role.ADMIN})),
           board_digest),
    Source(Kind("contract_notices", "Contract notice dates in the next 12 months", frozenset({Role.BOARD, Role.ADMIN})),
           contract_notices),
    Source(Kind("risk_reviews", "Risk reviews past their date", frozenset({Role.BOARD, Role.ADMIN})), risk_reviews),
)  # fmt: skip
KINDS = [source.kind for source in SOURCES]
