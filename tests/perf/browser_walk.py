"""Every page an administrator sees, in real Chromium against the served app: seconds from the navigation to a
settled page, on the first visit after the server starts and warm; and the app process's peak memory.

"Settled" is what tests/browser.py `settle()` waits for (connected, the script not running, no skeleton) and no
element Streamlit still marks stale, polled every 20 ms without its fixed pause, once the new page's heading shows.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import CDPSession, Page, ViewportSize, sync_playwright

from metrics import accounts, store
from metrics.access import Actor
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve_process

EMAIL = "bench-admin@example.org"
PASSWORD = "a long bench password"  # noqa: S105 - the bench account's password, in a throwaway copy only
TARGET_SECONDS, TARGET_MB = 3.0, 500.0
TIMEOUT_MS = 120_000
APP_ENV = {"MALLOC_ARENA_MAX": "2"}  # as `make run` serves the app (see the Makefile)
# Settled on the page at `path`, after a new run: its heading is not the one of the page left (`before`). A heading
# is checked rather than the script state going to "running" and back: on a busy page React can commit both at once.
SETTLED = """([path, before]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const heading = document.querySelector('h1');
  return !!app && !!heading && heading.textContent !== before && location.pathname === path
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector("[data-testid='stSkeleton']")
    && !document.querySelector("[data-stale='true']");
}"""
HEADING = "document.querySelector('h1')?.textContent ?? ''"
LINKS = "[data-testid='stSidebar'] .st-key-charter-nav a"
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}


class Visit(NamedTuple):
    """One navigation: seconds to settled, the CPU seconds the app server and the page's renderer spent on it,
    and the app server's peak memory (MB) so far."""

    seconds: float
    server_cpu: float
    browser_busy: float
    peak_mb: float

    def __str__(self) -> str:
        server, page = f"app server CPU {self.server_cpu:.2f} s", f"page main thread {self.browser_busy:.2f} s"
        return f"{self.seconds:.2f} s ({server}, {page}, app peak {self.peak_mb:.0f} MB)"


class Meter:
    """CPU time so far of the app server process (/proc) and of the page's main thread (Chrome's TaskDuration)."""

    def __init__(self, page: Page, pid: int) -> None:
        self.pid = pid
        self.cdp: CDPSession = page.context.new_cdp_session(page)
        self.cdp.send("Performance.enable")
        self.tick = os.sysconf("SC_CLK_TCK")

    def reading(self) -> tuple[float, float]:
        """(server CPU seconds, page main-thread seconds) since each started."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        metrics = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        return (int(fields[11]) + int(fields[12])) / self.tick, float(metrics["TaskDuration"])

    def peak_mb(self) -> float:
        return _memory_kb(self.pid)[0] / 1024


def _log(message: str) -> None:
    print(f"browser walk: {message}", file=sys.stderr, flush=True)


def _timed(page: Page, meter: Meter, act: Callable[[], object], path: str, what: str) -> Visit:
    """Do `act` (a click) and measure it to the settled page at `path`."""
    before = page.evaluate(HEADING)
    server, browser = meter.reading()
    start = time.perf_counter()
    act()
    seconds = _settled(page, path, before, start, what)
    server_after, browser_after = meter.reading()
    return Visit(seconds, server_after - server, browser_after - browser, meter.peak_mb())


def _settled(page: Page, path: str, before: str, start: float, what: str) -> float:
    """Seconds from `start` until the page at `path` has settled, with a heading other than `before`."""
    page.wait_for_function(SETTLED, arg=[path, before], polling=20, timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - start
    if page.locator("[data-testid='stException']").count():
        raise RuntimeError(f"{what}: the page shows an exception")
    return seconds


def _goto(page: Page, url: str, path: str) -> float:
    """Load `url` afresh (a new Streamlit session) and time it to settled."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    return _settled(page, path, "", start, url)


def _sign_in(page: Page, meter: Meter, url: str) -> tuple[float, Visit]:
    """Seconds to the settled Sign in page (the first page after start), then from the button to the Overview."""
    first = _goto(page, f"{url}/signin", "/signin")
    page.get_by_role("textbox", name="E-mail").fill(EMAIL)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    overview = _timed(page, meter, page.get_by_role("button", name="Sign in").click, "/", "sign in")
    if f"Signed in as {EMAIL}" not in page.get_by_test_id("stSidebar").inner_text():
        raise RuntimeError("the bench administrator did not get signed in")
    return first, overview


def _sidebar(page: Page) -> list[tuple[str, str]]:
    """(title, path) of each page in the sidebar but Sign out; a link's text holds its icon's name on a line before."""
    links = page.locator(LINKS)
    found = []
    for i in range(links.count()):
        title = links.nth(i).inner_text().strip().split("\n")[-1]
        path = str(links.nth(i).evaluate("a => new URL(a.href).pathname"))
        if title != "Sign out":
            found.append((title, path))
    return found


