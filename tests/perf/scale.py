"""Benchmarks at 50 councils (issue 8): build, a 100,000-row ingest, progress, pages and peak memory.

The database is built by the real `charter demo --partners 50 --years 10` (60 KPIs, 40 quarters).
Pages run in a child process so that its peak resident memory (VmHWM) is the app's, not the bench's.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from metrics import store, submissions
from metrics.access import Actor
from metrics.config import ROOT
from tests.perf import browser_walk

PARTNERS, YEARS, KPIS = 50, 10, 60
INGEST_ROWS = 100_000
TARGETS = {"page_warm": 0.5, "ingest": 3.0}

_CHILD = """
import json, sys
from pathlib import Path
from tests.perf import pages
times = pages.page_times(Path(sys.argv[1]))
hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))
print(json.dumps({'pages': times, 'vmhwm_kb': hwm}))
"""


def _resubmission(db: Path, today: date) -> bytes:
    """100,000 existing figures (partner, quarter, KPI) with new values: a large re-submission."""
    with store.connect(db, read_only=True, as_of=today) as con:
        rows = con.execute(
            "SELECT m.partner_code, m.period, m.kpi_code, m.value, k.unit FROM measurement m "
            "JOIN kpi k ON k.code = m.kpi_code WHERE m.value IS NOT NULL "
            "ORDER BY m.period DESC, m.partner_code, m.kpi_code LIMIT $n",
            {"n": INGEST_ROWS},
        ).fetchall()
    assert len(rows) == INGEST_ROWS, len(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["partner", "period", "kpi", "value", "note"])
    for partner, period, kpi, value, unit in rows:
        new = round(min(value * 1.01, 100.0) if unit == "%" else value * 1.01, 1)
        writer.writerow([partner, period, kpi, f"{new:g}%" if unit == "%" else f"{new:g}", "Re-submitted"])
    return buffer.getvalue().encode("utf-8")


def run(tmp: Path, today: date) -> dict[str, dict[str, float | int | str]]:
    results: dict[str, dict[str, float | int | str]] = {}
    db = tmp / "scale.duckdb"
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "charter"), "--db", str(db), "demo", "--partners", str(PARTNERS),
         "--years", str(YEARS), "--kpis", str(KPIS), "--seed", "1"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    with store.connect(db, read_only=True) as con:
        figures, kpis, tickets = con.execute(
            "SELECT (SELECT count(*) FROM core.measurement), (SELECT count(*) FROM core.kpi), "
            "(SELECT count(*) FROM core.ticket)"
        ).fetchall()[0]
    label = (
        f"scale: charter demo {PARTNERS} councils x {kpis} KPIs x {YEARS * 4} quarters "
        f"({figures:,} figures, {tickets:,} service desk tickets)"
    )
    results[label] = {
        "seconds": time.perf_counter() - start,
        "rows": int(figures),
    }

    data = _resubmission(db, today)
    times = []
    for _ in range(3):
        target = tmp / "scale-ingest.duckdb"
        shutil.copy(db, target)
        start = time.perf_counter()
        with store.connect(target) as con:
            result = submissions.check_file(data, "resubmission.csv", submissions.catalogue(con, today))
            assert result.ok, result.problems[:3]
            submissions.store_files(con, [(result, data)], by=Actor.administrator("bench"), source="bench")
        times.append(time.perf_counter() - start)
    results[f"scale: ingest {INGEST_ROWS:,}-row CSV at {PARTNERS} councils (target < {TARGETS['ingest']:g} s)"] = {
        "seconds": statistics.median(times),
        "rows": INGEST_ROWS,
        "target_seconds": TARGETS["ingest"],
    }

    with store.connect(db, read_only=True) as con:
        n = con.execute("SELECT count(*) FROM objective_progress").fetchall()[0][0]
        times = []
        for _ in range(5):
            start = time.perf_counter()
            con.execute("SELECT status, count(*) FROM objective_progress GROUP BY ALL").fetchall()
            times.append(time.perf_counter() - start)
    results[f"scale: recompute progress at {PARTNERS} councils ({n:,} rows)"] = {
        "seconds": statistics.median(times),
        "rows": int(n),
    }

    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    out = json.loads(child.stdout.strip().splitlines()[-1])
    for page, t in out["pages"].items():
        key = f"scale: page {page} at {PARTNERS} councils, warm (cold {t['cold']:.3f} s; target < 0.5 s warm)"
        results[key] = {"seconds": t["warm"], "cold_seconds": t["cold"], "target_seconds": TARGETS["page_warm"]}
        results[key]["warm_cpu_seconds"] = t["warm_cpu"]  # the script's CPU seconds, less disturbed by other load
    mb = out["vmhwm_kb"] / 1024
    # Not the app's memory (that is the served app's, measured by the browser walk below): this process runs
    # AppTest and every page cold, emptying the caches fifteen times.
    results[f"scale: peak memory of the AppTest process timing the pages: {mb:,.0f} MB (for comparison)"] = {
        "seconds": 0.0,
        "peak_mb": round(mb, 1),
    }
    results.update(browser_walk.run(db))  # every page in Chromium against the served app, and the app's memory
    return results


def speed(results: dict[str, dict[str, float | int | str]]) -> str:
    """Issue 14's page targets for `make bench`: the browser walk's figures against them, and the last `make load`."""
    from tests.perf import load  # here, not above: tests/perf/load.py imports this module

    return f"{browser_walk.table(results)}\n{load.last()}"
