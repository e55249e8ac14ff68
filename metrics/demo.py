"""The demo partnership: its framework file and deterministic, illustrative quarterly figures.

The figures are made up, with believable trends and noise: each partner is ahead of, on, slipping from
or behind each objective's trajectory; a few figures are missing and some carry commentary. They go in
through the same checks as an officer's upload (one CSV per partner and quarter) and are flagged as
illustrative, so every page can say so.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import duckdb

from metrics import demo_business, demo_risks
from metrics.access import Actor
from metrics.config import DEMO_DIR
from metrics.framework import read_framework
from metrics.loader import load_framework
from metrics.models import Framework, Kpi, Polarity, Unit
from metrics.periods import Period, last_complete_quarter, parse_period, period_range
from metrics.submissions import catalogue, check_file, sha256, store_files

if TYPE_CHECKING:
    from metrics import demo_tickets

FIRST = Period(2021, 1)
FRAMEWORK = DEMO_DIR / "framework.yaml"
BENCHMARKS = DEMO_DIR / "benchmarks.csv"  # the seed's partnership-level fact and illustrative quartiles
PROFILES = {"ahead": 1.1, "on track": 1.05, "slipping": 0.93, "behind": 0.72}
NOTES = {
    "behind": [
        "Delayed by the replacement of the line-of-business system; recovery plan agreed with the head of service.",
        "Staff vacancies in the digital team slowed progress this quarter; two posts now filled.",
        "Below target: supplier delivery slipped by six weeks.",
    ],
    "slipping": [
        "Slightly below the trajectory; expected to recover next quarter.",
        "Seasonal peak in demand affected this figure.",
    ],
    "good": [
        "Improvement reflects the new online forms launched this quarter.",
        "Ahead of plan thanks to shared work with the other partners.",
    ],
}
NOT_AVAILABLE = "Not available this quarter: the reporting system was being migrated."


@dataclass(frozen=True)
class Plan:
    """How one partner's figures for one KPI move: from `start` towards `goal`, at `pace` of the plan."""

    start: float
    goal: float
    start_index: int
    goal_index: int
    pace: float
    profile: str


def install(con: duckdb.DuckDBPyConnection, *, today: date, by: str, history: bool = False) -> list[str]:
    """Load the demo framework and its figures up to the last complete quarter before `today`.

    With `history`, a year of service desk tickets too (metrics/demo_tickets.py: their KPI figures for that
    year come from the tickets, not from uploads) and two past board meetings (metrics/demo_board.py)."""
    fw = read_framework(FRAMEWORK)
    existing = con.execute("SELECT name, illustrative FROM core.partnership").fetchall()
    if existing and not existing[0][1]:
        raise DemoRefused(f"this database holds a real partnership ({existing[0][0]}); the demo is not loaded into it")
    report = load_framework(con, fw, by=Actor.administrator(by), sha256=sha256(FRAMEWORK.read_bytes()))
    from_desk = _desk_quarters(today) if history else frozenset()
    files = list(demo_files(fw, today, from_desk))
    cat = catalogue(con, today)
    checked = []
    for name, data, _when, _approve in files:
        result = check_file(data, name, cat)
        if not result.ok:  # the demo must pass the same checks as any upload
            raise DemoRefused("; ".join(str(p) for p in result.problems[:5]))
        checked.append((result, data))
    stored = store_files(
        con,
        checked,
        by=Actor.administrator("Demo data (illustrative)"),
        source="demo",
        illustrative=True,
        times=[when for _, _, when, _ in files],
        approved=[approve for *_, approve in files],
    )
    new = [s for s in stored if s.duplicate_of is None]
    lines = [f"Demo framework: {line}" for line in report.lines()]
    lines += demo_risks.install(con, today=today)
    lines.append(f"Demo benchmarks: {_benchmarks(con, by)}")
    lines.append(
        f"Demo figures: {len(new)} new submissions with {sum(s.rows for s in new)} figures "
        f"({len(stored) - len(new)} already present), up to {last_complete_quarter(today)}."
    )
    lines += demo_business.install(con)
    if history:
        from metrics import demo_board, demo_tickets

        lines.append(demo_tickets.install(con, desk_plans(fw, today), fw, today))
        lines.extend(demo_board.install(con, today=today))
    return lines