def _walk(page: Page, meter: Meter, rounds: int, landed: Visit) -> tuple[dict[str, list[Visit]], str]:
    """Visit every sidebar page in turn, `rounds` + 1 times; the first round is the first visit after start.

    The page that signing in lands on has just had its first visit (`landed`): it starts one ahead.
    Returns each page's visits by title, and the title of the page signing in lands on."""
    pages = _sidebar(page)
    here = page.evaluate("location.pathname")
    times = {title: [landed] if path == here else [] for title, path in pages}
    for round_ in range(rounds + 1):
        for index, (title, path) in enumerate(pages):
            if len(times[title]) > round_:
                continue
            times[title].append(_timed(page, meter, page.locator(LINKS).nth(index).click, path, title))
            _log(f"round {round_}: {title} {times[title][-1]}")
    return times, next(title for title, path in pages if path == here)


def _memory_kb(pid: int) -> tuple[int, int, int]:
    """(VmHWM, VmRSS, number of processes) summed over the process and its descendants, in kB.

    Streamlit starts no child processes today; if it did, the sum of their peaks is an upper bound."""
    hwm = rss = count = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{current}/status").read_text().splitlines() if ":" in line
        )
        hwm += int(status["VmHWM"].split()[0])
        rss += int(status["VmRSS"].split()[0])
        count += 1
        for task in Path(f"/proc/{current}/task").iterdir():
            todo += [int(c) for c in (task / "children").read_text().split()]
    return hwm, rss, count


def _prepare(db: Path, copy: Path) -> int:
    """Copy the database, add the bench administrator; return the number of councils."""
    shutil.copy(db, copy)
    with store.connect(copy) as con:
        accounts.add_user(con, Actor.administrator("bench"), email=EMAIL, role="admin", password=PASSWORD)
        con.execute("CHECKPOINT")
        return int(con.execute("SELECT count(*) FROM core.partner").fetchall()[0][0])


def run(db: Path, rounds: int = 3) -> dict[str, dict[str, float | int | str]]:
    """Serve a copy of `db`, walk every administrator's page in Chromium; settle times and the app's memory."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "browser.duckdb"
        councils = _prepare(db, copy)
        with serve_process(copy, env=APP_ENV) as (url, proc), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            meter = Meter(page, proc.pid)
            first, overview = _sign_in(page, meter, url)
            _log(f"Sign in page {first:.2f} s; signing in to the first page {overview}")
            walk = _walk(page, meter, rounds, overview)
            fresh = []
            for _ in range(rounds):  # a new browser context: a new Streamlit session, not signed in
                new = browser.new_context(viewport=VIEWPORT)
                fresh.append(_goto(new.new_page(), f"{url}/", "/"))
                new.close()
            _log(f"fresh load of the Overview {', '.join(f'{t:.2f}' for t in fresh)} s")
            memory = _memory_kb(proc.pid)
            browser.close()
    return _results(f"at {councils} councils", first, walk, fresh, memory)


def _results(
    at: str, first: float, walk: tuple[dict[str, list[Visit]], str], fresh: list[float], memory: tuple[int, int, int]
) -> dict[str, dict[str, float | int | str]]:
    """The walk's figures as bench/results.json entries: a readable label with the target, seconds and details."""
    target = f"target < {TARGET_SECONDS:g} s"
    results: dict[str, dict[str, float | int | str]] = {
        f"browser: first page after the server starts (Sign in) {at}, to settled in Chromium ({target})": {
            "seconds": first,
            "target_seconds": TARGET_SECONDS,
        }
    }
    times, landing = walk
    for title, visits in times.items():
        cold, warm = visits[0], [_median(v) for v in zip(*visits[1:], strict=True)]
        note = ", signing in lands on it" if title == landing else ""
        visit = f"first visit {cold.seconds:.2f} s{note}"
        results[f"browser: page {title} {at}, sidebar click to settled, warm ({visit}; {target})"] = {
            "seconds": warm[0],
            "cold_seconds": cold.seconds,
            "max_seconds": max(v.seconds for v in visits),
            "server_cpu_seconds": warm[1],
            "browser_busy_seconds": warm[2],
            "cold_server_cpu_seconds": cold.server_cpu,
            "cold_browser_busy_seconds": cold.browser_busy,
            "app_peak_mb_after_first_visit": round(cold.peak_mb, 1),
            "visits": len(visits),
            "target_seconds": TARGET_SECONDS,
        }
    results[f"browser: fresh load of the Overview URL (new session) {at}, to settled in Chromium ({target})"] = {
        "seconds": statistics.median(fresh),
        "max_seconds": max(fresh),
        "visits": len(fresh),
        "target_seconds": TARGET_SECONDS,
    }
    hwm, rss, processes = memory
    results[
        f"browser: peak memory of the app process after the walk: {hwm / 1024:,.0f} MB (target < {TARGET_MB:g} MB)"
    ] = {
        "seconds": 0.0,
        "peak_mb": round(hwm / 1024, 1),
        "rss_mb": round(rss / 1024, 1),
        "processes": processes,
        "target_mb": TARGET_MB,
    }
    return results


def _median(values: tuple[float, ...]) -> float:
    return float(statistics.median(values))
