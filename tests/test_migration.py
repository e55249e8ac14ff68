"""Upgrading a database written by an earlier Charter: `charter init` migrates it and loses nothing."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from metrics import store
from tests.conftest import AS_OF, charter, table_contents

PUBLIC_VIEWS = [
    "partner",
    "commitment",
    "principle",
    "outcome",
    "kpi",
    "objective",
    "measurement",
    "measurement_history",
    "submission",
    "objective_progress",
]


@pytest.fixture
def version_1(tmp_path: Path) -> Path:
    """A schema-version-1 database with a partnership, its framework and one accepted file of figures."""
    db = tmp_path / "old.duckdb"
    with store.connect(db) as con:
        assert store.migrate(con, upto=1) == [1]
        con.execute(
            "INSERT INTO core.partnership (id, name, short_name, lead_authority) "
            "VALUES (1, 'Old Partnership', 'OP', 'AB')"
        )
        con.execute("INSERT INTO core.partner VALUES ('AB', 'Abbey Borough Council', DATE '2015-04-01', NULL, 0)")
        con.execute("INSERT INTO core.partner_users VALUES ('AB', DATE '2020-04-01', 300)")
        con.execute("INSERT INTO core.commitment VALUES ('C1', 'Digital Councils', 'We will.', '', false, 0)")
        con.execute("INSERT INTO core.outcome VALUES ('C1.1', 'C1', 'Staff are confident.', 0)")
        con.execute(
            "INSERT INTO core.kpi (code, name, definition, unit, polarity, category, frequency, rollup, min_value, "
            "max_value, sort_order) VALUES ('DS01', 'Transactions online', 'Share online.', '%', 'higher', 'digital', "
            "'quarterly', 'mean', 0, 100, 0)"
        )
        con.execute(
            "INSERT INTO core.objective VALUES ('OBJ01', 'Online by 2026', '', 'C1', 'DS01', 'Head of Digital', "
            "'active', '2025/26 Q4', 'percent', 5, 'Board', NULL, 0)"
        )
        con.execute("INSERT INTO core.objective_outcome VALUES ('OBJ01', 'C1.1')")
        for kind, period, value in (("baseline", "2020/21 Q4", 40.0), ("final", "2025/26 Q4", 70.0)):
            index = int(period[:4]) * 4 + int(period[-1]) - 1
            con.execute(
                "INSERT INTO core.target (objective_code, partner_code, kind, period, period_index, value, "
                "recorded_at, recorded_by) "
                "VALUES ('OBJ01', 'AB', $k, $p, $i, $v, TIMESTAMP '2021-06-17 10:00', 'admin')",
                {"k": kind, "p": period, "i": index, "v": value},
            )
        con.execute(
            "INSERT INTO core.submission (file_name, sha256, submitted_by, submitted_at, status, row_count, partners, "
            "periods, source) VALUES ('ab-q1.csv', 'abc123', 'officer', TIMESTAMP '2025-07-20 09:30', 'accepted', 1, "
            "['AB'], ['2025/26 Q1'], 'command line')"
        )
        con.execute(
            "INSERT INTO core.measurement (submission_id, row_number, partner_code, kpi_code, period, period_index, "
            "is_annual, value, note) VALUES (1, 2, 'AB', 'DS01', '2025/26 Q1', 8100, false, 62.5, 'Up')"
        )
    return db


def test_init_upgrades_an_old_database_without_losing_a_row(version_1: Path) -> None:
    before = table_contents(version_1)
    done = charter(version_1, "init")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        f"Database {version_1}: schema upgraded from version 1 to {store.LATEST_VERSION}.\n"
        f"Database {version_1}: only its owner can read or write it (mode 600).\n"
    )
    after = table_contents(version_1)
    for table, rows in before.items():
        if table in ("core.submission", "core.schema_version"):
            continue
        if table == "core.kpi":  # version 10 adds each KPI's decimals, its unit's default: 1 for a %
            assert after[table] == [(*row, 1) for row in rows], table
            continue
        if table == "core.partnership":  # version 16 adds its own public and upload settings, empty (docs/hosting.md)
            assert after[table] == [(*row, None, None) for row in rows], table
            continue
        assert after[table] == rows, table
    # table_contents sorts rows as text, so version 13 comes before 2: compare them as numbers
    assert sorted(row[0] for row in after["core.schema_version"]) == [version for version, *_ in store.migrations()]
    with store.connect(version_1, read_only=True) as con:
        assert con.execute(
            "SELECT id, file_name, sha256, submitted_by, submitted_at, status, row_count, partners, periods, source, "
            "reviewed_by, reviewed_at FROM core.submission"
        ).fetchall() == [
            (
                1,
                "ab-q1.csv",
                "abc123",
                "officer",
                datetime(2025, 7, 20, 9, 30),
                "approved",  # published as it came in, before reviews existed: it stays published
                1,
                ["AB"],
                ["2025/26 Q1"],
                "command line",
                "migration",
                datetime(2025, 7, 20, 9, 30),
            )
        ]


def test_the_public_views_work_on_the_upgraded_database(version_1: Path) -> None:
    assert charter(version_1, "init").returncode == 0
    with store.connect(version_1, read_only=True, as_of=AS_OF) as con:
        for view in PUBLIC_VIEWS:
            con.execute(f"SELECT * FROM {view}").fetchall()  # noqa: S608
        assert con.execute("SELECT * FROM partner").fetchall() == [
            ("OP", "AB", "Abbey Borough Council", date(2015, 4, 1), None)
        ]
        assert con.execute("SELECT * FROM measurement").fetchall() == [
            ("OP", "AB", "2025/26 Q1", "DS01", 62.5, "Up", 1, True)
        ]
        assert con.execute("SELECT status FROM submission").fetchall() == [("approved",)]
        # The old figure is published, so it is judged: 40 -> 70 over 20 quarters is 65.5 by 2025/26 Q1,
        # and 62.5 misses it by 3, within the 5% tolerance (3.275).
        assert con.execute(
            "SELECT actual, target, status FROM objective_progress WHERE period = '2025/26 Q1'"
        ).fetchall() == [(62.5, 65.5, "At risk")]


def test_init_on_an_up_to_date_database_changes_nothing(version_1: Path) -> None:
    assert charter(version_1, "init").returncode == 0
    before = table_contents(version_1)
    again = charter(version_1, "init")
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout == (
        f"Database {version_1}: schema is up to date (version {store.LATEST_VERSION}).\n"
        f"Database {version_1}: only its owner can read or write it (mode 600).\n"
    )
    assert table_contents(version_1) == before


def test_a_database_from_a_newer_charter_is_refused(version_1: Path) -> None:
    with store.connect(version_1) as con:
        con.execute("INSERT INTO core.schema_version VALUES (99, '099_future.sql', current_timestamp)")
    before = table_contents(version_1)
    done = charter(version_1, "init")
    assert done.returncode == 1
    assert done.stderr == (
        f"charter init: this database has schema version 99, newer than this Charter knows ({store.LATEST_VERSION}); "
        "upgrade Charter\n"
    )
    assert table_contents(version_1) == before
