"""The systems and contracts roadmap: what each council runs and when it ends, notices due, chances to align.

A contract's notice day is its end less its notice period (the `contract` view's `notice_on`). Two partners'
contracts in one category that end within 18 months of each other are a chance to align them (the
`contract_alignment` view). Every write asks `access.require` (Action.EDIT_BUSINESS) and is audited in its own
transaction; a refused write changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pandas as pd

from metrics import audit
from metrics.access import Action, Actor, require
from metrics.risks import partnership_code
from metrics.store import read_sql, transaction

NOTICE_WINDOW_MONTHS = 12  # notices listed as due: those falling within this many months of today
ALIGN_WITHIN_MONTHS = 18  # the `contract_alignment` view's window (metrics/sql/views.sql)
_LONGEST = 400  # characters in a system, supplier or category name


class ContractError(Exception):
    """A contract that cannot be recorded as asked; nothing was written."""


@dataclass(frozen=True)
class ContractInput:
    """One system or contract a council runs."""

    code: str
    system: str
    supplier: str
    partner_code: str
    category: str
    ends_on: date
    starts_on: date | None = None
    notice_months: int = 0
    annual_cost: Decimal | None = None
    note: str = ""
    illustrative: str = ""


def roadmap(con: duckdb.DuckDBPyConnection, today: date, months: int = NOTICE_WINDOW_MONTHS) -> pd.DataFrame:
    """Every contract by council, with its notice day and its state on `today` (running, notice due, notice
    passed, ended)."""
    return con.execute(read_sql("contracts"), {"today": today, "months": months}).df()


def notices(con: duckdb.DuckDBPyConnection, today: date, months: int = NOTICE_WINDOW_MONTHS) -> pd.DataFrame:
    """Contracts whose notice day falls in the next `months` months, soonest first."""
    return con.execute(read_sql("contract_notices"), {"today": today, "months": months}).df()


def alignment(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Pairs of partners' contracts in one category that end within 18 months of each other (as of the
    connection's day), the earlier not yet ended."""
    return con.execute(read_sql("contract_alignment")).df()


def check(c: ContractInput, partners: set[str]) -> ContractInput:
    """Refuse a contract naming no known council, ending before it starts, or with a notice period or cost
    out of range."""
    for what, value in (("code", c.code), ("system", c.system), ("supplier", c.supplier), ("category", c.category)):
        if not value.strip():
            raise ContractError(f"The contract's {what} is needed.")
        if len(value) > _LONGEST:
            raise ContractError(f"The contract's {what} is too long: keep it under {_LONGEST} characters.")
    if c.partner_code not in partners:
        raise ContractError(
            f"No partner is called '{c.partner_code}'; use one of the partner codes: {', '.join(sorted(partners))}."
        )
    if c.starts_on is not None and c.starts_on > c.ends_on:
        raise ContractError(
            f"Contract {c.code} ends ({c.ends_on:%-d %B %Y}) before it starts ({c.starts_on:%-d %B %Y})."
        )
    if not 0 <= c.notice_months <= 60:
        raise ContractError(f"The notice period of contract {c.code} must be 0 to 60 months.")
    if c.annual_cost is not None and not 0 <= c.annual_cost < 10**12:
        raise ContractError(f"The annual cost of contract {c.code} must be £0 or more.")
    return c


def partner_codes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(r[0]) for r in con.execute("SELECT code FROM core.partner").fetchall()}


def write(con: duckdb.DuckDBPyConnection, pcode: str, c: ContractInput, who: str, now: datetime) -> list[object] | None:
    """Add or replace one contract, inside the caller's transaction; the details it replaced, if any."""
    check(c, partner_codes(con))
    old = con.execute(
        "SELECT system, supplier, partner_code, category, starts_on, ends_on, notice_months, annual_cost "
        "FROM core.contract WHERE code = $c",
        {"c": c.code},
    ).fetchall()
    con.execute(
        "INSERT OR REPLACE INTO core.contract (partnership_code, code, system, supplier, partner_code, category, "
        "starts_on, ends_on, notice_months, annual_cost, note, illustrative, recorded_by, recorded_at) VALUES "
        "($p, $code, $system, $supplier, $partner_code, $category, $starts_on, $ends_on, $notice_months, "
        "$annual_cost, $note, $illustrative, $by, $at)",
        {"p": pcode, **asdict(c), "by": who, "at": now},
    )
    return list(old[0]) if old else None


def store(con: duckdb.DuckDBPyConnection, contracts: list[ContractInput], *, by: Actor) -> list[str]:
    """Add or replace every contract, in one transaction: all of them or none."""
    require(by, Action.EDIT_BUSINESS, con=con)
    now = datetime.now()
    lines = []
    with transaction(con):
        pcode = partnership_code(con)
        for c in contracts:
            old = write(con, pcode, c, by.email, now)
            audit.record(con, by, "update contract" if old else "add contract", "contract", c.code, old, asdict(c))
            lines.append(f"Contract {c.code} {'updated' if old else 'added'}: {c.system}, ends {c.ends_on:%-d %B %Y}.")
    return lines
