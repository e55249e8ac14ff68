"""Who may do what. Every write in `metrics` takes the acting person and asks `require` first.

Roles (docs/architecture.md, issue 6): `viewer` reads approved figures; `officer` submits and comments for their own
council(s); `board` records reviews, decisions and revisions; `admin` (the partnership's performance
lead) maintains the framework and users and approves figures. Each role can also do what the roles
before it can, except that only officers and admins submit figures.

Someone signed in with a Charter account may have been disabled, or given another role or other councils,
since they signed in: every write passes its connection to `require`, which then judges the account as it
stands in the database now, not the copy a browser session holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import duckdb


class Role(StrEnum):
    VIEWER = "viewer"
    OFFICER = "officer"
    BOARD = "board"
    ADMIN = "admin"


class Action(StrEnum):
    SEE_SUBMITTED = "see figures awaiting approval"
    SUBMIT = "submit figures"
    COMMENT = "add or change a note on a figure"
    APPROVE = "approve or return a submission"
    REVIEW = "record a board review, decision or action"
    REVISE = "revise a target"
    FRAMEWORK = "change the framework"
    USERS = "manage users"
    AUDIT = "read the audit trail"
    SEE_BUSINESS = "read the partnership's money, risks, contracts and options"
    EDIT_BUSINESS = "change the partnership's money, risks, contracts and options"
    NOTICES = "choose which notices to get by e-mail"
    SETTINGS = "change the partnership's settings"


ALLOWED: dict[Action, frozenset[Role]] = {
    Action.SEE_SUBMITTED: frozenset({Role.OFFICER, Role.BOARD, Role.ADMIN}),
    Action.SUBMIT: frozenset({Role.OFFICER, Role.ADMIN}),
    Action.COMMENT: frozenset({Role.OFFICER, Role.ADMIN}),
    Action.APPROVE: frozenset({Role.ADMIN}),
    Action.REVIEW: frozenset({Role.BOARD, Role.ADMIN}),
    Action.REVISE: frozenset({Role.BOARD, Role.ADMIN}),
    Action.FRAMEWORK: frozenset({Role.ADMIN}),
    Action.USERS: frozenset({Role.ADMIN}),
    Action.AUDIT: frozenset({Role.ADMIN}),
    Action.SEE_BUSINESS: frozenset({Role.VIEWER, Role.OFFICER, Role.BOARD, Role.ADMIN}),
    Action.EDIT_BUSINESS: frozenset({Role.BOARD, Role.ADMIN}),
    Action.NOTICES: frozenset(Role),  # each person for their own account (metrics/notices.py)
    Action.SETTINGS: frozenset({Role.ADMIN}),  # its public access and upload limit (metrics/partnership_settings.py)
}
# Actions done for a council: an officer may do them only for their own council(s).
FOR_A_COUNCIL = frozenset({Action.SUBMIT, Action.COMMENT})


class AccessDenied(Exception):
    """The acting person's role or council does not allow this."""


@dataclass(frozen=True)
class Actor:
    """The person acting: their e-mail (or a name for the command line), role and councils."""

    email: str
    role: Role
    partners: frozenset[str] = field(default_factory=frozenset)
    # True when the actor stands for a row of core.account (a sign-in, or `--as`): `require` then re-reads it.
    account: bool = field(default=False, compare=False)

    @classmethod
    def administrator(cls, name: str) -> Actor:
        """The owner of the database file, acting from the command line."""
        return cls(name, Role.ADMIN)

    def can(self, action: Action, partners: Iterable[str] = ()) -> bool:
        if self.role not in ALLOWED[action]:
            return False
        if action in FOR_A_COUNCIL and self.role is Role.OFFICER:
            return set(partners) <= self.partners
        return True


def current(con: duckdb.DuckDBPyConnection, actor: Actor) -> Actor:
    """The actor as their account stands now: its role and councils, refused if it is disabled or gone."""
    if not actor.account:
        return actor
    rows = con.execute(
        "SELECT role, partners, disabled FROM core.account WHERE email = $e", {"e": actor.email}
    ).fetchall()
    if not rows or rows[0][2]:
        raise AccessDenied(
            f"{actor.email} may no longer use Charter: the account has been disabled; "
            "ask the partnership's performance lead if this is a mistake"
        )
    role, partners, _ = rows[0]
    return Actor(actor.email, Role(str(role)), frozenset(partners or ()), account=True)


def require(
    actor: Actor, action: Action, partners: Iterable[str] = (), *, con: duckdb.DuckDBPyConnection | None = None
) -> None:
    """Refuse, with a plain reason, what the actor's role or council does not allow.

    With `con`, an account's role, councils and disabled flag are read from the database as they are now."""
    if con is not None:
        actor = current(con, actor)
    wanted = sorted(set(partners))
    if actor.role not in ALLOWED[action]:
        who = ", ".join(sorted(r.value for r in ALLOWED[action]))
        raise AccessDenied(f"{actor.email} ({actor.role.value}) may not {action.value}; that needs the role {who}")
    if action in FOR_A_COUNCIL and actor.role is Role.OFFICER and not set(wanted) <= actor.partners:
        others = ", ".join(p for p in wanted if p not in actor.partners)
        own = ", ".join(sorted(actor.partners)) or "no council"
        raise AccessDenied(f"{actor.email} may {action.value} only for {own}, not for {others}")
