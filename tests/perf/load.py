"""`make load`: N browser sessions at once walking the members' pages of the served app at 50 councils.

For each N, N new Playwright contexts (N Streamlit sessions) in one Chromium load the Overview at the same
moment, then each walks the members' pages by the sidebar `rounds` times. A page load counts from the
navigation or click to the page settled as tests/perf/browser_walk.py `SETTLED` has it (script notRunning, no
skeleton, nothing stale, the new heading shown). The server runs on one core and the browsers on another, so
that the server's CPU seconds (/proc/PID/stat, before and after each phase) are its own.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from playwright.async_api import Browser, Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from metrics.config import ROOT
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve_process
from tests.perf import scale
from tests.perf.browser_walk import APP_ENV, HEADING, LINKS, SETTLED, VIEWPORT, _memory_kb

COUNTS = (1, 5, 10, 20, 40)
ROUNDS = 2
CAP_MINUTES = 30.0
TARGET_P95, TARGET_CPU, TARGET_MB, TARGET_MB_SESSIONS = 3.0, 0.3, 600.0, 20
CACHE = ROOT / "bench" / "load"
NOT_MEMBERS = ("Sign in", "Sign out")
# Every link's (title, path) at once; a link's text holds its icon's name on a line before the title.
SIDEBAR = f"""() => [...document.querySelectorAll("{LINKS}")]
  .map(a => [a.innerText.trim().split('\\n').pop(), new URL(a.href).pathname])"""


class Step(NamedTuple):
    """One N: seconds to settled of each fresh load and each sidebar click, the server's CPU seconds over each
    phase, its memory (MB) after, each core's busy share, and whether it ran to the end within the cap."""

    sessions: int
    fresh: list[float]
    clicks: list[float]
    fresh_cpu: float
    click_cpu: float
    rss_mb: float
    hwm_mb: float
    busy: list[float]
    complete: bool

    def loads(self) -> list[float]:
        return self.fresh + self.clicks


def _log(message: str) -> None:
    print(f"load: {message}", file=sys.stderr, flush=True)


def _server_cpu(pid: int) -> float:
    """utime + stime of the whole process (every thread, living or ended), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cores() -> dict[str, tuple[int, int]]:
    """(busy, total) clock ticks so far of each core, from /proc/stat."""
    out = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *ticks = line.split()
        if name.startswith("cpu") and name != "cpu":
            values = [int(t) for t in ticks]
            out[name] = (sum(values) - values[3] - values[4], sum(values))  # idle and iowait are not busy
    return out


def _busy(before: dict[str, tuple[int, int]], cores: list[int]) -> list[float]:
    after = _cores()
    return [
        (after[f"cpu{c}"][0] - before[f"cpu{c}"][0]) / max(1, after[f"cpu{c}"][1] - before[f"cpu{c}"][1]) for c in cores
    ]


async def _settled(page: Page, path: str, before: str, start: float, deadline: float) -> float:
    """Seconds from `start` until the page at `path` has settled with a heading other than `before`."""
    timeout = max(1.0, deadline - time.monotonic()) * 1000  # a busy N may take minutes: only the cap ends it
    await page.wait_for_function(SETTLED, arg=[path, before], polling=20, timeout=timeout)
    seconds = time.perf_counter() - start
    if await page.locator("[data-testid='stException']").count():
        raise RuntimeError(f"{path}: the page shows an exception")
    return seconds


async def _fresh(browser: Browser, url: str, deadline: float) -> tuple[Page, float]:
    """A new context (a new Streamlit session) loading the Overview; its page and seconds to settled."""
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(f"{url}/", wait_until="commit")
    return page, await _settled(page, "/", "", start, deadline)


async def sidebar(page: Page) -> list[tuple[str, str]]:
    """(title, path) of each members' page the session is offered, in the sidebar's order."""
    links = await page.evaluate(SIDEBAR)
    return [(str(title), str(path)) for title, path in links if title not in NOT_MEMBERS]


class Walk(NamedTuple):
    """What each session walks: the pages by (title, path), how many times, until when (monotonic); and the
    cores whose busy share is reported."""

    pages: list[tuple[str, str]]
    rounds: int
    deadline: float
    cores: list[int]


async def _walk(page: Page, walk: Walk, seconds: list[float]) -> None:
    """Click through the pages `rounds` times, skipping the page already shown; add each one's seconds to settled."""
    titles = [title for title, _path in await sidebar(page)]
    for _ in range(walk.rounds):
        for title, path in walk.pages:
            if await page.evaluate("location.pathname") == path:
                continue
            before = await page.evaluate(HEADING)
            start = time.perf_counter()
            await page.locator(LINKS).nth(titles.index(title)).click()
            seconds.append(await _settled(page, path, before, start, walk.deadline))


