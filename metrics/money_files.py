"""Money, options and agreement files: a row model and a `Kind` each (docs/file-contract.md, "Business files")."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from metrics.business_files import CheckedRows, Day, FinancialYear, Fraction, Kind, Money, Row, Word
from metrics.figures import Problem

Code = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
PARTNERS = "SELECT code FROM core.partner"
COMMITMENTS = "SELECT code FROM core.commitment"


class Described(Row):
    """Where a row's figures come from, and whether they are invented (pages then flag them)."""

    source: str = Field("", max_length=500)
    illustrative: bool = False


class CostShareRow(Described):
    partner_code: Code
    as_of: Day
    basis: Annotated[Literal["active users", "agreed"], Word] = "active users"
    active_users: int | None = Field(None, ge=0)
    agreed_share: Fraction | None = Field(None, ge=0, le=1)


class ChargeRow(Described):
    partner_code: Code
    financial_year: FinancialYear
    pool: Money = Field(ge=0)
    budget: Money | None = Field(None, ge=0)
    budget_note: str = Field("", max_length=500)
    estimated_charge: Money | None = Field(None, ge=0)


class OneOffRow(Described):
    partner_code: Code
    item: Text
    kind: Annotated[Literal["revenue", "capital"], Word]
    financial_year: FinancialYear
    amount: Money = Field(ge=0)
    description: str = Field("", max_length=2000)


class SavingRow(Described):
    code: Code
    title: Text
    financial_year: FinancialYear
    planned: Money = Field(ge=0)
    realised: Money | None = Field(None, ge=0)
    commitment_code: Code | None = None
    partner_code: Code | None = None
    cashable: bool = True


class OptionRow(Described):
    appraisal: Text
    option: Text
    factor: Text
    weight: float = Field(ge=0)
    score: float = Field(ge=0)
    chosen: bool = False


class AgreementRow(Described):
    code: Code
    title: Text
    starts_on: Day
    ends_on: Day
    review_on: Day | None = None


def _shares(name: str, rows: CheckedRows) -> list[Problem]:
    """Each row gives what its basis needs; agreed shares from one date add up to 100%."""
    out = []
    agreed: dict[date, list[tuple[int, float]]] = defaultdict(list)
    for n, r in rows:
        if r["basis"] == "active users" and r["active_users"] is None:
            out.append(Problem(name, n, "active_users", "a share by active users needs the number of active users"))
        if r["basis"] == "agreed":
            if r["agreed_share"] is None:
                out.append(Problem(name, n, "agreed_share", "an agreed share needs the share, e.g. 23%"))
            else:
                agreed[r["as_of"]].append((n, r["agreed_share"]))
    for day, given in agreed.items():
        total = sum(s for _, s in given)
        if abs(total - 1) > 0.0005:
            out.append(
                Problem(
                    name,
                    given[-1][0],
                    "agreed_share",
                    f"the agreed shares from {day:%-d %B %Y} add up "
                    f"to {total:.1%}, not 100%; correct them so that they do",
                )
            )
    return out


def _one_pool(name: str, rows: CheckedRows) -> list[Problem]:
    """A year has one cost pool: every council's row for the year gives the same."""
    first: dict[str, tuple[int, float]] = {}
    out = []
    for n, r in rows:
        year, pool = r["financial_year"], r["pool"]
        if year in first and first[year][1] != pool:
            out.append(
                Problem(
                    name,
                    n,
                    "pool",
                    f"the pool for {year} is {pool:,.0f} here but {first[year][1]:,.0f} on "
                    f"row {first[year][0]}; a year has one pool, so give the same on every row",
                )
            )
        first.setdefault(year, (n, pool))
    return out


def _one_weight(name: str, rows: CheckedRows) -> list[Problem]:
    """A factor has one weight in an appraisal, whatever the option scored."""
    first: dict[tuple[str, str], tuple[int, float]] = {}
    out = []
    for n, r in rows:
        key = (r["appraisal"], r["factor"].casefold())
        if key in first and first[key][1] != r["weight"]:
            out.append(
                Problem(
                    name,
                    n,
                    "weight",
                    f"{r['factor']} weighs {r['weight']:g} here but {first[key][1]:g} "
                    f"on row {first[key][0]}; a factor has one weight, so give the same on every row",
                )
            )
        first.setdefault(key, (n, r["weight"]))
    return out


def _term(name: str, rows: CheckedRows) -> list[Problem]:
    """An agreement ends after it starts, and a review falls within its term."""
    out = []
    for n, r in rows:
        start, end, review = r["starts_on"], r["ends_on"], r["review_on"]
        if end <= start:
            out.append(
                Problem(
                    name, n, "ends_on", f"the agreement ends on {end:%-d %B %Y}, before it starts on {start:%-d %B %Y}"
                )
            )
        elif review is not None and not start <= review <= end:
            out.append(
                Problem(
                    name,
                    n,
                    "review_on",
                    f"the review on {review:%-d %B %Y} is outside the agreement's term "
                    f"({start:%-d %B %Y} to {end:%-d %B %Y})",
                )
            )
    return out


COST_SHARES = Kind(
    "cost-shares",
    "cost shares",
    CostShareRow,
    "core.cost_share",
    ("partner_code", "as_of"),
    {"partner_code": PARTNERS},
    _shares,
)
CHARGES = Kind(
    "charges",
    "charges and budgets",
    ChargeRow,
    "core.charge_budget",
    ("partner_code", "financial_year"),
    {"partner_code": PARTNERS},
    _one_pool,
)
ONE_OFF_COSTS = Kind(
    "one-off-costs",
    "one-off costs",
    OneOffRow,
    "core.one_off_cost",
    ("partner_code", "item", "kind", "financial_year"),
    {"partner_code": PARTNERS},
)
SAVINGS = Kind(
    "savings",
    "savings and benefits",
    SavingRow,
    "core.saving",
    ("code", "financial_year"),
    {"partner_code": PARTNERS, "commitment_code": COMMITMENTS},
)
OPTIONS = Kind(
    "options",
    "option scores",
    OptionRow,
    "core.option_score",
    ("appraisal", "option", "factor"),
    rows_check=_one_weight,
)
AGREEMENT = Kind(
    "agreement", "agreement terms and reviews", AgreementRow, "core.agreement", ("code", "review_on"), rows_check=_term
)


def row_values(kind: Kind, **values: Any) -> dict[str, Any]:
    """One row of `kind` from keyword values, checked as a file's row is (for forms and the demo)."""
    return kind.row.model_validate(values).model_dump()