def _desk_quarters(today: date) -> frozenset[tuple[str, Period]]:
    """The (KPI, quarter) pairs whose figures the demo's service desk tickets give."""
    from metrics.demo_tickets import DESK_KPIS, quarters

    return frozenset((kpi, q) for kpi in DESK_KPIS for q in quarters(today))


def desk_plans(fw: Framework, today: date) -> dict[tuple[str, Period], demo_tickets.Quarter]:
    """What each member council's tickets in each quarter of the demo's export should come to: the figures
    the demo would otherwise have uploaded for the five service desk KPIs."""
    from metrics.demo_tickets import Quarter, quarters

    plans, kpis = _plans(fw), {k.code: k for k in fw.kpis}
    out = {}
    for period in quarters(today):
        for partner in fw.partners:
            if partner.joined_on > period.end or (partner.left_on is not None and partner.left_on < period.start):
                continue
            value = {code: _planned(kpis[code], plans, partner.code, period) for code in Quarter.KPIS}
            out[(partner.code, period)] = Quarter(
                logged=round(value["ICT01"]), within_sla=value["ICT02"], first_time=value["ICT03"],
                p1_hours=value["ICT04"], p1=round(value["ICT06"]),
            )  # fmt: skip
    return out


def _planned(kpi: Kpi, plans: dict[tuple[str, str], Plan], partner: str, period: Period) -> float:
    """The figure `_row` would give, noise and all (the same random draws), whether or not it is sent."""
    plan = plans.get((partner, kpi.code)) or _drift_plan(kpi, partner)
    rng = random.Random(f"figure-{kpi.code}-{partner}-{period}")
    rng.random()  # the roll that decides whether the figure is sent
    return _value(kpi, plan, period, rng)


def _benchmarks(con: duckdb.DuckDBPyConnection, by: str) -> str:
    """The demo's benchmarks through the real loader: the seed's partnership-level fact, the rest illustrative."""
    from metrics import benchmarks, business_files

    held = con.execute("SELECT count(*) FROM core.benchmark").fetchall()[0][0]
    if held:
        return f"{held} already present."
    return business_files.load(
        con, BENCHMARKS.read_bytes(), BENCHMARKS.name, benchmarks.BENCHMARKS, Actor.administrator(by)
    )


class DemoRefused(Exception):
    """The demo cannot be loaded into this database."""


def _plans(fw: Framework) -> dict[tuple[str, str], Plan]:
    """A plan for each (partner, KPI) that an objective targets; others get a gentle drift."""
    plans = {}
    for obj in fw.objectives:
        for partner in fw.partners:
            start = obj.baseline.for_partner(partner.code)
            goal = obj.target.for_partner(partner.code)
            if start is None or goal is None:
                continue
            rng = random.Random(f"profile-{obj.code}-{partner.code}")
            profile = rng.choices(list(PROFILES), weights=[2, 4, 2, 2])[0]
            plans[(partner.code, obj.kpi)] = Plan(
                start, goal, parse_period(obj.baseline.period).index, obj.deadline.index, PROFILES[profile], profile
            )
    return plans


def _drift_plan(kpi: Kpi, partner: str) -> Plan:
    rng = random.Random(f"drift-{kpi.code}-{partner}")
    low, high = kpi.valid_min or 0.0, kpi.valid_max or 1000.0
    start = low + (high - low) * rng.uniform(0.3, 0.6)
    better = 1 if kpi.polarity is Polarity.HIGHER else -1
    goal = start + better * (high - low) * 0.15
    return Plan(start, goal, FIRST.index - 1, FIRST.index + 24, 1.0, "on track")


def _value(kpi: Kpi, plan: Plan, period: Period, rng: random.Random) -> float:
    span = max(plan.goal_index - plan.start_index, 1)
    progress = min(max(period.index - plan.start_index, 0) / span, 1.0)
    planned = plan.start + (plan.goal - plan.start) * progress
    noise = rng.gauss(0, 0.025 * abs(plan.goal - plan.start) + 0.004 * abs(plan.goal))
    value = plan.start + (planned - plan.start) * plan.pace + noise
    low, high = kpi.valid_min, kpi.valid_max
    value = max(value, low) if low is not None else value
    value = min(value, high) if high is not None else value
    if kpi.unit in (Unit.COUNT,):
        return float(round(value))
    return round(value, 2 if kpi.unit in (Unit.GBP, Unit.SCORE) or abs(value) < 10 else 1)


