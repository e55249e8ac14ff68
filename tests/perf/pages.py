"""Each page's server-side script time on a database, cold (empty caches) and warm, through AppTest."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics.config import ROOT

PAGES = ["overview", "charter", "objective", "scorecard", "kpis", "about"]


def page_times(db: Path, runs: int = 5) -> dict[str, dict[str, float]]:
    """Seconds per page: `cold` after clearing every cache, `warm` the median of later runs."""
    os.environ["CHARTER_DB"] = str(db)
    out: dict[str, dict[str, float]] = {}
    for page in PAGES:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
        at.run()
        st.cache_data.clear()  # the first run (the Overview) filled the caches: empty them again for a cold run
        at.switch_page(f"app_pages/{page}.py")
        start = time.perf_counter()
        at.run()
        cold = time.perf_counter() - start
        assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
        warm = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
        out[page] = {"cold": cold, "warm": statistics.median(warm)}
    return out
