"""The demo partnership's money, options appraisal and agreement: LICTP's own figures where the source
documents give them (the Melton BC Cabinet report of 16 December 2020; the 2011 Steria news item), the rest
marked illustrative so that every page flags it (docs/views.md, "The partnership's business")."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from metrics.access import Actor
from metrics.business_files import Kind, store_rows
from metrics.money_files import AGREEMENT, CHARGES, COST_SHARES, ONE_OFF_COSTS, OPTIONS, SAVINGS, row_values
from metrics.periods import Period

REPORT = "Melton BC Cabinet report, 16 December 2020"
INVENTED = "illustrative: made up for the demo"
SHARES_2020 = {"HBBC": 499, "BDC": 341, "MBC": 229}  # paragraph 9.1: active users at 31 July 2020
LATER_USERS = {"2022-04-01": {"HBBC": 506, "BDC": 345, "MBC": 231}, "2024-04-01": {"HBBC": 518, "BDC": 352, "MBC": 236}}
POOL_2021 = 1_470_000  # invented: the pool that gives Melton the report's estimated £315k at 21.4%
POOLS = {
    "2021/22": POOL_2021,
    "2022/23": 1_455_000,
    "2023/24": 1_440_000,
    "2024/25": 1_430_000,
    "2025/26": 1_420_000,
    "2026/27": 1_410_000,
}  # invented: shared systems and contracts bring it down
BUDGETS = {"HBBC": 690_000, "BDC": 470_000}  # invented, 2021/22; later years grow 3% a year
OPTIONS_SCORED = {  # paragraph 5.1's five models; the scores and weights are invented, the winner is the report's
    "a) Lead authority, outsourced": (3, 4, 4, 2, 3, 2),
    "b) Lead authority, insourced": (4, 4, 3, 4, 4, 5),
    "c) Shared staff, no delegation": (3, 2, 2, 4, 3, 3),
    "d) Go it alone": (2, 3, 3, 5, 1, 2),
    "e) Join another partnership": (3, 2, 2, 1, 3, 3),
}
FACTORS = {"Cost": 3, "Deliverability": 2, "Complexity": 1, "Control": 2, "Resilience": 2, "Innovation": 2}
ONE_OFF = [  # paragraph 9.4's items; 9.5 gives Melton's £35k revenue and £17k capital (£10k 2020/21, £7k 2021/22)
    ("a) Operations management backfill", "revenue", "2021/22", 20_000),
    ("b) Transition costs (legal, HR, job design)", "revenue", "2021/22", 15_000),
    ("c) Service desk management system", "capital", "2020/21", 10_000),
    ("d) Software asset management system", "capital", "2021/22", 7_000),
]


def cost_per_user(period: Period) -> float:
    """FIN01 for a quarter: its share of the year's pool over the users counted, the same for every council, since
    each council's charge is its users' share of the pool (the apportionment in force at the quarter's end)."""
    counts = {date.fromisoformat("2020-07-31"): SHARES_2020} | {
        date.fromisoformat(d): c for d, c in LATER_USERS.items()
    }
    users = sum(counts[max(d for d in counts if d <= period.end)].values())
    pool = POOLS.get(str(period.financial_year), list(POOLS.values())[-1])
    return round(pool / 4 / users, 2)


def install(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Store the demo's money, options and agreement (each kind checked as a file's rows are)."""
    by = Actor.administrator("Demo data (illustrative)")
    if con.execute("SELECT count(*) FROM core.cost_share WHERE source <> ''").fetchall()[0][0]:
        return ["Demo business: already present: nothing changed."]  # a second `init --demo` writes nothing
    kinds: list[tuple[Kind, list[dict[str, Any]]]] = [
        (COST_SHARES, _shares()),
        (CHARGES, _charges()),
        (ONE_OFF_COSTS, _one_off()),
        (SAVINGS, _savings()),
        (OPTIONS, _options()),
        (AGREEMENT, _agreements()),
    ]
    counts = [f"{store_rows(con, kind, rows, by, 'demo')} {kind.what}" for kind, rows in kinds]
    return [f"Demo business: {', '.join(counts)}."]


def _shares() -> list[dict[str, Any]]:
    rows = [
        row_values(COST_SHARES, partner_code=c, as_of="2020-07-31", active_users=n, source=f"{REPORT}, 9.1")
        for c, n in SHARES_2020.items()
    ]
    for day, counts in LATER_USERS.items():
        rows += [
            row_values(COST_SHARES, partner_code=c, as_of=day, active_users=n, source=INVENTED, illustrative=True)
            for c, n in counts.items()
        ]
    return rows


def _charges() -> list[dict[str, Any]]:
    rows = []
    for i, (year, pool) in enumerate(POOLS.items()):
        grow = 1.03**i
        for code, budget in BUDGETS.items():
            rows.append(
                row_values(
                    CHARGES,
                    partner_code=code,
                    financial_year=year,
                    pool=pool,
                    budget=round(budget * grow, -3),
                    source=INVENTED,
                    illustrative=True,
                )
            )
        melton = (
            {
                "budget": 311_000,
                "budget_note": "£277k service + £34k web budget",
                "estimated_charge": 315_000,
                "source": f"{REPORT}, 9.2 (the pool is illustrative)",
            }
            if i == 0
            else {"budget": round(311_000 * grow, -3), "source": INVENTED}
        )
        rows.append(
            row_values(CHARGES, partner_code="MBC", financial_year=year, pool=pool, illustrative=i > 0, **melton)
        )
    return rows


def _one_off() -> list[dict[str, Any]]:
    source = f"{REPORT}, 9.4-9.5 (totals by kind and year are the report's; the split by item is illustrative)"
    return [
        row_values(
            ONE_OFF_COSTS,
            partner_code="MBC",
            item=item,
            kind=kind,
            financial_year=year,
            amount=amount,
            source=source,
            illustrative=True,
        )
        for item, kind, year, amount in ONE_OFF
    ]


def _savings() -> list[dict[str, Any]]:
    steria = "Steria shared service news item, 7 February 2011"
    rows = [
        row_values(
            SAVINGS,
            code="S2011-HBBC",
            title="Steria shared service: further saving",
            partner_code="HBBC",
            financial_year="2011/12",
            planned=70_000,
            source=steria,
        ),
        row_values(
            SAVINGS,
            code="S2011-BDC",
            title="Steria shared service: Blaby's saving",
            partner_code="BDC",
            financial_year="2011/12",
            planned=150_000,
            source=steria,
        ),
    ]
    invented = [
        ("SV1", "Shared service desk system", "C1", 40_000, 36_000),
        ("SV2", "Online forms platform", "C2", 60_000, 71_000),
        ("SV3", "Joint Microsoft licensing", "X1", 90_000, 84_000),
        ("SV4", "Shared cyber security tooling", "X2", 25_000, None),
    ]
    for code, title, commitment, planned, realised in invented:
        for year, scale in (("2022/23", 1.0), ("2023/24", 1.2)):
            done = realised * scale if realised is not None and year == "2022/23" else None
            rows.append(
                row_values(
                    SAVINGS,
                    code=code,
                    title=title,
                    commitment_code=commitment,
                    financial_year=year,
                    planned=planned * scale,
                    realised=done,
                    source=INVENTED,
                    illustrative=True,
                )
            )
    return rows


def _options() -> list[dict[str, Any]]:
    source = f"{REPORT}, 5.1-5.3 (options, factors and winner); the scores and weights are illustrative"
    return [
        row_values(
            OPTIONS,
            appraisal="LICTP future delivery model (2020)",
            option=option,
            factor=factor,
            weight=weight,
            score=scores[i],
            chosen=option.startswith("b)"),
            source=source,
            illustrative=True,
        )
        for option, scores in OPTIONS_SCORED.items()
        for i, (factor, weight) in enumerate(FACTORS.items())
    ]


def _agreements() -> list[dict[str, Any]]:
    return [
        row_values(
            AGREEMENT,
            code="LICTP-2013",
            title="Melton's delegation of ICT to Hinckley & Bosworth (outsourced)",
            starts_on="2013-01-31",
            ends_on="2021-12-31",
            source=f"{REPORT}, 10.1-10.2",
        ),
        row_values(
            AGREEMENT,
            code="LICTP-2022",
            title="Delegation to the lead authority's insourced service",
            starts_on="2022-01-01",
            ends_on="2026-12-31",
            source=f"{REPORT}, 5.3",
        ),
        row_values(
            AGREEMENT,
            code="LICTP-2022",
            title="Delegation to the lead authority's insourced service",
            starts_on="2022-01-01",
            ends_on="2026-12-31",
            review_on="2024-12-31",
            source=INVENTED,
            illustrative=True,
        ),
    ]
