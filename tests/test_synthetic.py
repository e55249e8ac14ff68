"""`charter demo`: a synthetic partnership of any size, through the real entry point (issue 8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from metrics import store
from metrics.access import Actor
from metrics.framework import read_framework
from metrics.loader import load_framework
from metrics.periods import last_complete_quarter
from tests.conftest import AS_OF, FRAMEWORK, charter, table_contents


def _figures(db: Path) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        return con.execute("SELECT partner_code, period, kpi_code, value FROM measurement ORDER BY ALL").fetchall()


def test_demo_builds_a_synthetic_partnership(tmp_path: Path) -> None:
    db = tmp_path / "five.duckdb"
    done = charter(db, "demo", "--partners", "5", "--years", "2", "--seed", "1", "--kpis", "12")
    assert done.returncode == 0, done.stderr
    assert "Synthetic figures: 8 new submissions" in done.stdout
    last = last_complete_quarter(AS_OF)
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        assert [r[0] for r in con.execute("SELECT code FROM partner").fetchall()] == [f"C00{i}" for i in range(1, 6)]
        kpis = con.execute("SELECT code, category FROM kpi").fetchall()
        assert [k for k, _ in kpis] == [f"K{i:03d}" for i in range(1, 13)]
        assert {c for _, c in kpis} == {"digital", "ict", "finance"}
        assert con.execute("SELECT count(*) FROM objective").fetchall()[0][0] == 12
        assert con.execute("SELECT illustrative FROM core.partnership").fetchall() == [(True,)]
        periods = con.execute("SELECT DISTINCT period FROM measurement ORDER BY period").fetchall()
        assert len(periods) == 8 and periods[-1][0] == str(last)
        per_quarter = con.execute(
            "SELECT period, count(DISTINCT partner_code), count(DISTINCT kpi_code) FROM measurement GROUP BY ALL"
        ).fetchall()
        assert all(partners == 5 and n == 12 for _, partners, n in per_quarter)
        assert con.execute("SELECT bool_and(approved) FROM measurement").fetchall() == [(True,)]
        statuses = {s for (s,) in con.execute("SELECT DISTINCT status FROM objective_progress").fetchall()}
    assert {"On track", "At risk", "Off track", "Overdue"} <= statuses

    again = tmp_path / "again.duckdb"
    assert charter(again, "demo", "--partners", "5", "--years", "2", "--seed", "1", "--kpis", "12").returncode == 0
    assert _figures(again) == _figures(db)
    other = tmp_path / "other.duckdb"
    assert charter(other, "demo", "--partners", "5", "--years", "2", "--seed", "2", "--kpis", "12").returncode == 0
    assert _figures(other) != _figures(db)


def test_demo_default_kpis_and_no_data_before_due(tmp_path: Path) -> None:
    db = tmp_path / "five.duckdb"
    # Ten days after the quarter ended: the latest figures are not yet due, so missing ones show "No data".
    done = charter(db, "--as-of", "2025-10-10", "demo", "--partners", "5", "--years", "2", "--seed", "1")
    assert done.returncode == 0, done.stderr
    with store.connect(db, read_only=True, as_of=date(2025, 10, 10)) as con:
        assert con.execute("SELECT count(*) FROM kpi").fetchall()[0][0] == 60
        latest = con.execute("SELECT max(period) FROM measurement").fetchall()[0][0]
        statuses = {s for (s,) in con.execute("SELECT DISTINCT status FROM objective_progress").fetchall()}
    assert latest == "2025/26 Q2"
    assert statuses == {"On track", "At risk", "Off track", "Overdue", "No data"}


def test_demo_refuses_a_real_partnership(empty_db: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text(FRAMEWORK.read_text(encoding="utf-8").replace("illustrative: true", "illustrative: false", 1))
    with store.connect(empty_db) as con:
        load_framework(con, read_framework(real), by=Actor.administrator("admin"), sha256="x")
    before = table_contents(empty_db)
    done = charter(empty_db, "demo", "--partners", "3", "--years", "1")
    assert done.returncode == 1
    assert "holds a real partnership" in done.stderr
    assert table_contents(empty_db) == before
