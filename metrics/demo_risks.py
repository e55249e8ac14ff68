"""The demo partnership's risk register and contracts roadmap.

The eight risks, their likelihood, impact and mitigations are the LICTP Cabinet report's (16 December 2020,
section 15), word for word, scored on the report's date; the report names no owner, target or next review, so
those are illustrative and each risk says so. The Sopra Steria contract, and the Cherwell service desk and
Flexera asset management systems provided under it, end on 31 December 2021 (report 1.1, 4.7, 9.4, 10.2). Every
other contract is illustrative, dated from `today` so that notices and alignment show whenever the demo is made.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb

from metrics import contracts, risks
from metrics.access import Actor
from metrics.contracts import ContractInput
from metrics.risks import RiskInput, Scoring

REPORT_DAY = date(2020, 12, 16)  # the Cabinet report's date: the register as it gives it
NEXT_REVIEW = date(2021, 3, 16)  # illustrative: three months on
OWNER = "LICTP Strategy Board"  # the report (5.15) has the Strategy Board oversee the work; it names no owners
MADE_UP = "owner, target scores, review date and linked objectives are illustrative (the report gives none)"
# code: (title, likelihood, impact, mitigation, illustrative target (likelihood, impact), linked objectives)
REGISTER: dict[str, tuple[str, int, int, str, tuple[int, int], tuple[str, ...]]] = {
    "1": ("Current outsourced provider is unwilling to extend contract beyond current contract end date", 6, 2,
          "Closely manage transition to new service. Get backfill resources in as soon as possible. Monitor on an "
          "ongoing basis.", (3, 2), ("OBJ14",)),
    "2": ("Capacity and funding to deliver insourcing within current resource constraints, between now and the end "
          "of December 2021. This is mitigated by the project being overseen by the Partnership Strategic and "
          "Governance groups which consists of representatives from all partners.", 4, 3,
          "Get backfill resources in early. Monitor on an ongoing basis.", (2, 3), ("OBJ17",)),
    "3": ("Commitment of partners to the LICTP now and in the period up to and beyond December 2021", 2, 3,
          "Decisions made by end of 2020.", (1, 3), ("OBJ18",)),
    "4": ("Ensuring the partnership has the right level of skills and staff to deliver services at the right time "
          "for BaU to end of contract, and under the new proposed insourced arrangement.", 3, 3,
          "Focus on key skills required. Monitoring of skills available at different stages. Current pressures on "
          "employment market.", (2, 3), ("OBJ14", "OBJ15")),
    "5": ("Meeting stakeholder expectations delivering BaU requirements during transition and beyond.", 5, 2,
          "Communications with stakeholders.", (3, 2), ("OBJ04",)),
    "6": ("Potential TUPE costs and pension strain unidentified until TUPE negotiations begin at the end of the "
          "contract period", 5, 2, "Advice being taken early. Use of experts. Provisional understanding already.",
          (3, 2), ()),
    "7": ("Lack of commitment to Digital Charter from stakeholders", 3, 3,
          "Communications. Strategy Board to demonstrate leadership. Development of digital leaders at various "
          "levels.", (2, 3), ("OBJ01", "OBJ06")),
    "8": ("Organisational cultural barriers preventing change being adopted", 4, 3,
          "Communications. Strategy Board to demonstrate leadership. Staff and Member Training. Build confidence "
          "and momentum with early successes.", (2, 3), ("OBJ01", "OBJ02")),
}  # fmt: skip
# Illustrative earlier scorings, so that the trend has something to show: the report gives only December 2020's.
EARLIER = {"1": (5, 2), "3": (4, 3)}
EARLIER_DAY = date(2020, 9, 1)

SOPRA = "Sopra Steria Ltd"
STERIA_END = date(2021, 12, 31)
REAL_CONTRACTS = [
    ContractInput("SOPRA-ICT", "ICT service: day-to-day service and development support", SOPRA, "HBBC",
                  "ICT managed service", STERIA_END,
                  note="Contracted by Hinckley & Bosworth on behalf of the partnership (report 1.1, 10.2); the "
                       "report gives no start date or notice period."),
    ContractInput("SOPRA-SDM", "Cherwell Helpdesk (service desk management)", SOPRA, "HBBC", "Service desk",
                  STERIA_END, note="Provided under the outsourced contract; to be replaced (report 9.4 c)."),
    ContractInput("SOPRA-SAM", "Flexera SAM (software asset management)", SOPRA, "HBBC",
                  "Software asset management", STERIA_END,
                  note="Provided under the outsourced contract; to be replaced (report 9.4 d)."),
]  # fmt: skip
ILLUSTRATIVE = "every detail is illustrative"
# code, system, council, category, years after the next 31 March, months more, notice months, annual cost
MADE_UP_CONTRACTS = [
    ("HBBC-FIN", "Financial management system", "HBBC", "Finance", 1, 0, 12, 48000),
    ("BDC-FIN", "Financial management system", "BDC", "Finance", 2, 0, 12, 41000),
    ("MBC-FIN", "Financial management system", "MBC", "Finance", 4, 0, 12, 29000),
    ("HBBC-REV", "Revenues and benefits system", "HBBC", "Revenues and benefits", 3, 0, 6, 62000),
    ("BDC-REV", "Revenues and benefits system", "BDC", "Revenues and benefits", 3, 6, 6, 55000),
    ("MBC-WEB", "Website content management", "MBC", "Website", 0, 0, 3, 9000),
    ("MBC-HR", "HR and payroll system", "MBC", "HR and payroll", 2, 0, 6, 15000),
    ("BDC-HR", "HR and payroll system", "BDC", "HR and payroll", 5, 0, 6, 21000),
]


def _risks() -> list[RiskInput]:
    out = []
    for code, (title, likelihood, impact, mitigation, (tl, ti), objectives) in REGISTER.items():
        scoring = Scoring(likelihood, impact, REPORT_DAY, NEXT_REVIEW, tl, ti, "As scored in the Cabinet report.")
        out.append(RiskInput(code, title, OWNER, mitigation, scoring, objectives, 3, MADE_UP))
    return out


def _made_up_contracts(today: date) -> list[ContractInput]:
    year_end = date(today.year + (today.month > 3), 3, 31)
    out = []
    for code, system, council, category, years, months, notice, cost in MADE_UP_CONTRACTS:
        ends = risks.add_months(year_end, 12 * years + months)
        out.append(
            ContractInput(code, system, f"Illustrative supplier ({category.lower()})", council, category, ends,
                          risks.add_months(ends, -60), notice,
                          Decimal(cost), illustrative=ILLUSTRATIVE)
        )  # fmt: skip
    return out


def install(con: duckdb.DuckDBPyConnection, *, today: date) -> list[str]:
    """Add the demo's risks and contracts, unless the register or the roadmap already holds some."""
    by = Actor.administrator("Demo data (illustrative)")
    lines = []
    if not con.execute("SELECT count(*) FROM core.risk").fetchall()[0][0]:
        risks.store_risks(con, _risks(), by=by, source="demo")
        earlier = [
            (code, Scoring(likelihood, impact, EARLIER_DAY, REPORT_DAY, note="Illustrative earlier scoring."))
            for code, (likelihood, impact) in EARLIER.items()
        ]
        risks.store_scorings(con, earlier, by=by, source="demo")
        lines.append(
            f"Demo risks: the report's {len(REGISTER)} risks, with {len(EARLIER)} illustrative earlier scorings."
        )
    if not con.execute("SELECT count(*) FROM core.contract").fetchall()[0][0]:
        contracts.store(con, REAL_CONTRACTS + _made_up_contracts(today), by=by)
        lines.append(
            f"Demo contracts: the Sopra Steria contract and its 2 systems, and {len(MADE_UP_CONTRACTS)} illustrative."
        )
    return lines
