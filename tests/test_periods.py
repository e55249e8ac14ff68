"""Financial-year periods (docs/file-contract.md): spelling, refusals, order, dates, due dates, arithmetic."""

from __future__ import annotations

import random
from datetime import date

import pytest

from metrics.periods import (
    Period,
    PeriodError,
    current_quarter,
    last_complete_quarter,
    parse_period,
    period_range,
    quarter_containing,
)

# --- spelling ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("2025/26 Q1", "2025/26 Q1"),
        ("2025-26 Q1", "2025/26 Q1"),
        ("Q1 2025/26", "2025/26 Q1"),
        ("Q1 2025-26", "2025/26 Q1"),
        ("FY2025/26 Q1", "2025/26 Q1"),
        ("FY 2025/26 Q2", "2025/26 Q2"),
        ("2025/2026 Q1", "2025/26 Q1"),
        ("Q4 2025-2026", "2025/26 Q4"),
        # lower case
        ("2025/26 q3", "2025/26 Q3"),
        ("fy2025/26 q4", "2025/26 Q4"),
        ("q2 2025-26", "2025/26 Q2"),
        # extra spaces, as people type them or cells pad them
        ("  2025/26 Q1  ", "2025/26 Q1"),
        ("2025/26    Q2", "2025/26 Q2"),
        ("2025 / 26 Q3", "2025/26 Q3"),
        ("2025/26 Q 4", "2025/26 Q4"),
        ("\t2025/26\tQ1\n", "2025/26 Q1"),
        # a whole financial year
        ("2025/26", "2025/26"),
        ("2025-26", "2025/26"),
        ("2025/2026", "2025/26"),
        ("FY2025/26", "2025/26"),
        ("fy 2025-26", "2025/26"),
        # the century turns inside the financial year
        ("1999/00 Q4", "1999/00 Q4"),
        ("1999/2000", "1999/00"),
        ("2099/00 Q1", "2099/00 Q1"),
    ],
)
def test_accepted_spellings_read_as_the_canonical_period(text: str, canonical: str) -> None:
    assert str(parse_period(text)) == canonical


@pytest.mark.parametrize(
    ("text", "year", "quarter"),
    [("2025/26 Q1", 2025, 1), ("2025/26 Q4", 2025, 4), ("2024/25", 2024, None), ("Q3 2030-31", 2030, 3)],
)
def test_parsed_period_names_the_year_it_starts_and_its_quarter(text: str, year: int, quarter: int | None) -> None:
    assert parse_period(text) == Period(year, quarter)


def test_a_period_parses_to_itself() -> None:
    period = Period(2025, 2)
    assert parse_period(period) is period
    assert parse_period(str(period)) == period


def test_every_spelling_of_one_quarter_is_the_same_period() -> None:
    spellings = {parse_period(s) for s in ("2025/26 Q1", "2025-26 Q1", "Q1 2025/26", "FY2025/26 Q1", "2025/2026 q1")}
    assert spellings == {Period(2025, 1)}


