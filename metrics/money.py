"""The partnership's money, options appraisal and agreement: reads of the public views, the what-if, the
option sensitivity, and the two forms' writes (a new active-user count, a saving's realised amount).

Aggregation is SQL on the views of metrics/sql/views_money.sql (docs/views.md); what is worked out for one
person's question (a what-if, how far a weight may move) is plain Python here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import duckdb

from metrics import audit, store
from metrics.access import Action, Actor, require
from metrics.business_files import partnership_code
from metrics.store import read_sql

if TYPE_CHECKING:
    import pandas as pd


class MoneyError(Exception):
    """A money form asked for something that cannot be recorded (nothing was written)."""


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or {}).df()


def cost_shares(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every apportionment, newest first: a new count starts a new one and the old ones stay."""
    return _frame(con, "SELECT * FROM cost_share ORDER BY as_of DESC, share DESC")


def charges(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each year's charge to each council against its budget."""
    return _frame(con, "SELECT * FROM charge ORDER BY financial_year, charge DESC")


def one_off_costs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(con, "SELECT * FROM one_off_cost")


def one_off_totals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One-off costs by council, year and kind, with each council's total over every year and kind."""
    return _frame(con, read_sql("money_one_off_totals"))


def savings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(con, "SELECT * FROM saving")


def savings_by_commitment(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Savings and benefits planned and realised, by the charter's commitment they serve."""
    return _frame(con, read_sql("money_savings_by_commitment"))


def agreements(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(con, "SELECT * FROM agreement")


def objectives_after_agreement(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Objectives whose deadline falls after the agreement ends (flagged), and the others."""
    return _frame(con, "SELECT * FROM objective_after_agreement ORDER BY after_agreement DESC, objective_code")


def option_scores(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(con, "SELECT * FROM option_score")


def option_ranking(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(con, "SELECT * FROM option_ranking")


# --- the what-if ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Charge:
    partner_code: str
    users: int
    share: float
    charge: float


def what_if(users: dict[str, int], pool: float) -> list[Charge]:
    """Shares and charges if the councils had these active users and the pool were this: every charge moves."""
    total = sum(users.values())
    if total <= 0:
        raise MoneyError("the councils' active users add up to none; give at least one council some users")
    return [Charge(code, n, n / total, pool * n / total) for code, n in users.items()]


# --- options appraisal ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sensitivity:
    """How far one factor's weight must move, the others held, before another option wins."""

    factor: str
    weight: float
    up: float | None  # the weight past which another option wins as the weight rises; None: never
    up_winner: str | None
    down: float | None  # the weight below which another option wins as it falls; None: not at any weight >= 0
    down_winner: str | None


def totals(scores: dict[str, dict[str, float]], weights: dict[str, float]) -> dict[str, float]:
    """Each option's weighted total: the sum over factors of weight x score."""
    return {option: sum(weights[f] * s for f, s in by_factor.items()) for option, by_factor in scores.items()}


def winner(scores: dict[str, dict[str, float]], weights: dict[str, float]) -> str:
    found = totals(scores, weights)
    return max(found, key=lambda o: (found[o], o))


def sensitivity(scores: dict[str, dict[str, float]], weights: dict[str, float]) -> list[Sensitivity]:
    """For each factor, the weights at which the winner changes (each option's total is a line in that weight)."""
    best = winner(scores, weights)
    found = []
    for factor, weight in weights.items():
        rest = {o: sum(weights[f] * s for f, s in fs.items() if f != factor) for o, fs in scores.items()}
        up: tuple[float, str] | None = None
        down: tuple[float, str] | None = None
        for other in scores:
            slope = scores[other][factor] - scores[best][factor]
            if other == best or slope == 0:
                continue
            crossing = (rest[best] - rest[other]) / slope  # the weight at which the two totals are equal
            if slope > 0 and crossing >= weight and (up is None or crossing < up[0]):
                up = (crossing, other)
            if slope < 0 and 0 <= crossing <= weight and (down is None or crossing > down[0]):
                down = (crossing, other)
        found.append(Sensitivity(factor, weight, *(up or (None, None)), *(down or (None, None))))
    return found


def appraisal(con: duckdb.DuckDBPyConnection, name: str) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """One appraisal's scores (option -> factor -> score) and weights (factor -> weight)."""
    rows = con.execute(
        "SELECT option, factor, weight, score FROM option_score WHERE appraisal = $a ORDER BY option, factor",
        {"a": name},
    ).fetchall()
    scores: dict[str, dict[str, float]] = {}
    weights: dict[str, float] = {}
    for option, factor, weight, score in rows:
        scores.setdefault(option, {})[factor] = score
        weights[factor] = weight
    return scores, weights


# --- the forms' writes ---------------------------------------------------------------------------------


def parse_day(text: str) -> date:
    """A day as a form gives it: 31/07/2020 or 2020-07-31."""
    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise MoneyError(f"'{text}' is not a date; write it as day/month/year, e.g. 31/07/2020")


def record_users(con: duckdb.DuckDBPyConnection, partner: str, as_of: date, users: int, *, by: Actor) -> int:
    """A new active-user count for one council starts a new apportionment on `as_of`: the other councils'
    latest counts are carried into it (said in its source) and every earlier apportionment stays."""
    if users < 0:
        raise MoneyError("the number of active users cannot be below 0")
    with store.transaction(con):
        require(by, Action.EDIT_BUSINESS, con=con)
        code = partnership_code(con)
        known = {r[0] for r in con.execute("SELECT code FROM core.partner").fetchall()}
        if partner not in known:
            raise MoneyError(f"'{partner}' is not a partner; use one of {', '.join(sorted(known))}")
        latest = con.execute(
            """SELECT partner_code, active_users, as_of FROM core.cost_share
               WHERE partnership_code = $p AND basis = 'active users'
                 AND as_of = (SELECT max(as_of) FROM core.cost_share WHERE partnership_code = $p AND as_of <= $d)""",
            {"p": code, "d": as_of},
        ).fetchall()
        carried = [(c, n, f"carried forward from {d:%-d %B %Y}") for c, n, d in latest if c != partner and d != as_of]
        for partner_code, count, source in [(partner, users, f"recorded by {by.email}"), *carried]:
            con.execute(
                "DELETE FROM core.cost_share WHERE partnership_code = $p AND partner_code = $c AND as_of = $d",
                {"p": code, "c": partner_code, "d": as_of},
            )
            con.execute(
                "INSERT INTO core.cost_share (partnership_code, partner_code, as_of, basis, active_users, source) "
                "VALUES ($p, $c, $d, 'active users', $n, $s)",
                {"p": code, "c": partner_code, "d": as_of, "n": count, "s": source},
            )
        audit.record(
            con,
            by,
            "record active users",
            "cost_share",
            f"{partner} {as_of}",
            None,
            {"partner": partner, "as_of": as_of, "users": users, "carried": [c for c, *_ in carried]},
        )
    return 1 + len(carried)


def record_realised(
    con: duckdb.DuckDBPyConnection, code: str, financial_year: str, realised: float, *, by: Actor
) -> None:
    """The amount a saving or benefit has realised in a year (audited with the amount before)."""
    if realised < 0:
        raise MoneyError("a realised saving cannot be below 0; record a shortfall as a smaller amount")
    with store.transaction(con):
        require(by, Action.EDIT_BUSINESS, con=con)
        key = {"p": partnership_code(con), "c": code, "y": financial_year}
        where = "partnership_code = $p AND code = $c AND financial_year = $y"
        before = con.execute(f"SELECT realised FROM core.saving WHERE {where}", key).fetchall()  # noqa: S608
        if not before:
            raise MoneyError(f"there is no saving {code} in {financial_year}; load it from a savings file first")
        con.execute(f"UPDATE core.saving SET realised = $r WHERE {where}", {**key, "r": realised})  # noqa: S608
        audit.record(
            con,
            by,
            "record realised saving",
            "saving",
            f"{code} {financial_year}",
            {"realised": before[0][0]},
            {"realised": realised},
        )
