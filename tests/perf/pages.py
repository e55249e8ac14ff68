"""Each page's server-side script time on a database, cold (empty caches) and warm, through AppTest.

The pages run with an administrator signed in, who is offered every page; the members' pages are the same
script for everybody. The Sign in page is timed without anybody signed in.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics.access import Actor, Role
from metrics.config import ROOT

MEMBERS = ["overview", "charter", "objective", "scorecard", "kpis", "about"]
SIGNED_IN = ["upload", "collection", "approvals", "history", "ict", "board", "actions", "admin"]
PAGES = [*MEMBERS, *SIGNED_IN, "signin"]
ROLES = {
    "public": None,
    "officer": Actor("bench-officer@example.org", Role.OFFICER, frozenset({"C001"})),
    "board": Actor("bench-board@example.org", Role.BOARD),
    "admin": Actor("bench-admin@example.org", Role.ADMIN),
}


def signed_in(at: AppTest, role: str) -> AppTest:
    """Put a person of `role` in the session, as a sign-in does."""
    actor = ROLES[role]
    if actor is not None:
        at.session_state["actor"] = actor
    return at


def _clear() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def page_times(db: Path, runs: int = 5, pages: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Seconds per page: `cold` after clearing every cache, `warm` the median of later runs, and `warm_cpu` their
    median CPU seconds (the process's: AppTest runs the script in a thread of it), which the machine's load
    disturbs far less than the wall time."""
    os.environ["CHARTER_DB"] = str(db)
    out: dict[str, dict[str, float]] = {}
    for page in pages or PAGES:
        _clear()
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        signed_in(at, "public" if page == "signin" else "admin")
        at.run()
        _clear()  # the first run (the Overview) filled the caches: empty them again for a cold run
        at.switch_page(f"app_pages/{page}.py")
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
        warm, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            at.run()
            warm.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        out[page] = {"cold": cold, "warm": statistics.median(warm), "warm_cpu": statistics.median(cpu)}
    return out


if __name__ == "__main__":  # python -m tests.perf.pages DB [PAGE ...]
    import sys

    for name, t in page_times(Path(sys.argv[1]), pages=sys.argv[2:] or None).items():
        print(f"{name:<12} warm {t['warm']:.3f} s (CPU {t['warm_cpu']:.3f} s)  cold {t['cold']:.3f} s")