async def _together(*tasks: Coroutine[Any, Any, Any]) -> tuple[list[Any], bool]:
    """Run `tasks` at once to their ends; their results, and False when one did not settle in time."""
    done = await asyncio.gather(*tasks, return_exceptions=True)
    failed = [r for r in done if isinstance(r, BaseException)]
    for error in failed:
        if not isinstance(error, PlaywrightTimeout):
            raise error
    return [r for r in done if not isinstance(r, BaseException)], not failed


async def _step(browser: Browser, url: str, pid: int, n: int, walk: Walk) -> Step:
    """N sessions at once: each loads the Overview, then all walk; the server's CPU and memory around each."""
    ticks, start = _cores(), _server_cpu(pid)
    opened, complete = await _together(*(_fresh(browser, url, walk.deadline) for _ in range(n)))
    middle = _server_cpu(pid)
    clicks: list[float] = []
    if complete:
        _done, complete = await _together(*(_walk(page, walk, clicks) for page, _seconds in opened))
    end = _server_cpu(pid)
    for context in browser.contexts:
        await context.close()
    hwm, rss, _processes = _memory_kb(pid)
    fresh = [seconds for _page, seconds in opened]
    busy = _busy(ticks, walk.cores)
    return Step(n, fresh, clicks, middle - start, end - middle, rss / 1024, hwm / 1024, busy, complete)


async def _run(url: str, pid: int, counts: list[int], walk: Walk, only: list[str] | None) -> list[Step]:
    """Each N in turn in one Chromium, until one is cut off by the deadline."""
    steps: list[Step] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first, _seconds = await _fresh(browser, url, walk.deadline)
        pages = [(t, p) for t, p in await sidebar(first) if only is None or t in only]
        await first.context.close()
        walk = walk._replace(pages=pages)
        _log(f"members' pages: {', '.join(title for title, _path in pages)}")
        for n in counts:
            steps.append(await _step(browser, url, pid, n, walk))
            _log(row(steps[-1]))
            if not steps[-1].complete or time.monotonic() > walk.deadline:
                break
        await browser.close()
    return steps


@contextmanager
def _pinned(cpu: int | None) -> Iterator[None]:
    """Run the block on one core; processes started in it (and their threads) stay there, as under taskset."""
    if cpu is None:
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def measure(db: Path, counts: list[int], rounds: int, only: list[str] | None = None, cap: float = 600) -> list[Step]:
    """Serve `db` pinned to one core and run each N from browsers pinned to another (no pinning on one core)."""
    cores = sorted(os.sched_getaffinity(0))
    server, browsers = (cores[0], cores[1]) if len(cores) > 1 else (None, None)
    walk = Walk([], rounds, time.monotonic() + cap, cores[:2])
    with ExitStack() as stack:
        with _pinned(server):
            url, proc = stack.enter_context(serve_process(db, env=APP_ENV))
        _log(f"server pid {proc.pid}, its threads on cores {_allowed(proc.pid)}; browsers on core {browsers}")
        # A thread of its own: asyncio.run refuses a thread with an event loop (a sync Playwright in the tests).
        with _pinned(browsers), ThreadPoolExecutor(max_workers=1) as thread:
            return thread.submit(asyncio.run, _run(url, proc.pid, counts, walk, only)).result()


def _allowed(pid: int) -> str:
    """The cores each thread of `pid` may run on, e.g. "0" when every thread is pinned to core 0."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        status = (task / "status").read_text()
        found.add(next(line.split()[1] for line in status.splitlines() if line.startswith("Cpus_allowed_list")))
    return ", ".join(sorted(found))


def _percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


HEADER = (
    f"{'sessions':>8}  {'loads':>5}  {'p50 s':>6}  {'p95 s':>11}  {'max s':>6}  "
    f"{'server CPU s per fresh load':<32}  {'per click':>9}  {'VmRSS MB':>8}  {'VmHWM MB':<22}  "
    "cores busy (server / browsers)"
)


def row(step: Step) -> str:
    """One line of the table: settle times, the server's CPU per load and memory, with PASS/MISS by the targets."""
    loads = step.loads()
    p95 = _percentile(loads, 95)
    per_fresh = step.fresh_cpu / step.sessions  # each session started one, settled or not
    per_click = step.click_cpu / len(step.clicks) if step.clicks else float("nan")
    cpu = f"{per_fresh:.2f} {_mark(per_fresh < TARGET_CPU)} (< {TARGET_CPU:g})"
    memory = f"{step.hwm_mb:.0f}"
    if step.sessions == TARGET_MB_SESSIONS:
        memory += f" {_mark(step.hwm_mb < TARGET_MB)} (< {TARGET_MB:g})"
    busy = " / ".join(f"{b:.0%}" for b in step.busy)
    end = "" if step.complete else "  stopped: a page did not settle before the time cap"
    return (
        f"{step.sessions:>8}  {len(loads):>5}  {_percentile(loads, 50):>6.2f}  {p95:>6.2f} {_mark(p95 < TARGET_P95)}  "
        f"{max(loads, default=float('nan')):>6.2f}  {cpu:<32}  {per_click:>9.2f}  {step.rss_mb:>8.0f}  "
        f"{memory:<22}  {busy:<10}{end}"
    )


