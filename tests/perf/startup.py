"""How long the `charter` command takes to start (issue 14): `charter --help` and `charter submissions` on the demo
database, each against the target of at most 2x `python -c "import duckdb"`.

Each is timed as a whole process (interpreter start included), median of `runs`; the three commands take turns, so
that a busy moment on a shared machine falls on all of them alike. Beside the wall time, each child's processor
time (user + system, from os.wait4), which other programs' load disturbs far less. No CHARTER_* setting is passed
on, as on a fresh install (any but CHARTER_DB is checked by the Settings model, which loads pydantic), and Python
may keep its bytecode cache (`environment`).

    python -m tests.perf.startup [RUNS]     # the benchmark on its own
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from metrics import demo, store

TARGET = 2.0  # at most this many times `import duckdb`
BASELINE = "python -c 'import duckdb'"


def environment() -> dict[str, str]:
    """The children's settings: no CHARTER_* (as on a fresh install), and Python's bytecode cache allowed.

    PYTHONDONTWRITEBYTECODE, set in some shells and sandboxes, makes every run compile every module it imports
    again (a second of processor time for `charter ingest`); an installed command has its bytecode cached, and
    the warm-up round writes it here."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CHARTER_") and name != "PYTHONDONTWRITEBYTECODE"
    }


def _charter() -> list[str]:
    """The installed `charter` script beside this interpreter, as a user runs it (else `python -m metrics`)."""
    script = Path(sys.executable).parent / "charter"
    return [str(script)] if script.exists() else [sys.executable, "-m", "metrics"]


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """One whole process: its wall time and its processor time (user + system), in seconds."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_utime + usage.ru_stime


def run(runs: int = 7) -> dict[str, dict[str, float | int | str]]:
    """The baseline and both commands, median of `runs` each (after one warm-up round), against the target."""
    env = environment()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "charter.duckdb"
        with store.connect(db) as con:
            store.migrate(con)
            demo.install(con, today=date(2025, 11, 20), by="bench")
        commands = {
            BASELINE: [sys.executable, "-c", "import duckdb"],
            "charter --help": [*_charter(), "--help"],
            "charter submissions (demo database)": [*_charter(), "--db", str(db), "submissions"],
        }
        times: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
        for round_ in range(runs + 1):
            for label, command in commands.items():
                timing = _time(command, env)
                if round_:  # the first round only warms the disk cache
                    times[label].append(timing)
    base_wall, base_cpu = (statistics.median(t[i] for t in times[BASELINE]) for i in (0, 1))
    results: dict[str, dict[str, float | int | str]] = {}
    for label, timings in times.items():
        wall, cpu = (statistics.median(t[i] for t in timings) for i in (0, 1))
        results[f"startup: {label}"] = {
            "seconds": wall,
            "cpu_seconds": cpu,
            "runs": runs,
            "ratio": wall / base_wall,
            "cpu_ratio": cpu / base_cpu,
            "wall_verdict": "" if label == BASELINE else ("PASS" if wall / base_wall <= TARGET else "MISS"),
            "cpu_verdict": "" if label == BASELINE else ("PASS" if cpu / base_cpu <= TARGET else "MISS"),
        }
        if label != BASELINE:  # the figure `make bench` states against the target (tests/perf/run.py)
            results[f"startup: {label}"] |= {
                "target": f"at most {TARGET:g}x {BASELINE} (processor time)",
                "figure": f"{cpu / base_cpu:.2f}x ({cpu:.2f} s vs {base_cpu:.2f} s CPU; wall {wall / base_wall:.2f}x)",
                "verdict": str(results[f"startup: {label}"]["cpu_verdict"]),
            }
    return results


def table(results: dict[str, dict[str, float | int | str]]) -> str:
    """The results as a table against the target, wall time and processor time each."""
    width = max(map(len, results))
    runs = next(iter(results.values()))["runs"]
    lines = [
        f"Command start, each a whole process, median of {runs} runs; target: at most {TARGET:g}x {BASELINE}",
        f"{'command':<{width}}  seconds   ratio  target  cpu s  cpu ratio  cpu target",
    ]
    for key, r in results.items():
        lines.append(
            f"{key:<{width}}  {r['seconds']:7.3f}  {r['ratio']:5.2f}x  {r['wall_verdict']:>6}  "
            f"{r['cpu_seconds']:5.3f}  {r['cpu_ratio']:8.2f}x  {r['cpu_verdict']:>10}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 7)))
