"""`make bench` at forty partnerships (issue 16): an install of 40 small synthetic partnerships of 3 to 8 councils
(`charter demo --partnerships 40`), each in a database of its own (docs/hosting.md), walked in Chromium as the
administrator of the last one, against issue 14's page targets: the first page settled within 1.5 s, KPIs and Board
review within 1.5 s warm (the median of five visits), the server's CPU per fresh load of the Overview under 0.3 s,
and the app's peak memory under 400 MB after the walk.

The walk is tests/perf/browser_walk.py's; only the install, the partnership in the URL and the Sign in form (which
asks for the partnership's code when the install serves several) differ.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from metrics import accounts, hosting, store
from metrics.access import Actor
from metrics.config import ROOT
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve_process
from tests.perf import browser_walk as walk

PARTNERSHIPS = 40
CHOSEN = f"P{PARTNERSHIPS:02d}"  # the last one added: a hosted partnership, found through the install's list
CHARTER = str(Path(sys.executable).parent / "charter")


def build(folder: Path) -> tuple[Path, float]:
    """The install of forty partnerships, and the seconds `charter demo --partnerships 40` took (a whole process)."""
    host = folder / "charter.duckdb"
    start = time.perf_counter()
    subprocess.run(
        [CHARTER, "--db", str(host), "demo", "--partnerships", str(PARTNERSHIPS)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return host, time.perf_counter() - start


def _prepare(host: Path) -> tuple[Path, int]:
    """The chosen partnership's file with the bench administrator in it; its number of councils."""
    path = hosting.path_for(host, CHOSEN)
    with store.connect(path) as con:
        admin = Actor.administrator("bench")
        accounts.add_user(con, admin, email=walk.EMAIL, role="admin", password=walk.PASSWORD)
        con.execute("CHECKPOINT")
        return path, int(con.execute("SELECT count(*) FROM core.partner").fetchall()[0][0])


def _sign_in(page: Page, meter: walk.Meter, url: str) -> tuple[walk.Visit, walk.Visit]:
    """The chosen partnership's Sign in page settled (the first page after the server's first healthy answer),
    then from the button to the Overview."""
    server = walk._server_cpu(meter.pid)
    seconds = walk._goto(page, f"{url}/signin?partnership={CHOSEN}", "/signin")
    first = walk.Visit(seconds, walk._server_cpu(meter.pid) - server, 0.0, meter.peak_mb())
    page.get_by_role("textbox", name="Partnership code").fill(CHOSEN)
    page.get_by_role("textbox", name="E-mail").fill(walk.EMAIL)
    page.get_by_role("textbox", name="Password").fill(walk.PASSWORD)
    overview = walk._timed(page, meter, page.get_by_role("button", name="Sign in").click, "/", "sign in")
    if f"Signed in as {walk.EMAIL}" not in page.get_by_test_id("stSidebar").inner_text():
        raise RuntimeError("the bench administrator did not get signed in")
    return first, overview


def run(rounds: int = walk.ROUNDS) -> dict[str, dict[str, float | int | str]]:
    """Build the install, serve it, walk the chosen partnership's pages; the figures as bench results."""
    with tempfile.TemporaryDirectory() as tmp:
        host, built = build(Path(tmp))
        _, councils = _prepare(host)
        walk._log(f"{PARTNERSHIPS} partnerships built in {built:.1f} s; walking {CHOSEN} ({councils} councils)")
        with serve_process(host, env=walk.APP_ENV) as (url, proc), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport=walk.VIEWPORT).new_page()
            meter = walk.Meter(page, proc.pid)
            first, overview = _sign_in(page, meter, url)
            visits = walk._walk(page, meter, rounds, overview)
            fresh = []
            for _ in range(rounds):  # a new browser context: a new session, not signed in, on a public partnership
                new = browser.new_context(viewport=walk.VIEWPORT)
                server = walk._server_cpu(proc.pid)
                seconds = walk._goto(new.new_page(), f"{url}/?partnership={CHOSEN}", "/")
                fresh.append(walk.Visit(seconds, walk._server_cpu(proc.pid) - server, 0.0, meter.peak_mb()))
                new.close()
            memory = walk._memory_kb(proc.pid)
            browser.close()
    at = f"at {PARTNERSHIPS} partnerships ({CHOSEN}, {councils} councils)"
    results = walk._results(at, first, visits, fresh, memory)
    results[f"build {PARTNERSHIPS} partnerships of 3 to 8 councils (charter demo --partnerships, whole process)"] = {
        "seconds": built
    }
    return results


if __name__ == "__main__":  # python -m tests.perf.partnerships
    found = run()
    print(walk.table(found))
    for key, value in found.items():
        print(f"{key}: {value['seconds']:.2f} s")
