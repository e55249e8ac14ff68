"""The business of the two further demo partnerships (metrics/demo_partnerships.py): money, options, agreement,
risks and contracts, stored through the same loaders as LICTP's (metrics/demo_business.py, metrics/demo_risks.py).

MKIP ICT's facts are the Maidstone BC Cabinet decision of 16 April 2012: a ten-year partnership from 1 April 2013,
reviews after 3 and 5 years, a £300k capital fund at £100k from each council in the first year, and savings of
about £3.71M over ten years (£371,000 a year). SELCP's are the Cabinet minute approving its Digital Strategy and
ICT Roadmap: the SOCITM review's £46,000 split on the agreed (MOA) shares with Boston paying 23%, funded from
reserves, and the £175,000 cyber resilience grant received around October/November 2022. Every other row, and
every risk and contract, is illustrative and says so (docs/views.md, "The partnership's business").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from metrics import contracts, risks
from metrics.access import Actor
from metrics.business_files import Kind, store_rows
from metrics.contracts import ContractInput
from metrics.money_files import AGREEMENT, COST_SHARES, ONE_OFF_COSTS, OPTIONS, SAVINGS, row_values
from metrics.periods import last_complete_quarter
from metrics.risks import RiskInput, Scoring

BY = "Demo data (illustrative)"
INVENTED = "illustrative: made up for the demo"
MADE_UP = "every detail is illustrative"
MKIP_DECISION = "Maidstone BC Cabinet decision, 16 April 2012 (MKIP ICT Partnership)"
SELCP_MINUTE = "SELCP Digital Strategy and ICT Roadmap, Cabinet minute"
MKIP_USERS = {"SBC": 610, "TWBC": 540, "MBC": 820}  # illustrative, as in data/demo/mkip/framework.yaml
MKIP_YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2013, 2023)]  # the ten years from 1 April 2013
SOCITM_COST = 46_000
SELCP_SHARES = {"BBC": 0.23, "ELDC": 0.45, "SHDC": 0.32}  # Boston's 23% is the minute's; the others illustrative
CYBER_GRANT = 175_000
# MKIP's options appraisal: the decision's two models and its choice; the factors' weights and scores are invented.
MKIP_OPTIONS = {"Outsourcing": (5, 1, 2, 2), "Shared service (MKIP ICT)": (3, 4, 4, 4)}
MKIP_FACTORS = {"Initial savings": 2, "Ongoing savings": 3, "Resilience": 2, "Single voice": 1}


def install(con: duckdb.DuckDBPyConnection, code: str, *, today: date) -> list[str]:
    """Store the business of partnership `code` (MKIP or SELCP) unless some is already there."""
    lines = []
    by = Actor.administrator(BY)
    kinds, risk_list, contract_list = _MKIP if code == "MKIP" else _SELCP
    if con.execute("SELECT count(*) FROM core.cost_share WHERE source <> ''").fetchall()[0][0]:
        lines.append(f"{code} demo business: already present: nothing changed.")
    else:
        rows: list[tuple[Kind, list[dict[str, Any]]]] = [(kind, make()) for kind, make in kinds]
        counts = [f"{store_rows(con, kind, made, by, 'demo')} {kind.what}" for kind, made in rows]
        lines.append(f"{code} demo business: {', '.join(counts)}.")
    if not con.execute("SELECT count(*) FROM core.risk").fetchall()[0][0]:
        made_risks = risk_list(last_complete_quarter(today).end)
        risks.store_risks(con, made_risks, by=by, source="demo")
        lines.append(f"{code} demo risks: {len(made_risks)} illustrative risks.")
    if not con.execute("SELECT count(*) FROM core.contract").fetchall()[0][0]:
        made = contract_list(today)
        contracts.store(con, made, by=by)
        lines.append(f"{code} demo contracts: {len(made)} illustrative systems and contracts.")
    return lines


# --- MKIP ICT ------------------------------------------------------------------------------------------------


def _mkip_shares() -> list[dict[str, Any]]:
    return [
        row_values(COST_SHARES, partner_code=c, as_of="2013-04-01", active_users=n, source=INVENTED, illustrative=True)
        for c, n in MKIP_USERS.items()
    ]


def _mkip_capital() -> list[dict[str, Any]]:
    return [
        row_values(
            ONE_OFF_COSTS,
            partner_code=c,
            item="ICT capital fund contribution",
            kind="capital",
            financial_year="2013/14",
            amount=100_000,
            description="Each council's £100k towards the £300k ICT capital fund, in the agreement's first year.",
            source=f"{MKIP_DECISION}, iv(e)",
        )
        for c in MKIP_USERS
    ]


def _mkip_savings() -> list[dict[str, Any]]:
    return [
        row_values(
            SAVINGS,
            code="MKIP-SAV",
            title="Shared ICT service savings across the three councils (staff and non-staff)",
            commitment_code="C3",
            financial_year=year,
            planned=371_000,
            source=f"{MKIP_DECISION}: about £3.71M over ten years, £371,000 a year on average",
        )
        for year in MKIP_YEARS
    ]


def _mkip_options() -> list[dict[str, Any]]:
    source = (
        f"{MKIP_DECISION}: outsourcing offered initial savings of 35-40% but no ongoing savings and was discounted; "
        "the factors' weights and scores are illustrative"
    )
    return [
        row_values(
            OPTIONS,
            appraisal="MKIP ICT delivery model (2012)",
            option=option,
            factor=factor,
            weight=weight,
            score=scores[i],
            chosen=option.startswith("Shared"),
            source=source,
            illustrative=True,
        )
        for option, scores in MKIP_OPTIONS.items()
        for i, (factor, weight) in enumerate(MKIP_FACTORS.items())
    ]


def _mkip_agreement() -> list[dict[str, Any]]:
    """The decision's ten years and two reviews; no later term is invented, so objectives after March 2023 are
    flagged as falling due after the agreement ends, as the decision alone would have them."""
    term = {"code": "MKIP-2013", "title": "MKIP ICT collaboration agreement (ten years)"}
    term |= {"starts_on": "2013-04-01", "ends_on": "2023-03-31"}
    reviews = [
        row_values(AGREEMENT, **term, review_on=day, source=f"{MKIP_DECISION}, i: {what}")
        for day, what in (("2016-04-01", "post implementation review after 3 years"),
                          ("2018-04-01", "full review after 5 years"))
    ]  # fmt: skip
    return reviews


Register = list[tuple[str, str, int, int, str, tuple[str, ...]]]


def _risks(register: Register, owner: str, scored: date, made_up: str) -> list[RiskInput]:
    """A demo register's risks, each scored once on `scored`, reviewed three months later, mitigated to 2."""
    return [
        RiskInput(code, title, owner, mitigation,
                  Scoring(likelihood, impact, scored, risks.add_months(scored, 3), 2, impact), objectives, 3, made_up)
        for code, title, likelihood, impact, mitigation, objectives in register
    ]  # fmt: skip


