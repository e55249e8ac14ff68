"""`charter demo --partnerships P`: many small synthetic partnerships in one install (docs/hosting.md), each in a
database of its own, for the benchmark at 40 partnerships (tests/perf/partnerships.py)."""

from __future__ import annotations

from pathlib import Path

from metrics import hosting
from tests.test_cli import charter, query


def test_three_small_partnerships_each_hold_only_their_own_councils(tmp_path: Path) -> None:
    db = tmp_path / "charter.duckdb"
    done = charter(db, "demo", "--partnerships", "3", "--seed", "7")
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["P01", "P02", "P03"]
    assert lines[-1].startswith(f"Built 3 partnerships in {db} in ")
    served = hosting.partnerships(db)
    assert [(h.code, h.home) for h in served] == [("P01", True), ("P02", False), ("P03", False)]
    for hosted, line in zip(served, lines, strict=False):
        councils = [code for (code,) in query(hosted.path, "SELECT code FROM partner")]
        assert line == f"{hosted.code}: {len(councils)} councils"
        assert 3 <= len(councils) <= 8
        assert all(code.startswith(f"{hosted.code}-C") for code in councils)
        figures = query(hosted.path, "SELECT DISTINCT partner_code FROM measurement")
        assert {code for (code,) in figures} == set(councils)


def test_councils_without_years_or_too_many_partnerships_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "charter.duckdb"
    done = charter(db, "demo", "--partners", "3")
    assert (done.returncode, done.stderr) == (
        1,
        "charter demo: give --years Y with --partners N: how many years of quarterly figures to make\n",
    )
    done = charter(db, "demo", "--partnerships", "100")
    assert (done.returncode, done.stderr) == (1, "charter demo: --partnerships is 1 to 99, not 100\n")
    assert not db.exists() or not hosting.folder(db).exists()
