"""`make bench`: a 100,000-row re-submission at 50 councils through `charter ingest`, against a bare DuckDB read.

Issue 14's target: `charter ingest FILE` (every check, then the figures stored) in at most 3x a bare DuckDB
`read_csv` of the same file inserted into a table of the same database, both timed as whole processes
(interpreter start included), median of `runs`, each on a fresh copy of the database. The database is the
synthetic partnership of `metrics/synthetic.py` at 50 councils, 60 KPIs and 40 quarters (without tickets, which
the re-submission does not touch); the file gives 100,000 of its figures again with new values
(`tests/perf/scale.py`). The two commands take turns, so that a busy moment on a shared machine falls on both
alike. Beside the wall time, each child's processor time (user + system, all threads, from os.wait4), which other
programs' load disturbs far less.

    python -m tests.perf.resubmit [RUNS]     # the benchmark on its own
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from metrics import store, synthetic
from tests.perf import scale, startup

TARGET = 3.0  # at most this many times the bare read and insert
SIZE = synthetic.Size(partners=50, years=10, seed=1, kpis=60, tickets=False)
BASELINE = "bare DuckDB read_csv + insert"
# The baseline: the same file read by DuckDB and inserted into a new table of the same database.
_BARE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE incoming (partner VARCHAR, period VARCHAR, kpi VARCHAR, value VARCHAR, note VARCHAR)")
con.execute("INSERT INTO incoming SELECT * FROM read_csv($p, header = true, all_varchar = true)", {"p": sys.argv[2]})
con.close()
"""


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One whole process: its wall time and its processor time (user + system), in seconds."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert child.stderr is not None
    err = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {err.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime


def build(folder: Path, today: date) -> tuple[Path, Path]:
    """The 50-council database and the 100,000-row re-submission of its figures."""
    db = folder / "partnership.duckdb"
    with store.connect(db, as_of=today) as con:
        store.migrate(con)
        synthetic.install(con, SIZE, today=today, by="bench")
    resubmission = folder / "resubmission.csv"
    resubmission.write_bytes(scale._resubmission(db, today))
    return db, resubmission


def run(runs: int = 5) -> dict[str, dict[str, float | int | str]]:
    """Both commands, median of `runs` each (after one warm-up round), against the target."""
    today = date.today()
    env = startup.environment()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, resubmission = build(folder, today)
        copy = folder / "copy.duckdb"
        commands = {
            BASELINE: [sys.executable, "-c", _BARE, str(copy), str(resubmission)],
            "charter ingest": [*startup._charter(), "--db", str(copy), "--as-of", today.isoformat(), "ingest",
                               str(resubmission)],
        }  # fmt: skip
        times: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
        for round_ in range(runs + 1):
            for label, command in commands.items():
                shutil.copy(db, copy)
                Path(f"{copy}.wal").unlink(missing_ok=True)
                timing = _time(command, env)
                if round_:  # the first round writes the bytecode cache and warms the disk cache
                    times[label].append(timing)
    return _results(times, runs)


def _results(times: dict[str, list[tuple[float, float]]], runs: int) -> dict[str, dict[str, float | int | str]]:
    base_wall, base_cpu = (statistics.median(t[i] for t in times[BASELINE]) for i in (0, 1))
    wall, cpu = (statistics.median(t[i] for t in times["charter ingest"]) for i in (0, 1))
    rows = f"{scale.INGEST_ROWS:,}-row re-submission at {SIZE.partners} councils"
    verdict = "PASS" if cpu / base_cpu <= TARGET else "MISS"
    return {
        f"resubmit: {BASELINE} of the {rows}, whole process": {
            "seconds": base_wall,
            "cpu_seconds": base_cpu,
            "runs": runs,
        },
        f"resubmit: charter ingest of the {rows}, every check, whole process": {
            "seconds": wall,
            "cpu_seconds": cpu,
            "runs": runs,
            "ratio": wall / base_wall,
            "cpu_ratio": cpu / base_cpu,
            "target": f"at most {TARGET:g}x a {BASELINE} (processor time)",
            "figure": f"{cpu / base_cpu:.2f}x ({cpu:.2f} s vs {base_cpu:.2f} s CPU; wall {wall / base_wall:.2f}x, "
            f"{wall:.2f} s vs {base_wall:.2f} s)",
            "verdict": verdict,
        },
    }


if __name__ == "__main__":
    for key, value in run(int(sys.argv[1]) if len(sys.argv) > 1 else 5).items():
        print(f"{key}: {value['seconds']:.3f} s wall, {value['cpu_seconds']:.3f} s CPU" +
              (f"; {value['figure']}: {value['verdict']}" if "verdict" in value else ""))  # fmt: skip
