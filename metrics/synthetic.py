"""`charter demo`: a synthetic partnership of any size, for trying Charter at scale (issue 8).

N councils (C001, C002, ...), K KPIs spread over digital, ICT and finance, one objective per KPI,
and Y years of quarterly figures ending at the last complete quarter. Everything follows from the
seed, and the partnership and its figures are flagged illustrative. The figures go through the same
checks as an upload, one approved file per quarter.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, time

import duckdb

from metrics.access import Actor
from metrics.demo import DemoRefused
from metrics.loader import load_framework
from metrics.models import (
    ActiveUsers,
    Category,
    Commitment,
    Framework,
    Kpi,
    Objective,
    Outcome,
    Partner,
    Partnership,
    PerPartnerValue,
    Polarity,
    Tolerance,
    Unit,
)
from metrics.periods import Period, last_complete_quarter
from metrics.submissions import catalogue, check_file, sha256, store_files

CATEGORIES = [Category.DIGITAL, Category.ICT, Category.FINANCE]
TITLES = {Category.DIGITAL: "Digital Councils", Category.ICT: "Resilient ICT", Category.FINANCE: "Value for Money"}
# Each partner-KPI series tracks its objective's line at one of these paces (1 = exactly on it).
PACES = [1.08, 1.02, 0.96, 0.7]
HEADER = ["partner", "period", "kpi", "value", "note"]


@dataclass(frozen=True)
class Size:
    partners: int
    years: int
    seed: int
    kpis: int = 60


def framework(size: Size, today: date) -> Framework:
    """The synthetic partnership's framework: partners, KPIs and one objective per KPI."""
    rng = random.Random(f"framework-{size.seed}")  # noqa: S311 (made-up figures, not secrets)
    last = last_complete_quarter(today)
    first = Period.from_index(last.index - 4 * size.years + 1)
    baseline = first.previous()
    deadline = Period.from_index(last.index + 4)
    partners = [
        Partner(
            code=f"C{i:03d}",
            name=f"Synthetic Council {i}",
            joined_on=baseline.start,
            active_users=[ActiveUsers(as_at=baseline.start, users=rng.randint(200, 2000))],
        )
        for i in range(1, size.partners + 1)
    ]
    commitments = [
        Commitment(code=f"C{n}", title=TITLES[cat], commitment=f"We will improve {cat.value} services together.")
        for n, cat in enumerate(CATEGORIES, 1)
    ]
    outcomes = [
        Outcome(code=f"C{n}.1", parent=f"C{n}", text=f"Better {cat.value} services for residents and staff.")
        for n, cat in enumerate(CATEGORIES, 1)
    ]
    kpis, objectives = [], []
    for i in range(1, size.kpis + 1):
        n = (i - 1) % len(CATEGORIES)
        cat = CATEGORIES[n]
        percent = i % 2 == 1
        kpi = Kpi(
            code=f"K{i:03d}",
            name=f"Synthetic {cat.value} measure {i}",
            definition="A made-up measure for trying Charter at scale.",
            unit=Unit.PERCENT if percent else Unit.DAYS,
            polarity=Polarity.HIGHER if percent else Polarity.LOWER,
            category=cat,
        )
        kpis.append(kpi)
        starts = {p.code: round(rng.uniform(30, 60) if percent else rng.uniform(10, 30), 1) for p in partners}
        objectives.append(
            Objective(
                code=f"OBJ{i:03d}",
                title=f"Improve synthetic {cat.value} measure {i}",
                outcomes=[f"C{n + 1}.1"],
                kpi=kpi.code,
                owner="Synthetic service manager",
                baseline=PerPartnerValue(period=str(baseline), values=starts),
                target=PerPartnerValue(
                    period=str(deadline),
                    values={c: round(v * 1.4 if percent else v * 0.6, 1) for c, v in starts.items()},
                ),
                tolerance=Tolerance(percent=5, set_by="Synthetic board"),
            )
        )
    return Framework(
        partnership=Partnership(
            name=f"Synthetic Partnership ({size.partners} councils)",
            short_name="SYN",
            lead_authority=partners[0].code,
            illustrative=True,
            description="A synthetic partnership for trying Charter at scale: every name and figure is made up.",
        ),
        partners=partners,
        commitments=commitments,
        outcomes=outcomes,
        kpis=kpis,
        objectives=objectives,
    )