def _mkip_risks(scored: date) -> list[RiskInput]:
    made_up = "every detail is illustrative (the decision gives no risk register)"
    register: Register = [
        ("M1", "The savings of £371,000 a year are not kept up as costs rise", 3, 3, "Yearly savings review by "
         "the MKIP ICT board; open-book costs for each council.", ("OBJ07",)),
        ("M2", "Staff transferred to the host council under TUPE leave, and skills are lost", 3, 2, "Shared "
         "rotas and documented systems, so no one person is a single point of failure.", ("OBJ01", "OBJ02")),
        ("M3", "Councils keep separate systems, so the shared platforms do not grow", 4, 2, "Every renewal "
         "is decided by the three councils together.", ("OBJ05",)),
    ]  # fmt: skip
    return _risks(register, "MKIP ICT board", scored, made_up)


def _mkip_contracts(today: date) -> list[ContractInput]:
    made = [
        ("MKIP-DC", "Shared data centre hosting", "MBC", "Hosting", 1, 6, 12, 85_000),
        ("SBC-REV", "Revenues and benefits system", "SBC", "Revenues and benefits", 2, 0, 12, 58_000),
        ("TWBC-REV", "Revenues and benefits system", "TWBC", "Revenues and benefits", 3, 0, 12, 52_000),
        ("MBC-REV", "Revenues and benefits system", "MBC", "Revenues and benefits", 3, 0, 12, 64_000),
    ]
    return _contracts(made, today)


# --- SELCP ---------------------------------------------------------------------------------------------------


def _selcp_shares() -> list[dict[str, Any]]:
    return [
        row_values(
            COST_SHARES,
            partner_code=c,
            as_of="2022-04-01",
            basis="agreed",
            agreed_share=share,
            source=f"{SELCP_MINUTE}: Boston paid 23% on the MOA split (the date is illustrative)"
            if c == "BBC"
            else INVENTED,
            illustrative=c != "BBC",
        )
        for c, share in SELCP_SHARES.items()
    ]


