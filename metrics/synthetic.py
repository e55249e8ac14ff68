"""`charter demo`: a synthetic partnership of any size, for trying Charter at scale (issue 8).

N councils (C001, C002, ...), K KPIs spread over digital, ICT and finance, one objective per KPI,
and Y years of quarterly figures ending at the last complete quarter. Everything follows from the
seed, and the partnership and its figures are flagged illustrative. The figures go through the same
checks as an upload, one approved file per quarter.

Unless left out, a year of service desk tickets too (the last four complete quarters, about one ticket per
active user a quarter): one ServiceNow-style export of the shared desk, imported as any export is, whose
figures for the five service desk KPIs (ICT01-ICT04, ICT06) are approved. `write_ticket_export` makes the
export; the 1,000,000-row ticket benchmark (tests/perf/tickets.py) uses it too.
"""

from __future__ import annotations

import csv
import io
import random
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import duckdb

from metrics import submissions, tickets
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
    Rollup,
    Tolerance,
    Unit,
)
from metrics.periods import Period, last_complete_quarter
from metrics.store import read_sql
from metrics.submissions import catalogue, check_file, sha256, store_files

CATEGORIES = [Category.DIGITAL, Category.ICT, Category.FINANCE]
TITLES = {Category.DIGITAL: "Digital Councils", Category.ICT: "Resilient ICT", Category.FINANCE: "Value for Money"}
# Each partner-KPI series tracks its objective's line at one of these paces (1 = exactly on it).
PACES = [1.08, 1.02, 0.96, 0.7]
HEADER = ["partner", "period", "kpi", "value", "note"]
BY = "Synthetic data (illustrative)"
FAR_FUTURE = datetime(9999, 12, 31)
TICKETS_PER_USER = 1.0  # a quarter; a council of 200 to 2,000 users logs a few hundred to about 2,000 tickets


def _desk_kpi(code: str, name: str, unit: Unit, polarity: Polarity, rollup: Rollup) -> Kpi:
    percent = {"min": 0, "max": 100} if unit is Unit.PERCENT else {}
    return Kpi(
        code=code, name=name, definition=f"{name} in the quarter, worked out from the service desk's tickets.",
        unit=unit, polarity=polarity, category=Category.ICT, rollup=rollup, source="Service desk tool", **percent,
    )  # fmt: skip


# The KPIs that service desk tickets give figures for (core.ticket_kpi_map).
SERVICE_DESK_KPIS = [
    _desk_kpi("ICT01", "Service desk tickets logged", Unit.COUNT, Polarity.LOWER, Rollup.SUM),
    _desk_kpi(
        "ICT02", "Incidents resolved within target time", Unit.PERCENT, Polarity.HIGHER, Rollup.USER_WEIGHTED_MEAN
    ),
    _desk_kpi("ICT03", "Fixed first time", Unit.PERCENT, Polarity.HIGHER, Rollup.USER_WEIGHTED_MEAN),
    _desk_kpi("ICT04", "Average time to fix priority 1 incidents", Unit.HOURS, Polarity.LOWER, Rollup.MEAN),
    _desk_kpi("ICT06", "Priority 1 incidents", Unit.COUNT, Polarity.LOWER, Rollup.SUM),
]


@dataclass(frozen=True)
class Size:
    partners: int
    years: int
    seed: int
    kpis: int = 60
    tickets: bool = True  # a year of service desk tickets, and the service desk KPIs
    code: str = "SYN"  # the partnership's code; another code also prefixes its councils' codes and names

    def council(self, i: int) -> tuple[str, str]:
        """The code and name of council `i`: C001 and "Synthetic Council 1", or P07-C001 and "P07 Council 1"."""
        if self.code == "SYN":
            return f"C{i:03d}", f"Synthetic Council {i}"
        return f"{self.code}-C{i:03d}", f"{self.code} Council {i}"