def quarter_files(fw: Framework, size: Size, today: date) -> list[tuple[str, bytes, datetime]]:
    """(file name, CSV bytes, when submitted): one file per quarter, every partner and KPI in it."""
    last = last_complete_quarter(today)
    periods = [Period.from_index(i) for i in range(last.index - 4 * size.years + 1, last.index + 1)]
    plans = {}
    for obj in fw.objectives:
        for p in fw.partners:
            rng = random.Random(f"pace-{size.seed}-{obj.code}-{p.code}")  # noqa: S311
            start, goal = obj.baseline.for_partner(p.code) or 0.0, obj.target.for_partner(p.code) or 0.0
            plans[(p.code, obj.kpi)] = (start, goal, rng.choice(PACES))
    base, span = periods[0].index - 1, fw.objectives[0].deadline.index - (periods[0].index - 1)
    out = []
    for period in periods:
        rng = random.Random(f"figures-{size.seed}-{period}")  # noqa: S311
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(HEADER)
        for p in fw.partners:
            for kpi in fw.kpis:
                start, goal, pace = plans[(p.code, kpi.code)]
                roll = rng.random()
                if roll < 0.01 or (period == last and roll < 0.03):
                    continue  # not sent (overdue, or not yet due)
                planned = start + (goal - start) * (period.index - base) / span
                value = start + (planned - start) * pace + rng.gauss(0, 0.01 * abs(goal - start))
                value = round(max(0.0, min(value, 100.0)) if kpi.unit is Unit.PERCENT else max(0.0, value), 1)
                text = f"{value:g}%" if kpi.unit is Unit.PERCENT else f"{value:g}"
                writer.writerow([p.code, str(period), kpi.code, text, ""])
        when = datetime.combine(min(period.due(fw.partnership.data_due_days), today), time(10, 30))
        name = f"synthetic-{str(period).replace('/', '-').replace(' ', '-')}.csv"
        out.append((name, buffer.getvalue().encode("utf-8"), when))
    return out


def install(con: duckdb.DuckDBPyConnection, size: Size, *, today: date, by: str) -> list[str]:
    """Load the synthetic framework and its figures; refuses a database holding a real partnership."""
    if size.partners < 1 or size.years < 1 or size.kpis < 1:
        raise DemoRefused("--partners, --years and --kpis must each be at least 1")
    existing = con.execute("SELECT name, illustrative FROM core.partnership").fetchall()
    if existing and not existing[0][1]:
        raise DemoRefused(f"this database holds a real partnership ({existing[0][0]}); the demo is not loaded into it")
    fw = framework(size, today)
    report = load_framework(con, fw, by=Actor.administrator(by), sha256=sha256(fw.model_dump_json().encode()))
    files = quarter_files(fw, size, today)
    cat = catalogue(con, today)
    checked = []
    for name, data, _when in files:
        result = check_file(data, name, cat)
        if not result.ok:  # synthetic figures pass the same checks as any upload
            raise DemoRefused("; ".join(str(p) for p in result.problems[:5]))
        checked.append((result, data))
    stored = store_files(
        con,
        checked,
        by=Actor.administrator("Synthetic data (illustrative)"),
        source="demo",
        illustrative=True,
        times=[when for *_, when in files],
        approve=True,
    )
    new = [s for s in stored if s.duplicate_of is None]
    lines = [f"Synthetic framework: {line}" for line in report.lines()]
    lines.append(
        f"Synthetic figures: {len(new)} new submissions with {sum(s.rows for s in new):,} figures "
        f"({len(stored) - len(new)} already present), up to {last_complete_quarter(today)}."
    )
    return lines
