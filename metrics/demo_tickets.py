"""The demo's year of service desk tickets: a ServiceNow-style export, imported as any export is (issue 13).

Each council's tickets follow the demo's own trajectories for the five KPIs the desk feeds (tickets logged,
incidents within SLA, fixed first time, time to fix a priority 1 incident, priority 1 incidents), so the
figures the import gives carry on from the earlier quarters' uploads. Every ticket is made up; the export's
file name, the importer's name and the figures' submission say so (illustrative).
"""

from __future__ import annotations

import csv
import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb

from metrics import submissions, tickets
from metrics.access import Actor
from metrics.models import Framework
from metrics.periods import Period, last_complete_quarter

BY = "Demo data (illustrative)"
QUARTERS = 4  # a year: the last four complete quarters
# The KPIs the desk's tickets give figures for (core.ticket_kpi_map): their earlier figures come from uploads.
DESK_KPIS = ("ICT01", "ICT02", "ICT03", "ICT04", "ICT06")
HEADER = [
    "number", "short_description", "priority", "state", "opened_at", "resolved_at", "closed_at", "made_sla",
    "reassignment_count", "company", "category",
]  # fmt: skip
PRIORITIES = ["1 - Critical", "2 - High", "3 - Moderate", "4 - Low"]
TARGET_HOURS = [4, 8, 24, 72]  # each priority's time to resolve within SLA
WHAT = {
    "software": ["Cannot open the planning system", "Outlook keeps asking for a password", "Report will not run"],
    "hardware": ["Laptop will not start", "Docking station not charging", "Printer jammed on the first floor"],
    "network": ["Wi-fi drops in the council chamber", "VPN will not connect from home", "Slow network in the depot"],
    "inquiry": ["How do I share a calendar?", "Where is the new intranet page?", "Teams meeting room booking"],
}
REQUESTS = ["New starter: laptop and accounts", "Leaver: remove access", "Software request", "New mobile phone"]
# Tickets still being worked on when the export was taken: a few of the last weeks', fewer older ones.
STILL_OPEN = {"recent": 0.03, "older": 0.002}
RECENT = timedelta(days=100)


@dataclass(frozen=True)
class Quarter:
    """What one council's tickets in one quarter should come to: the demo's planned KPI figures."""

    logged: int
    within_sla: float  # %
    first_time: float  # %
    p1_hours: float
    p1: int

    KPIS = DESK_KPIS  # logged, within_sla, first_time, p1_hours, p1: the KPI each field is planned from


def quarters(today: date) -> list[Period]:
    """The quarters the demo's export covers: the last four complete ones before `today`."""
    last = last_complete_quarter(today)
    return [last.shift(i - QUARTERS + 1) for i in range(QUARTERS)]


def write_export(path: Path, plans: dict[tuple[str, Period], Quarter], fw: Framework, today: date) -> int:
    """Write the export of every council's tickets in the planned quarters; returns the number of tickets."""
    names = {p.code: p.name for p in fw.partners}
    now = datetime.combine(today, time(9))
    rows: list[list[str]] = []
    for (partner, period), plan in sorted(plans.items(), key=lambda kv: (kv[0][1].index, kv[0][0])):
        rng = random.Random(f"tickets-{partner}-{period}")  # noqa: S311 (made-up tickets, not secrets)
        rows.extend(_tickets(plan, names[partner], period, now, rng))
    rows.sort(key=lambda r: r[4])  # as a desk exports them: oldest first
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for n, row in enumerate(rows, start=1):
            prefix = "RITM" if row[0] == "request" else "INC"
            writer.writerow([f"{prefix}{1_000_000 + n:07d}", *row[1:]])
    return len(rows)


def _tickets(plan: Quarter, company: str, period: Period, now: datetime, rng: random.Random) -> list[list[str]]:
    """One council's tickets opened in one quarter, as export rows (the number column says incident or request)."""
    start = datetime.combine(period.start, time(8))
    span = (datetime.combine(period.end, time(17)) - start).total_seconds()
    incidents = max(plan.logged - round(plan.logged * 0.3), plan.p1)
    out = []
    for i in range(plan.logged):
        opened = start + timedelta(seconds=rng.uniform(0, span))
        if i >= incidents:
            out.append(_request(opened, company, now, rng))
            continue
        priority = 1 if i < plan.p1 else rng.choices([2, 3, 4], weights=[9, 50, 41])[0]
        out.append(_incident(priority, opened, company, plan, now, rng))
    return out