def _passes(steps: list[Step]) -> str:
    """The N at which p95 first passes the target, or that it did not within the Ns run."""
    over = [s.sessions for s in steps if _percentile(s.loads(), 95) > TARGET_P95]
    if over:
        return f"p95 passes {TARGET_P95:g} s at N = {over[0]}"
    return f"p95 stays within {TARGET_P95:g} s up to N = {steps[-1].sessions}" if steps else "nothing measured"


def _database() -> Path:
    """The 50-council demo as `make bench` builds it, kept in bench/load/ until metrics/ changes."""
    key = hashlib.sha256()
    for path in sorted((ROOT / "metrics").rglob("*")):
        if path.suffix in (".py", ".sql", ".yaml"):
            key.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    db, stamp = CACHE / f"charter-{scale.PARTNERS}.duckdb", CACHE / f"charter-{scale.PARTNERS}.key"
    if db.exists() and stamp.exists() and stamp.read_text() == key.hexdigest():
        return db
    CACHE.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    _log(f"building the {scale.PARTNERS}-council demo in {db.relative_to(ROOT)} (once, until metrics/ changes)")
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "charter"), "--db", str(db), "demo", "--partners", str(scale.PARTNERS),
         "--years", str(scale.YEARS), "--kpis", str(scale.KPIS), "--seed", "1"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    stamp.write_text(key.hexdigest())
    return db


def report(steps: list[Step], rounds: int) -> str:
    """The table and the summary lines, as printed."""
    lines = [
        f"load at {scale.PARTNERS} councils: each session loads the Overview afresh, then walks the members' "
        f"pages {rounds} times by the sidebar; seconds to settled in Chromium (p95 target < {TARGET_P95:g} s)",
        HEADER,
        *(row(s) for s in steps),
        _passes(steps),
    ]
    if not any(s.sessions == TARGET_MB_SESSIONS for s in steps):
        lines.append(f"memory with {TARGET_MB_SESSIONS} sessions: not measured (target < {TARGET_MB:g} MB)")
    return "\n".join(lines)


def last() -> str:
    """The table of the last `make load` (bench/load/results.json), for `make bench`, which does not run it."""
    out = CACHE / "results.json"
    if not out.exists():
        return (
            f"load: not measured yet (run `make load`); targets p95 < {TARGET_P95:g} s, server CPU per fresh load "
            f"< {TARGET_CPU:g} s, VmHWM < {TARGET_MB:g} MB with {TARGET_MB_SESSIONS} sessions"
        )
    saved = json.loads(out.read_text())
    steps = [Step(**step) for step in saved["steps"]]
    return f"load: the last `make load`, of {saved['date']} ({saved.get('note', '')})\n" + report(
        steps, saved["rounds"]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default=",".join(map(str, COUNTS)), help="the Ns, e.g. 1,5,10")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="walks of the pages per session")
    parser.add_argument("--cap-minutes", type=float, default=CAP_MINUTES, help="the whole run stops by then")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.sessions.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "load.duckdb"
        shutil.copy(_database(), copy)
        try:
            steps = measure(copy, counts, args.rounds, cap=args.cap_minutes * 60)
        except RuntimeError as error:  # a page showed an exception, or the app did not start
            sys.exit(f"load: {error}")
    print(report(steps, args.rounds))
    out = CACHE / "results.json"
    steps_json = [s._asdict() for s in steps]
    note = f"load average {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores"  # wall times depend on it
    saved = {"date": time.strftime("%Y-%m-%d %H:%M"), "rounds": args.rounds, "note": note, "steps": steps_json}
    out.write_text(json.dumps(saved, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