def _selcp_review() -> list[dict[str, Any]]:
    return [
        row_values(
            ONE_OFF_COSTS,
            partner_code=c,
            item="SOCITM review: Digital Strategy and ICT Roadmap",
            kind="revenue",
            financial_year="2022/23",
            amount=round(SOCITM_COST * share, 2),
            description="The £46,000 review, funded from reserves on the agreed split (not from the cyber grant).",
            source=f"{SELCP_MINUTE}: £46,000 with Boston paying 23%"
            if c == "BBC"
            else f"{SELCP_MINUTE}: £46,000 (this council's share is illustrative)",
            illustrative=c != "BBC",
        )
        for c, share in SELCP_SHARES.items()
    ]


def _selcp_grant() -> list[dict[str, Any]]:
    # The money model has no income table: a grant is held as a benefit to the partnership (savings and
    # benefits), received in full, under the commitment it pays for.
    return [
        row_values(
            SAVINGS,
            code="CYBER-GRANT",
            title="Government grant for cyber resilience (income, not a saving)",
            commitment_code="X1",
            financial_year="2022/23",
            planned=CYBER_GRANT,
            realised=CYBER_GRANT,
            source=f"{SELCP_MINUTE}: £175,000 received around October/November 2022",
        )
    ]


def _selcp_risks(scored: date) -> list[RiskInput]:
    made_up = "scores, owner, mitigation and review dates are illustrative (the minute gives no risk register)"
    register: Register = [
        ("S1", "A cyber attack stops services at one or more of the councils", 3, 4, "The £175,000 cyber "
         "resilience grant strengthens infrastructure; staff phishing tests every quarter.", ("OBJ05", "OBJ06")),
        ("S2", "Bringing all ICT together across the Partnership is a long-term ambition and cannot be achieved "
         "quickly", 4, 2, "The roadmap shows when each system expires, so alignment is planned at renewal.",
         ("OBJ04",)),
        ("S3", "Not every council moves to the Goss forms platform, so online forms stay different", 3, 2,
         "Forms moved council by council as each old platform's contract ends.", ("OBJ02",)),
    ]  # fmt: skip
    return _risks(register, "ICT Strategy Board", scored, made_up)


def _selcp_contracts(today: date) -> list[ContractInput]:
    made = [
        ("BBC-FORMS", "Online forms platform", "BBC", "Online forms", 0, 6, 6, 12_000),
        ("ELDC-FORMS", "Goss online forms platform", "ELDC", "Online forms", 2, 0, 6, 18_000),
        ("SHDC-FORMS", "Goss online forms platform", "SHDC", "Online forms", 2, 0, 6, 15_000),
        ("BBC-FIN", "Financial management system", "BBC", "Finance", 1, 0, 12, 31_000),
        ("ELDC-FIN", "Financial management system", "ELDC", "Finance", 1, 6, 12, 47_000),
        ("SHDC-FIN", "Financial management system", "SHDC", "Finance", 3, 0, 12, 36_000),
        ("BBC-HR", "HR and payroll system", "BBC", "HR and payroll", 2, 0, 6, 14_000),
        ("ELDC-HR", "HR and payroll system", "ELDC", "HR and payroll", 2, 0, 6, 22_000),
        ("SHDC-M365", "Microsoft 365 licences", "SHDC", "Productivity and email", 1, 0, 3, 41_000),
    ]
    return _contracts(made, today)


def _contracts(made: list[tuple[str, str, str, str, int, int, int, int]], today: date) -> list[ContractInput]:
    """Illustrative contracts ending some years and months after the next 31 March, as LICTP's do."""
    year_end = date(today.year + (today.month > 3), 3, 31)
    out = []
    for code, system, council, category, years, months, notice, cost in made:
        ends = risks.add_months(year_end, 12 * years + months)
        out.append(
            ContractInput(code, system, f"Illustrative supplier ({category.lower()})", council, category, ends,
                          risks.add_months(ends, -60), notice, Decimal(cost), illustrative=MADE_UP)
        )  # fmt: skip
    return out


_MKIP = (
    [(COST_SHARES, _mkip_shares), (ONE_OFF_COSTS, _mkip_capital), (SAVINGS, _mkip_savings), (OPTIONS, _mkip_options),
     (AGREEMENT, _mkip_agreement)],
    _mkip_risks,
    _mkip_contracts,
)  # fmt: skip
_SELCP = (
    [(COST_SHARES, _selcp_shares), (ONE_OFF_COSTS, _selcp_review), (SAVINGS, _selcp_grant)],
    _selcp_risks,
    _selcp_contracts,
)
