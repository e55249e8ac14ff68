"""`python -m tests.perf.fresh --db PATH`: the server's CPU seconds for each fresh load of the Overview.

A quick probe of one of issue 14's targets (under 0.3 s per fresh load at fifty councils) without the whole
`make bench`: serve a copy of the database, load the Overview once to fill the caches, then load it `--loads`
times, each in a new browser context (a new Streamlit session), and read the server process's CPU seconds
(/proc/PID/stat) before and after each load to settled (tests/perf/browser_walk.py `SETTLED`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve_process
from tests.perf.browser_walk import APP_ENV, TARGET_FRESH_CPU, VIEWPORT, _goto, _server_cpu


def measure(db: Path, loads: int) -> tuple[list[float], list[float]]:
    """(server CPU seconds, wall seconds) of each fresh, warm load of the Overview of a copy of `db`."""
    cpu, wall = [], []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "fresh.duckdb"
        shutil.copy(db, copy)
        with serve_process(copy, env=APP_ENV) as (url, proc), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for n in range(loads + 1):  # the first fills the caches and is not counted
                context = browser.new_context(viewport=VIEWPORT)
                before = _server_cpu(proc.pid)
                seconds = _goto(context.new_page(), f"{url}/", "/")
                if n:
                    cpu.append(_server_cpu(proc.pid) - before)
                    wall.append(seconds)
                context.close()
            browser.close()
    return cpu, wall


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.fresh", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the database to serve (a copy is used)")
    parser.add_argument("--loads", type=int, default=5, help="fresh loads measured (the median is reported)")
    args = parser.parse_args(argv)
    cpu, wall = measure(args.db, args.loads)
    median = statistics.median(cpu)
    verdict = "PASS" if median < TARGET_FRESH_CPU else "MISS"
    print(f"server CPU s per fresh Overview load: {', '.join(f'{c:.2f}' for c in cpu)}")
    wall_median = statistics.median(wall)
    print(f"median {median:.2f} s {verdict} (target < {TARGET_FRESH_CPU:g} s); wall median {wall_median:.2f} s")


if __name__ == "__main__":
    main()