ACCEPTED = "2025/26 Q1 (also 2025-26 Q1, Q1 2025/26, FY2025/26 Q1, 2025/2026 Q1), or 2025/26 for a whole year"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # a single calendar year does not say which financial year: both candidates are offered
        ("2025 Q1", r"^'2025 Q1' is ambiguous: .* write 2025/26 Q1 or 2024/25 Q1 \(financial years run April"),
        ("Q1 2025", r"^'Q1 2025' is ambiguous: .* write 2025/26 Q1 or 2024/25 Q1"),
        ("2025", r"^'2025' is ambiguous: .* write 2025/26 Q1 or 2024/25 Q1"),
        ("FY2025 Q3", r"^'FY2025 Q3' is ambiguous: .* write 2025/26 Q1 or 2024/25 Q1"),
        # the second year must be the year after the first
        (
            "2025/27 Q1",
            r"^'2025/27 Q1' is not a financial year: it must end the year after it starts, e\.g\. 2025/26 Q1$",
        ),
        ("2025/25 Q1", r"^'2025/25 Q1' is not a financial year: .* e\.g\. 2025/26 Q1$"),
        ("2025/2027 Q2", r"^'2025/2027 Q2' is not a financial year: .* e\.g\. 2025/26 Q1$"),
        ("2026/25", r"^'2026/25' is not a financial year: .* e\.g\. 2026/27 Q1$"),
        # quarters run 1 to 4
        ("2025/26 Q5", r"^'2025/26 Q5' names quarter 5; quarters run Q1 to Q4, e\.g\. 2025/26 Q1$"),
        ("2025/26 Q0", r"^'2025/26 Q0' names quarter 0; quarters run Q1 to Q4, e\.g\. 2025/26 Q1$"),
        ("Q0 2025/26", r"^'Q0 2025/26' names quarter 0; quarters run Q1 to Q4, e\.g\. 2025/26 Q1$"),
        # nothing there, or nothing like a period: the message shows how to write one
        ("", r"^a period is needed; write it as " + ACCEPTED.replace("(", r"\(").replace(")", r"\)") + "$"),
        ("   ", r"^a period is needed; write it as 2025/26 Q1 \(also 2025-26 Q1"),
        (None, r"^a period is needed; write it as 2025/26 Q1 \(also 2025-26 Q1"),
        ("abc", r"^'abc' is not a period we can read; write it as 2025/26 Q1 \(also 2025-26 Q1, Q1 2025/26, "),
        ("Quarter 1", r"^'Quarter 1' is not a period we can read; write it as 2025/26 Q1"),
        ("2025/26 H1", r"^'2025/26 H1' is not a period we can read; write it as 2025/26 Q1"),
        ("01/04/2025", r"^'01/04/2025' is not a period we can read; write it as 2025/26 Q1"),
        # digits of other scripts, which int() would read
        (
            "٢٠٢٥/٢٦ Q١",
            r"^'٢٠٢٥/٢٦ Q١' has digits other than 0 to 9; write it with the digits 0 to 9, e\.g\. 2025/26 Q1$",
        ),
        ("２０２５/26 Q1", r"^'２０２５/26 Q1' has digits other than 0 to 9; write it with the digits 0 to 9"),
        ("2025/26 Q¹", r"^'2025/26 Q¹' has digits other than 0 to 9; write it with the digits 0 to 9"),
    ],
)
def test_refused_periods_say_how_to_write_one(text: str | None, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        parse_period(text)


@pytest.mark.parametrize(("year", "quarter"), [(2025, 0), (2025, 5), (2025, -1)])
def test_a_quarter_outside_1_to_4_cannot_be_made(year: int, quarter: int) -> None:
    with pytest.raises(PeriodError, match=f"^quarter must be 1 to 4, not {quarter}$"):
        Period(year, quarter)


def test_period_error_is_a_value_error() -> None:
    # Pydantic turns ValueErrors raised in validators into readable messages in the framework file.
    assert issubclass(PeriodError, ValueError)


# --- order -------------------------------------------------------------------------------------------


def test_periods_sort_chronologically_not_alphabetically() -> None:
    in_order = [
        "2023/24 Q4",
        "2023/24",
        "2024/25 Q1",
        "2024/25 Q2",
        "2024/25 Q3",
        "2024/25 Q4",
        "2024/25",
        "2025/26 Q1",
        "2025/26 Q2",
        "2025/26 Q3",
        "2025/26 Q4",
        "2025/26",
        "2026/27 Q1",
    ]
    shuffled = in_order[:]
    random.Random(7).shuffle(shuffled)
    assert shuffled != in_order
    assert [str(p) for p in sorted(parse_period(s) for s in shuffled)] == in_order


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("2025/26 Q4", "2025/26"),  # a whole year comes after its own Q4 ...
        ("2025/26", "2026/27 Q1"),  # ... and before the next year's Q1
        ("2024/25 Q4", "2025/26 Q1"),  # Q4 (Jan-Mar 2025) before Q1 (Apr-Jun 2025)
        ("2025/26 Q3", "2025/26 Q4"),  # Oct-Dec 2025 before Jan-Mar 2026
        ("2024/25", "2025/26"),
        ("1999/00 Q4", "2000/01 Q1"),
    ],
)
def test_ordering_pairs(earlier: str, later: str) -> None:
    a, b = parse_period(earlier), parse_period(later)
    assert a < b
    assert b > a
    assert a != b
    assert max(a, b) == b


def test_equal_periods_are_equal_and_hash_alike() -> None:
    assert parse_period("2025-26 Q2") == Period(2025, 2)
    assert len({parse_period("2025-26 Q2"), Period(2025, 2), parse_period("Q2 2025/2026")}) == 1
    assert Period(2025) != Period(2025, 4)


# --- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2025/26 Q1", date(2025, 4, 1), date(2025, 6, 30)),
        ("2025/26 Q2", date(2025, 7, 1), date(2025, 9, 30)),
        ("2025/26 Q3", date(2025, 10, 1), date(2025, 12, 31)),
        ("2025/26 Q4", date(2026, 1, 1), date(2026, 3, 31)),  # Q4 is in the later calendar year
        ("2025/26", date(2025, 4, 1), date(2026, 3, 31)),
        ("2027/28 Q4", date(2028, 1, 1), date(2028, 3, 31)),  # a leap year's Q4 still ends on 31 March
        ("1999/00 Q4", date(2000, 1, 1), date(2000, 3, 31)),
    ],
)
def test_start_and_end_dates(period: str, start: date, end: date) -> None:
    p = parse_period(period)
    assert (p.start, p.end) == (start, end)
    assert p.contains(start)
    assert p.contains(end)
    assert not p.contains(date.fromordinal(start.toordinal() - 1))
    assert not p.contains(date.fromordinal(end.toordinal() + 1))


