"""Two further demo partnerships, each loaded into a database of its own: MKIP ICT and SELCP.

Each has its own framework file (data/demo/mkip/framework.yaml, data/demo/selcp/framework.yaml, saying what is
real and what is illustrative), illustrative quarterly figures that go in through the same checks as an officer's
upload and are approved, and its business (metrics/demo_partnerships_business.py). Like LICTP's demo
(metrics/demo.py), loading one twice changes nothing; unlike it, nothing here knows of other partnerships.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb

from metrics import demo_partnerships_business as business
from metrics.access import Actor
from metrics.config import DEMO_DIR
from metrics.demo import NOT_AVAILABLE, NOTES, DemoRefused, Plan, _drift_plan, _periods, _plans, _value
from metrics.framework import read_framework
from metrics.loader import load_framework
from metrics.models import Framework, Kpi, Unit
from metrics.periods import Period, last_complete_quarter
from metrics.submissions import catalogue, check_file, sha256, store_files

MKIP_FRAMEWORK = DEMO_DIR / "mkip" / "framework.yaml"
SELCP_FRAMEWORK = DEMO_DIR / "selcp" / "framework.yaml"
HEADER = ["partner", "period", "kpi", "value", "note"]


def install_mkip(con: duckdb.DuckDBPyConnection, *, today: date, by: str) -> list[str]:
    """Load MKIP ICT (Swale, Tunbridge Wells and Maidstone) into a migrated database holding nothing else."""
    return _install(con, MKIP_FRAMEWORK, today=today, by=by)


def install_selcp(con: duckdb.DuckDBPyConnection, *, today: date, by: str) -> list[str]:
    """Load SELCP (Boston, East Lindsey and South Holland) into a migrated database holding nothing else."""
    return _install(con, SELCP_FRAMEWORK, today=today, by=by)


def _install(con: duckdb.DuckDBPyConnection, path: Path, *, today: date, by: str) -> list[str]:
    """Load the framework at `path`, its figures up to the last complete quarter before `today`, and its business."""
    fw = read_framework(path)
    code = fw.partnership.short_name
    held = con.execute("SELECT name, short_name FROM core.partnership").fetchall()
    if held and held[0][1] != code:
        raise DemoRefused(f"this database holds {held[0][0]}; the {code} demo goes into a database of its own")
    report = load_framework(con, fw, by=Actor.administrator(by), sha256=sha256(path.read_bytes()))
    files = figure_files(fw, today)
    cat = catalogue(con, today)
    checked = []
    for name, data, _when in files:
        result = check_file(data, name, cat)
        if not result.ok:  # the demo passes the same checks as any upload
            raise DemoRefused("; ".join(str(p) for p in result.problems[:5]))
        checked.append((result, data))
    stored = store_files(
        con,
        checked,
        by=Actor.administrator(business.BY),
        source="demo",
        approve=True,
        illustrative=True,
        times=[when for *_, when in files],
    )
    new = [s for s in stored if s.duplicate_of is None]
    lines = [f"{code} demo framework: {line}" for line in report.lines()]
    lines.append(
        f"{code} demo figures: {len(new)} new submissions with {sum(s.rows for s in new)} figures "
        f"({len(stored) - len(new)} already present), up to {last_complete_quarter(today)}."
    )
    return lines + business.install(con, code, today=today)


def figure_files(fw: Framework, today: date) -> list[tuple[str, bytes, datetime]]:
    """(file name, CSV bytes, when submitted): one file per partner and quarter (a year's annual figures in its
    fourth quarter's file), each partner's figures following its objective's line as LICTP's do."""
    plans = _plans(fw)
    by_file: dict[tuple[str, Period], list[list[str]]] = {}
    for partner in fw.partners:
        for kpi in fw.kpis:
            plan = plans.get((partner.code, kpi.code)) or _drift_plan(kpi, partner.code)
            for period in _periods(fw, kpi, partner.code, today):
                row = _row(fw.partnership.short_name, kpi, plan, partner.code, period)
                if row is not None:
                    key = (partner.code, period if not period.is_annual else Period(period.year, 4))
                    by_file.setdefault(key, []).append(row)
    out = []
    for (partner_code, period), rows in sorted(by_file.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        due = period.due(fw.partnership.data_due_days)
        when = min(
            datetime.combine(due - timedelta(days=2 + len(partner_code)), time(11)), datetime.combine(today, time(9))
        )
        name = f"demo-{fw.partnership.short_name}-{partner_code}-{period.slug}.csv"
        out.append((name, buffer.getvalue().encode("utf-8"), when))
    return out


def _row(code: str, kpi: Kpi, plan: Plan, partner: str, period: Period) -> list[str] | None:
    """One figure's CSV row: now and then missing or not available, sometimes with a note."""
    rng = random.Random(f"{code}-figure-{kpi.code}-{partner}-{period}")  # noqa: S311 (made-up figures)
    roll = rng.random()
    if roll < 0.02:
        return None  # never sent
    if roll < 0.03:
        return [partner, str(period), kpi.code, "", NOT_AVAILABLE]
    value = _value(kpi, plan, period, rng)
    note = ""
    if rng.random() < 0.1:
        note = rng.choice(NOTES["behind" if plan.profile == "behind" else "slipping" if plan.pace < 1 else "good"])
    text = f"{value:g}" if kpi.unit is not Unit.PERCENT else f"{value:g}%"
    return [partner, str(period), kpi.code, text, note]