def _periods(fw: Framework, kpi: Kpi, partner_code: str, today: date) -> list[Period]:
    partner = next(p for p in fw.partners if p.code == partner_code)
    last = last_complete_quarter(today)
    if kpi.frequency == "annual":
        years = [Period(y) for y in range(FIRST.year, last.year + 1)]
        periods = [y for y in years if y.end <= last.end]
    else:
        periods = period_range(FIRST, last)
    return [p for p in periods if p.start <= (partner.left_on or date.max) and p.end >= partner.joined_on]


def demo_files(
    fw: Framework, today: date, leave_out: frozenset[tuple[str, Period]] = frozenset()
) -> Iterator[tuple[str, bytes, datetime, bool]]:
    """(file name, CSV bytes, when submitted, approved?) for every partner and period, but for the (KPI,
    quarter) pairs in `leave_out`."""
    plans = _plans(fw)
    last = last_complete_quarter(today)
    by_file: dict[tuple[str, Period], list[list[str]]] = {}
    for partner in fw.partners:
        for kpi in fw.kpis:
            plan = plans.get((partner.code, kpi.code)) or _drift_plan(kpi, partner.code)
            for period in _periods(fw, kpi, partner.code, today):
                if (kpi.code, period) in leave_out:
                    continue
                row = _row(kpi, plan, partner.code, period, last)
                if row is not None:
                    key = (partner.code, period if not period.is_annual else Period(period.year, 4))
                    by_file.setdefault(key, []).append(row)
    for (partner_code, period), rows in sorted(by_file.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["partner", "period", "kpi", "value", "note"])
        writer.writerows(rows)
        due = period.due(fw.partnership.data_due_days)
        when = datetime.combine(due - timedelta(days=3 + len(partner_code) % 5), time(10, 30))
        name = f"demo-{partner_code}-{period.slug}.csv"
        yield name, buffer.getvalue().encode("utf-8"), min(when, datetime.combine(today, time(9))), True
    yield _correction(by_file, last, today)


def _correction(
    by_file: dict[tuple[str, Period], list[list[str]]], last: Period, today: date
) -> tuple[str, bytes, datetime, bool]:
    """A later file correcting two of BDC's latest figures, awaiting the performance lead's approval."""
    rows = [r for r in by_file.get(("BDC", last), []) if r[3]][:2]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["partner", "period", "kpi", "value", "note"])
    for partner, period, kpi, value, _ in rows:
        number = float(value.rstrip("%"))
        corrected = f"{round(number * 1.01, 1):g}" + ("%" if value.endswith("%") else "")
        writer.writerow([partner, period, kpi, corrected, "Corrected figure: the first return left out late entries."])
    when = datetime.combine(min(today, last.due()), time(15, 5))
    name = f"demo-BDC-{last.slug}-correction.csv"
    return name, buffer.getvalue().encode("utf-8"), when, False


def _row(kpi: Kpi, plan: Plan, partner: str, period: Period, last: Period) -> list[str] | None:
    rng = random.Random(f"figure-{kpi.code}-{partner}-{period}")
    roll = rng.random()
    if period == last and partner == "MBC" and kpi.code.endswith(("3", "7")):
        return None  # still owed: shows as overdue once the due date has passed
    if roll < 0.02:
        return None  # never sent
    if roll < 0.03:
        return [partner, str(period), kpi.code, "", NOT_AVAILABLE]
    value = _value(kpi, plan, period, rng)
    if kpi.code == "FIN01":  # the cost per user follows the apportionment: the same for every council
        value = demo_business.cost_per_user(period)
    note = ""
    if rng.random() < 0.12:
        kind = "behind" if plan.profile == "behind" else "slipping" if plan.profile == "slipping" else "good"
        note = rng.choice(NOTES[kind])
    text = f"{value:g}" if kpi.unit is not Unit.PERCENT else f"{value:g}%"
    return [partner, str(period), kpi.code, text, note]
