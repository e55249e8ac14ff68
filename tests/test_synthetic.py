"""`charter demo`: a synthetic partnership of any size, through the real entry point (issue 8)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from metrics import queries, store
from metrics.access import Actor
from metrics.framework import read_framework
from metrics.loader import load_framework
from metrics.periods import Period, last_complete_quarter
from tests.conftest import AS_OF, FRAMEWORK, charter, table_contents

DESK_KPIS = ["ICT01", "ICT02", "ICT03", "ICT04", "ICT06"]


def _figures(db: Path) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        return con.execute("SELECT partner_code, period, kpi_code, value FROM measurement ORDER BY ALL").fetchall()


def _tickets(db: Path) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        return con.execute("SELECT * EXCLUDE (import_id) FROM core.ticket ORDER BY ALL").fetchall()


def test_demo_builds_a_synthetic_partnership(tmp_path: Path) -> None:
    db = tmp_path / "five.duckdb"
    done = charter(db, "demo", "--partners", "5", "--years", "2", "--seed", "1", "--kpis", "12")
    assert done.returncode == 0, done.stderr
    assert "Synthetic figures: 8 new submissions" in done.stdout
    last = last_complete_quarter(AS_OF)
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        assert [r[0] for r in con.execute("SELECT code FROM partner").fetchall()] == [f"C00{i}" for i in range(1, 6)]
        kpis = con.execute("SELECT code, category FROM kpi").fetchall()
        assert [k for k, _ in kpis] == [f"K{i:03d}" for i in range(1, 13)] + DESK_KPIS
        assert {c for _, c in kpis} == {"digital", "ict", "finance"}
        assert con.execute("SELECT count(*) FROM objective").fetchall()[0][0] == 12
        assert con.execute("SELECT illustrative FROM core.partnership").fetchall() == [(True,)]
        periods = con.execute("SELECT DISTINCT period FROM measurement ORDER BY period").fetchall()
        assert len(periods) == 8 and periods[-1][0] == str(last)
        per_quarter = con.execute(
            "SELECT period, count(DISTINCT partner_code), count(DISTINCT kpi_code) FROM measurement "
            "WHERE kpi_code LIKE 'K%' GROUP BY ALL"
        ).fetchall()
        assert all(partners == 5 and n == 12 for _, partners, n in per_quarter)
        assert con.execute("SELECT bool_and(approved) FROM measurement").fetchall() == [(True,)]
        statuses = {s for (s,) in con.execute("SELECT DISTINCT status FROM objective_progress").fetchall()}
    assert {"On track", "At risk", "Off track", "Overdue"} <= statuses

    again = tmp_path / "again.duckdb"
    assert charter(again, "demo", "--partners", "5", "--years", "2", "--seed", "1", "--kpis", "12").returncode == 0
    assert _figures(again) == _figures(db)
    assert _tickets(again) == _tickets(db) != []
    other = tmp_path / "other.duckdb"
    assert charter(other, "demo", "--partners", "5", "--years", "2", "--seed", "2", "--kpis", "12").returncode == 0
    assert _figures(other) != _figures(db)
    assert _tickets(other) != _tickets(db)


def test_demo_default_kpis_and_no_data_before_due(tmp_path: Path) -> None:
    db = tmp_path / "five.duckdb"
    # Ten days after the quarter ended: the latest figures are not yet due, so missing ones show "No data".
    done = charter(
        db, "--as-of", "2025-10-10", "demo", "--partners", "5", "--years", "2", "--seed", "1", "--no-tickets"
    )
    assert done.returncode == 0, done.stderr
    assert "service desk" not in done.stdout
    with store.connect(db, read_only=True, as_of=date(2025, 10, 10)) as con:
        assert con.execute("SELECT count(*) FROM kpi").fetchall()[0][0] == 60
        assert con.execute("SELECT count(*) FROM core.ticket").fetchall()[0][0] == 0
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


def test_demo_service_desk_year(tmp_path: Path) -> None:
    """A year of tickets for every council, imported as an export is: the ICT page and ICT KPIs show them."""
    db = tmp_path / "three.duckdb"
    done = charter(db, "demo", "--partners", "3", "--years", "1", "--seed", "1")
    assert done.returncode == 0, done.stderr
    last = last_complete_quarter(AS_OF)
    first = last.shift(-3)
    said = re.search(
        rf"Synthetic service desk: ([\d,]+) tickets imported for 3 councils, {first} to {last} ", done.stdout
    )
    assert said, done.stdout
    councils = ["C001", "C002", "C003"]
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        per_quarter = con.execute(
            "SELECT partner_code, core.quarter_index(opened_at), count(*), count(*) FILTER (kind = 'request') "
            "FROM core.ticket GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        assert [(c, q) for c, q, *_ in per_quarter] == [
            (c, q) for c in councils for q in range(first.index, last.index + 1)
        ]
        assert all(150 <= n <= 2500 and 0 < requests < n for *_, n, requests in per_quarter)
        assert sum(n for *_, n, _ in per_quarter) == int(said.group(1).replace(",", ""))

        # What the ICT service desk page shows: each council's measures, time to resolve and backlog.
        measures = queries.ticket_measures(con, first=first.index, last=last.index)
        every = measures[measures["priority"] == 0].pivot(
            index=["partner_code", "period"], columns="measure", values="value"
        )
        assert list(every.index) == [(c, str(last.shift(i))) for c in councils for i in range(-3, 1)]
        assert every["sla_pct"].between(60, 95).all() and every["first_time_fix_pct"].between(60, 80).all()
        assert (every["backlog_open"] > 0).all() and (every["backlog_over_30_days"] > 0).any()
        assert set(queries.ticket_resolution_bands(con, last)["partner_code"]) == set(councils)
        backlog = queries.ticket_backlog_ageing(con, first=first.index, last=last.index)
        assert backlog.groupby("partner_code")["period"].nunique().to_dict() == dict.fromkeys(councils, 4)

        # The figures they give for the service desk KPIs, approved and flagged illustrative like the rest.
        figures = con.execute(
            "SELECT m.partner_code, m.period, m.kpi_code, m.value, m.approved, s.illustrative FROM measurement m "
            "JOIN core.submission s ON s.id = m.submission_id WHERE m.kpi_code LIKE 'ICT%' ORDER BY ALL"
        ).fetchall()
        assert len(figures) == 3 * 4 * len(DESK_KPIS)
        assert all(approved and illustrative for *_, approved, illustrative in figures)
        logged = {(c, p): v for c, p, k, v, *_ in figures if k == "ICT01"}
        assert logged == {(c, str(Period.from_index(q))): n for c, q, n, _ in per_quarter}

    # Run again: the same export is found already imported, and nothing changes.
    before = table_contents(db)
    again = charter(db, "demo", "--partners", "3", "--years", "1", "--seed", "1")
    assert again.returncode == 0, again.stderr
    assert "was already imported (import 1); no new tickets" in again.stdout
    assert table_contents(db) == before