def _incident(
    priority: int, opened: datetime, company: str, plan: Quarter, now: datetime, rng: random.Random
) -> list[str]:
    target = TARGET_HOURS[priority - 1]
    if priority == 1:
        hours = max(0.5, rng.gauss(plan.p1_hours, plan.p1_hours * 0.3))
    elif rng.random() * 100 < plan.within_sla:
        hours = target * rng.uniform(0.05, 0.95)
    else:
        hours = target * rng.uniform(1.1, 3.0)
    moves = 0 if rng.random() * 100 < plan.first_time else rng.randint(1, 3)
    category = rng.choice(list(WHAT))
    resolved = opened + timedelta(hours=hours)
    stuck = STILL_OPEN["recent" if now - opened < RECENT else "older"]
    if rng.random() < stuck or resolved > now:
        return ["incident", rng.choice(WHAT[category]), PRIORITIES[priority - 1], "In Progress", _at(opened), "", "",
                "", str(moves), company, category]  # fmt: skip
    return ["incident", rng.choice(WHAT[category]), PRIORITIES[priority - 1], *_ended(opened, resolved, now),
            "true" if hours <= target else "false", str(moves), company, category]  # fmt: skip


def _request(opened: datetime, company: str, now: datetime, rng: random.Random) -> list[str]:
    done = opened + timedelta(hours=rng.uniform(2, 120))
    if done > now:
        return ["request", rng.choice(REQUESTS), "4 - Low", "Open", _at(opened), "", "", "", "0", company, "request"]
    return ["request", rng.choice(REQUESTS), "4 - Low", *_ended(opened, done, now), "true", "0", company, "request"]


def _ended(opened: datetime, resolved: datetime, now: datetime) -> list[str]:
    """State, opened, resolved and closed of a ticket resolved at `resolved`: closed three days later."""
    closed = resolved + timedelta(days=3)
    shut = closed <= now
    return ["Closed" if shut else "Resolved", _at(opened), _at(resolved), _at(closed) if shut else ""]


def _at(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def install(
    con: duckdb.DuckDBPyConnection, plans: dict[tuple[str, Period], Quarter], fw: Framework, today: date
) -> str:
    """Import the demo's export through the real ticket import and approve the figures it gives; says what."""
    from metrics.demo import DemoRefused  # metrics.demo calls this module

    by = Actor.administrator(BY)
    covered = quarters(today)
    with tempfile.TemporaryDirectory(prefix="charter-demo-") as tmp:
        name = f"demo-service-desk-illustrative-{covered[0].slug}-to-{covered[-1].slug}.csv"
        path = Path(tmp) / name
        write_export(path, plans, fw, today)
        try:
            done = tickets.import_export(con, path, name, by=by, today=today)
        except tickets.TicketError as exc:  # the demo's tickets pass the same checks as any export
            raise DemoRefused(str(exc)) from None
    _approve(con, done.import_id, by)
    if done.duplicate_at is not None:
        return f"Demo service desk: {name} was already imported (import {done.import_id}); no new tickets."
    return (
        f"Demo service desk: {done.rows_read:,} tickets imported for {len({p for p, _ in plans})} councils, "
        f"{covered[0]} to {covered[-1]}; {done.figures} service desk KPI figures approved (illustrative)."
    )


def _approve(con: duckdb.DuckDBPyConnection, import_id: int, by: Actor) -> None:
    """Flag the figures the import submitted as illustrative and approve them, unless already reviewed."""
    rows = con.execute(
        "SELECT s.id FROM core.ticket_import i JOIN core.submission s ON s.id = i.submission_id "
        "WHERE i.id = $id AND s.status = 'submitted'",
        {"id": import_id},
    ).fetchall()
    for (sid,) in rows:
        con.execute("UPDATE core.submission SET illustrative = true WHERE id = $id", {"id": sid})
        submissions.review(con, sid, approve=True, by=by, comment="approved on loading the demo")
