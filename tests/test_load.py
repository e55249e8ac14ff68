"""`make load`'s core, once with one session and one page on the small demo, so that the load test cannot rot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.perf import load

pytestmark = pytest.mark.browser


def test_one_session_loads_the_overview_and_clicks_to_the_charter(_demo_template: Path, tmp_path: Path) -> None:
    db = tmp_path / "charter.duckdb"
    shutil.copy(_demo_template, db)
    [step] = load.measure(db, [1], rounds=1, only=["Charter"], cap=120)
    assert step.complete
    assert (step.sessions, len(step.fresh), len(step.clicks)) == (1, 1, 1)
    assert all(seconds > 0 for seconds in step.loads())
    assert step.fresh_cpu > 0 and step.click_cpu > 0  # the server did the work of each load
    assert 0 < step.rss_mb <= step.hwm_mb
    lines = load.report([step], 1).splitlines()
    assert lines[1] == load.HEADER
    assert lines[2].split()[:2] == ["1", "2"]
    assert lines[-1] == "memory with 20 sessions: not measured (target < 600 MB)"
