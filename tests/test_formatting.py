"""The one formatter (metrics/formatting.py): each unit, a KPI's decimals, missing figures with their reason,
thousands separators and rounding as people round; the framework's `decimals` checked with a plain message."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from metrics import formatting, queries, store
from metrics.formatting import figure
from metrics.framework import FrameworkError, read_framework
from tests.conftest import FRAMEWORK

SOURCE = FRAMEWORK.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (66.5, "%", None, "66.5%"),
        (66.500000, "%", None, "66.5%"),
        (64.76666666666667, "%", None, "64.8%"),
        (100.0, "%", None, "100.0%"),
        (20021.0, "count", None, "20,021"),
        (1234567, "count", None, "1,234,567"),
        (14693.4, "count", None, "14,693"),
        (453.4, "GBP", None, "£453"),
        (207915.0, "GBP", None, "£207,915"),
        (-1234.5, "GBP", None, "-£1,235"),
        (7.25, "hours", None, "7.3 hours"),
        (1234.5, "hours", None, "1,234.5 hours"),
        (12, "days", None, "12.0 days"),
        (3.8913461538461545, "score", None, "3.9"),
        (3.8913461538461545, "score", 2, "3.89"),
        (66.45, "%", 0, "66%"),
        (99.954, "%", 2, "99.95%"),
        (20021.0, "count", 1, "20,021.0"),
        (453.456, "GBP", 2, "£453.46"),
        (np.float64(66.45), "%", np.int64(1), "66.5%"),
        (np.int64(20021), "count", None, "20,021"),
        (5.0, "unknown", None, "5.0"),
    ],
)
def test_each_unit_is_written_with_its_decimals_and_separators(
    value: object, unit: str, decimals: object, expected: str
) -> None:
    assert figure(value, unit, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.5, 0, "3"),  # half away from zero, as people round: not Python's round-half-even (2)
        (3.5, 0, "4"),
        (-2.5, 0, "-3"),
        (0.125, 2, "0.13"),
        (1.005, 2, "1.01"),  # the figure as written, not its binary neighbour 1.00499...
        (66.45, 1, "66.5"),
        (-0.04, 1, "0.0"),  # never "-0.0"
        (999.96, 1, "1,000.0"),
    ],
)
def test_rounding_is_half_away_from_zero_on_the_figure_as_written(value: float, decimals: int, expected: str) -> None:
    assert figure(value, "score", decimals) == expected


@pytest.mark.parametrize("value", [None, float("nan"), np.nan, pd.NA, pd.NaT, "66.5", True])
def test_a_missing_figure_is_a_dash_with_its_reason(value: object) -> None:
    assert figure(value, "%") == "— no figure yet"
    assert figure(value, "count", 0, reason="not due") == "— not due"
    assert figure(value, "GBP", reason="") == "—"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Overdue", "figure overdue"),
        ("No data", "no figure yet"),
        ("On track", "no figure yet"),
        (None, "no figure yet"),
    ],
)
def test_the_reason_follows_the_status_members_read(status: object, expected: str) -> None:
    assert formatting.reason(status) == expected


@pytest.mark.parametrize(
    ("unit", "decimals", "expected"),
    [("%", None, 1), ("count", None, 0), ("GBP", None, 0), ("hours", None, 1), ("days", None, 1), ("score", None, 1),
     ("%", 3, 3), ("count", float("nan"), 0), ("%", 9, 1), ("%", 1.5, 1)],
)  # fmt: skip
def test_decimals_default_by_unit(unit: str, decimals: object, expected: int) -> None:
    assert formatting.decimals_for(unit, decimals) == expected


def test_an_officers_figure_in_a_message_keeps_every_decimal() -> None:
    assert formatting.exact(100.04, "%") == "100.04%"
    assert formatting.exact(1234.0, "GBP") == "£1,234"
    assert formatting.exact(3, "hours") == "3 hours"


def _kpi_edited(tmp_path: Path, setting: str) -> Path:
    """The demo framework with `setting` added to DS03 (its third KPI), the line after its unit."""
    old = "    unit: score\n"
    assert SOURCE.count(old) == 2
    path = tmp_path / "framework.yaml"
    path.write_text(SOURCE.replace(old, old + setting, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", ["1.5", "-1", "5", "true", "two", "''"])
def test_a_bad_decimals_setting_is_refused_in_plain_words(tmp_path: Path, bad: str) -> None:
    path = _kpi_edited(tmp_path, f"    decimals: {bad}\n")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("    decimals:"))
    found = {"1.5": "1.5", "-1": "-1", "5": "5", "true": "True", "two": "'two'", "''": "''"}[bad]
    with pytest.raises(FrameworkError) as caught:
        read_framework(path)
    assert str(caught.value) == (
        f"{path}:{line}: kpis[3].decimals: decimals must be a whole number from 0 to 4, the places its figures are "
        f"written with (e.g. 1 for 66.5%); found {found}"
    )


def test_the_decimals_setting_is_stored_with_the_kpi_and_shown_in_the_kpi_view(empty_db: Path, tmp_path: Path) -> None:
    from metrics.access import Actor
    from metrics.loader import load_framework

    framework = read_framework(_kpi_edited(tmp_path, "    decimals: 3\n"))
    with store.connect(empty_db) as con:
        load_framework(con, framework, by=Actor.administrator("tests"), sha256="x")
        rows = dict(con.execute("SELECT code, decimals FROM kpi").fetchall())
    assert (rows["DS03"], rows["DS01"], rows["DS04"], rows["FIN01"], rows["ICT04"], rows["ICT09"]) == (3, 1, 0, 0, 1, 2)


def test_the_newest_approved_figure_is_named_with_when_it_was_approved(con: duckdb.DuckDBPyConnection) -> None:
    newest = queries.last_update(con)
    assert newest == queries.LastUpdate(
        approved_at=datetime(2025, 10, 24, 10, 30), partner_code="MBC", partner_name="Melton Borough Council",
        kpi_code="DS01", kpi_name="Transactions completed online", period="2025/26 Q2", figures=17,
    )  # fmt: skip
    con.execute("UPDATE core.submission SET status = 'submitted'")  # nothing approved: nothing to name
    assert queries.last_update(con) is None