def framework(size: Size, today: date) -> Framework:
    """The synthetic partnership's framework: partners, KPIs and one objective per KPI."""
    rng = random.Random(f"framework-{size.seed}")  # noqa: S311 (made-up figures, not secrets)
    last = last_complete_quarter(today)
    first = Period.from_index(last.index - 4 * size.years + 1)
    baseline = first.previous()
    deadline = Period.from_index(last.index + 4)
    partners = [
        Partner(
            code=size.council(i)[0],
            name=size.council(i)[1],
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
            name=f"Synthetic Partnership{'' if size.code == 'SYN' else ' ' + size.code} ({size.partners} councils)",
            short_name=size.code,
            lead_authority=partners[0].code,
            illustrative=True,
            description="A synthetic partnership for trying Charter at scale: every name and figure is made up.",
        ),
        partners=partners,
        commitments=commitments,
        outcomes=outcomes,
        kpis=kpis + (SERVICE_DESK_KPIS if size.tickets else []),
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
    targeted = [k for k in fw.kpis if k not in SERVICE_DESK_KPIS]  # the service desk's come from its tickets
    base, span = periods[0].index - 1, fw.objectives[0].deadline.index - (periods[0].index - 1)
    out = []
    for period in periods:
        rng = random.Random(f"figures-{size.seed}-{period}")  # noqa: S311
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(HEADER)
        for p in fw.partners:
            for kpi in targeted:
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
        name = f"synthetic-{period.slug}.csv"
        out.append((name, buffer.getvalue().encode("utf-8"), when))
    return out


@dataclass(frozen=True)
class TicketSpec:
    """What `write_ticket_export` generates; metrics/sql/synthetic_tickets.sql says how."""

    rows: int
    start: datetime  # tickets are opened over the `seconds` from `start`
    seconds: int
    # (name, bound, stretch): a company takes the rows whose bucket (0 to modulus - 1) is below its bound and at
    # or above the bound before; its tickets take up to `stretch` tenths of their priority's target to resolve.
    companies: Sequence[tuple[str, int, int]]
    modulus: int = 100
    divisor: int = 100  # a row's bucket: (hash // divisor) % modulus
    salt: int = 0  # another salt, another set of rows
    now: datetime = FAR_FUTURE  # when the export is taken: nothing is resolved or closed after it
    request_every: int = 50
    first_number: int = 0
    digits: int = 7
    bad_rows: bool = False  # an unreadable date every 100,000 rows and a repeated number every 250,000


def write_ticket_export(path: Path, spec: TicketSpec) -> None:
    """Write a ServiceNow-style ticket export as CSV: the same bytes for the same spec."""
    names, bounds, stretch = (list(column) for column in zip(*spec.companies, strict=True))
    with duckdb.connect() as con:
        con.execute("SET threads = 1")  # one writer thread keeps the row order, and so the bytes, fixed
        params = {
            "rows": spec.rows, "start": spec.start, "seconds": spec.seconds, "companies": names, "bounds": bounds,
            "stretch": stretch, "modulus": spec.modulus, "divisor": spec.divisor, "salt": spec.salt, "now": spec.now,
            "request_every": spec.request_every, "first_number": spec.first_number, "digits": spec.digits,
            "bad_rows": spec.bad_rows,
        }  # fmt: skip
        con.sql(read_sql("synthetic_tickets"), params=params).write_csv(str(path), header=True)


def ticket_year(fw: Framework, size: Size, today: date, folder: Path) -> Path:
    """The shared service desk's export of the last four complete quarters' tickets for every council.

    About TICKETS_PER_USER tickets per active user a quarter; one in three a request; each council resolves
    its tickets at its own pace. Each quarter's tickets follow from the seed and the quarter alone, so a later
    run updates the quarters it shares with an earlier one instead of adding to them.
    """
    last = last_complete_quarter(today)
    quarters = [Period.from_index(i) for i in range(last.index - 3, last.index + 1)]
    users = [p.active_users[-1].users for p in fw.partners]
    rng = random.Random(f"tickets-{size.seed}")  # noqa: S311
    modulus, running, companies = 1_000_000, 0, []
    for partner, n in zip(fw.partners, users, strict=True):
        running += n
        # Up to 1.1 to 1.4 times the target to resolve: from about nine in ten within it to about seven in ten.
        companies.append((partner.name, modulus * running // sum(users), rng.randint(11, 14)))
    path = folder / f"synthetic-service-desk-{quarters[0].slug}-to-{last.slug}.csv"
    with path.open("wb") as out:
        for q in quarters:
            q_rng = random.Random(f"tickets-{size.seed}-{q}")  # noqa: S311
            start = datetime.combine(q.start, time())
            spec = TicketSpec(
                rows=round(sum(users) * TICKETS_PER_USER * q_rng.uniform(0.9, 1.1)),
                start=start,
                seconds=int((datetime.combine(q.shift(1).start, time()) - start).total_seconds()),
                companies=companies,
                modulus=modulus,
                divisor=10**8,  # digits of the hash that neither priority nor "never resolved" uses
                salt=q_rng.randrange(2**56),
                now=datetime.combine(today, time(9)),
                request_every=3,
                first_number=q.index * 10**7,
                digits=11,
            )
            part = folder / f"{q.index}.csv"
            write_ticket_export(part, spec)
            data = part.read_bytes()
            out.write(data if q == quarters[0] else data.split(b"\n", 1)[1])
            part.unlink()
    return path


def install_tickets(con: duckdb.DuckDBPyConnection, fw: Framework, size: Size, *, today: date) -> str:
    """Import a year of synthetic tickets as any export is and approve the KPI figures they give; says so."""
    by = Actor.administrator(BY)
    with tempfile.TemporaryDirectory(prefix="charter-demo-") as tmp:
        path = ticket_year(fw, size, today, Path(tmp))
        try:
            done = tickets.import_export(con, path, path.name, by=by, today=today)
        except tickets.TicketError as exc:  # synthetic tickets pass the same checks as any export
            raise DemoRefused(str(exc)) from None
    _approve(con, done.import_id, by)  # also an earlier run's, had it stopped before approving
    if done.duplicate_at is not None:
        return f"Synthetic service desk: {path.name} was already imported (import {done.import_id}); no new tickets."
    last = last_complete_quarter(today)
    figures = f"{done.figures:,} service desk KPI figures approved" if done.figures else "no KPI figure changed"
    return (
        f"Synthetic service desk: {done.rows_read:,} tickets imported for {len(fw.partners)} councils, "
        f"{last.shift(-3)} to {last} ({done.new:,} new, {done.changed:,} changed, {done.unchanged:,} unchanged); "
        f"{figures}."
    )


def _approve(con: duckdb.DuckDBPyConnection, import_id: int, by: Actor) -> None:
    """Flag the figures a ticket import submitted as illustrative and approve them, unless already reviewed."""
    rows = con.execute(
        "SELECT s.id FROM core.ticket_import i JOIN core.submission s ON s.id = i.submission_id "
        "WHERE i.id = $id AND s.status = 'submitted'",
        {"id": import_id},
    ).fetchall()
    for (sid,) in rows:
        con.execute("UPDATE core.submission SET illustrative = true WHERE id = $id", {"id": sid})
        submissions.review(con, sid, approve=True, by=by, comment="approved on loading")


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
        by=Actor.administrator(BY),
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
    if size.tickets:
        lines.append(install_tickets(con, fw, size, today=today))
    return lines


MANY_MEMBER = range(3, 9)  # councils in each of the benchmark's partnerships (`install_many_member`)
MANY_MEMBER_CODE = re.compile(r"[A-Za-z0-9_-]{1,12}")


def install_many_member(
    con: duckdb.DuckDBPyConnection, code: str, councils: int, seed: int, *, today: date, by: str
) -> list[str]:
    """One small synthetic partnership `code` of 3 to 8 councils coded CODE-C001..., for the many-partnership
    benchmark: 20 KPIs and 3 years of figures, no tickets (a second or two of work each)."""
    if not MANY_MEMBER_CODE.fullmatch(code):
        raise DemoRefused(f"a partnership code is 1 to 12 letters, digits, '-' or '_'; '{code}' is not")
    if councils not in MANY_MEMBER:
        raise DemoRefused(f"a partnership here has {MANY_MEMBER[0]} to {MANY_MEMBER[-1]} councils, not {councils}")
    held = con.execute("SELECT name, short_name FROM core.partnership").fetchall()
    if held and held[0][1] != code:
        raise DemoRefused(f"this database holds {held[0][0]}; partnership {code} goes into a database of its own")
    return install(con, Size(councils, 3, seed, kpis=20, tickets=False, code=code), today=today, by=by)
