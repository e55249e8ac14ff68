"""Risk, risk-score, risk-objective and contract files: a row model and a `Kind` each (docs/file-contract.md,
"Business files"), loaded by metrics/business_files.py whole or not at all.

A risks file adds or updates risks and records each one's scoring; a risk-scores file re-scores risks already
held; every scoring is kept (core.risk_score). Likelihood and impact are given by number or by the matrix's word.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import duckdb
from pydantic import BeforeValidator, Field, StringConstraints

from metrics import contracts, risks
from metrics.business_files import CheckedRows, Day, Kind, Money, Row
from metrics.figures import Problem

Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=400)]
FROM_A_FILE = "a file (the audit trail names who loaded it)"  # the loader's store is not told who; its audit entry is


def _on_scale(axis: str) -> BeforeValidator:
    def read(value: Any) -> Any:
        try:
            return risks.level(value, axis)
        except risks.RiskError as exc:
            raise ValueError(str(exc)) from None

    return BeforeValidator(read)


Likelihood = Annotated[int, _on_scale("likelihood")]
Impact = Annotated[int, _on_scale("impact")]


class ScoreRow(Row):
    code: Code
    likelihood: Likelihood
    impact: Impact
    reviewed_on: Day
    target_likelihood: Likelihood | None = None
    target_impact: Impact | None = None
    review_due_on: Day | None = None
    note: str = Field("", max_length=4000)


class RiskRow(ScoreRow):
    title: Text
    owner: Name
    mitigation: str = Field("", max_length=4000)
    review_months: int = Field(3, ge=1, le=24)
    illustrative: str = Field("", max_length=400)


class RiskObjectiveRow(Row):
    risk_code: Code
    objective_code: Code


class ContractRow(Row):
    code: Code
    system: Name
    supplier: Name
    partner_code: Code
    category: Name
    ends_on: Day
    starts_on: Day | None = None
    notice_months: int = Field(0, ge=0, le=60)
    annual_cost: Money | None = Field(None, ge=0, lt=10**11)
    note: str = Field("", max_length=4000)
    illustrative: str = Field("", max_length=400)


def _scorings(name: str, rows: CheckedRows) -> list[Problem]:
    """A target gives both likelihood and impact; the next review comes after this one."""
    out = []
    for n, r in rows:
        if (r["target_likelihood"] is None) != (r["target_impact"] is None):
            missing = "target_impact" if r["target_impact"] is None else "target_likelihood"
            out.append(Problem(name, n, missing, "give both the target likelihood and the target impact, or neither"))
        due = r["review_due_on"]
        if due is not None and due <= r["reviewed_on"]:
            out.append(
                Problem(name, n, "review_due_on",
                        f"the next review ({due:%-d %B %Y}) must come after this one ({r['reviewed_on']:%-d %B %Y})")
            )  # fmt: skip
    return out


def _terms(name: str, rows: CheckedRows) -> list[Problem]:
    """A contract ends on or after it starts."""
    return [
        Problem(name, n, "ends_on", f"the contract ends on {r['ends_on']:%-d %B %Y}, before it starts on "
                                    f"{r['starts_on']:%-d %B %Y}")
        for n, r in rows
        if r["starts_on"] is not None and r["ends_on"] < r["starts_on"]
    ]  # fmt: skip


def _scoring(r: dict[str, Any], months: int) -> risks.Scoring:
    due = r["review_due_on"] or risks.add_months(r["reviewed_on"], months)
    return risks.Scoring(r["likelihood"], r["impact"], r["reviewed_on"], due, r["target_likelihood"],
                         r["target_impact"], r["note"])  # fmt: skip


def _store_risks(con: duckdb.DuckDBPyConnection, kind: Kind, rows: list[dict[str, Any]], pcode: str) -> int:
    now = datetime.now()
    for r in rows:
        given = risks.RiskInput(r["code"], r["title"], r["owner"], r["mitigation"], _scoring(r, r["review_months"]),
                                None, r["review_months"], r["illustrative"])  # fmt: skip
        risks.write_risk(con, pcode, given, FROM_A_FILE, "file", now)
    return len(rows)


def _store_scorings(con: duckdb.DuckDBPyConnection, kind: Kind, rows: list[dict[str, Any]], pcode: str) -> int:
    now = datetime.now()
    for r in rows:
        months = con.execute("SELECT review_months FROM core.risk WHERE code = $c", {"c": r["code"]}).fetchall()[0][0]
        risks.write_scoring(con, pcode, r["code"], _scoring(r, int(months)), FROM_A_FILE, "file", now)
    return len(rows)


def _store_contracts(con: duckdb.DuckDBPyConnection, kind: Kind, rows: list[dict[str, Any]], pcode: str) -> int:
    now = datetime.now()
    for r in rows:
        cost = None if r["annual_cost"] is None else Decimal(str(r["annual_cost"]))
        contracts.write(con, pcode, contracts.ContractInput(**{**r, "annual_cost": cost}), FROM_A_FILE, now)
    return len(rows)


RISKS = Kind("risks", "risks", RiskRow, "core.risk", ("code",), rows_check=_scorings, store=_store_risks)
RISK_SCORES = Kind(
    "risk-scores", "risk scorings", ScoreRow, "core.risk_score", ("code", "reviewed_on"),
    {"code": "SELECT code FROM core.risk"}, _scorings, _store_scorings,
)  # fmt: skip
RISK_OBJECTIVES = Kind(
    "risk-objectives", "links from risks to objectives", RiskObjectiveRow, "core.risk_objective",
    ("risk_code", "objective_code"),
    {"risk_code": "SELECT code FROM core.risk", "objective_code": "SELECT code FROM core.objective"},
)  # fmt: skip
CONTRACTS = Kind(
    "contracts", "contracts", ContractRow, "core.contract", ("code",),
    {"partner_code": "SELECT code FROM core.partner"}, _terms, _store_contracts,
)  # fmt: skip