@pytest.mark.parametrize(
    ("period", "due_days", "due"),
    [
        ("2025/26 Q1", None, date(2025, 7, 30)),  # 30 June + 30 days
        ("2025/26 Q2", None, date(2025, 10, 30)),  # 30 September + 30 days
        ("2025/26 Q3", None, date(2026, 1, 30)),  # 31 December + 30 days, into the next calendar year
        ("2025/26 Q4", None, date(2026, 4, 30)),  # 31 March + 30 days
        ("2023/24 Q3", None, date(2024, 1, 30)),
        ("2025/26", None, date(2026, 4, 30)),  # a whole year is due when its Q4 is
        ("2025/26 Q1", 45, date(2025, 8, 14)),  # 30 June + 45 days
        ("2025/26 Q3", 60, date(2026, 3, 1)),  # 31 December + 60 days = 1 March (2026 is not a leap year)
        ("2027/28 Q3", 60, date(2028, 2, 29)),  # ... but 2028 is
        ("2025/26 Q2", 0, date(2025, 9, 30)),
    ],
)
def test_data_due_date(period: str, due_days: int | None, due: date) -> None:
    p = parse_period(period)
    assert (p.due() if due_days is None else p.due(due_days)) == due


@pytest.mark.parametrize(
    ("today", "current", "last_complete"),
    [
        (date(2026, 3, 31), "2025/26 Q4", "2025/26 Q3"),  # Q4's last day: Q4 is not over yet
        (date(2026, 4, 1), "2026/27 Q1", "2025/26 Q4"),  # a new financial year
        (date(2025, 6, 30), "2025/26 Q1", "2024/25 Q4"),
        (date(2025, 7, 1), "2025/26 Q2", "2025/26 Q1"),
        (date(2025, 9, 30), "2025/26 Q2", "2025/26 Q1"),
        (date(2025, 10, 1), "2025/26 Q3", "2025/26 Q2"),
        (date(2025, 12, 31), "2025/26 Q3", "2025/26 Q2"),
        (date(2026, 1, 1), "2025/26 Q4", "2025/26 Q3"),  # 1 January is still the 2025/26 year
        (date(2025, 11, 20), "2025/26 Q3", "2025/26 Q2"),
        (date(2024, 2, 29), "2023/24 Q4", "2023/24 Q3"),
    ],
)
def test_current_and_last_complete_quarter_on_boundaries(today: date, current: str, last_complete: str) -> None:
    assert str(current_quarter(today)) == current
    assert str(quarter_containing(today)) == current
    assert str(last_complete_quarter(today)) == last_complete
    assert current_quarter(today).contains(today)
    assert last_complete_quarter(today).end < today


# --- arithmetic --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "quarters", "expected"),
    [
        ("2025/26 Q1", 1, "2025/26 Q2"),
        ("2025/26 Q4", 1, "2026/27 Q1"),
        ("2025/26 Q1", -1, "2024/25 Q4"),
        ("2025/26 Q3", 4, "2026/27 Q3"),
        ("2025/26 Q3", -9, "2023/24 Q2"),
        ("2025/26 Q2", 0, "2025/26 Q2"),
        ("2025/26", 4, "2026/27"),
        ("2025/26", -8, "2023/24"),
    ],
)
def test_shift(period: str, quarters: int, expected: str) -> None:
    assert str(parse_period(period).shift(quarters)) == expected


def test_a_whole_year_moves_only_by_whole_years() -> None:
    with pytest.raises(PeriodError, match=r"^a whole year can only move by whole years \(multiples of 4 quarters\)$"):
        Period(2025).shift(1)


@pytest.mark.parametrize(
    ("period", "previous", "year_before"),
    [
        ("2025/26 Q1", "2024/25 Q4", "2024/25 Q1"),
        ("2025/26 Q2", "2025/26 Q1", "2024/25 Q2"),
        ("2025/26 Q4", "2025/26 Q3", "2024/25 Q4"),
        ("2025/26", "2024/25", "2024/25"),
        ("2000/01 Q1", "1999/00 Q4", "1999/00 Q1"),
    ],
)
def test_previous_and_year_before(period: str, previous: str, year_before: str) -> None:
    p = parse_period(period)
    assert str(p.previous()) == previous
    assert str(p.year_before()) == year_before


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2025/26 Q2", "2025/26 Q2", ["2025/26 Q2"]),
        ("2024/25 Q3", "2025/26 Q2", ["2024/25 Q3", "2024/25 Q4", "2025/26 Q1", "2025/26 Q2"]),
        ("2025/26 Q3", "2025/26 Q2", []),
    ],
)
def test_period_range(first: str, last: str, expected: list[str]) -> None:
    assert [str(p) for p in period_range(parse_period(first), parse_period(last))] == expected


def test_a_whole_year_has_four_quarters_and_belongs_to_itself() -> None:
    assert [str(q) for q in Period(2025).quarters()] == ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
    assert Period(2025, 3).quarters() == [Period(2025, 3)]
    assert Period(2025, 3).financial_year == Period(2025)
    assert Period(2025).is_annual
    assert not Period(2025, 1).is_annual
