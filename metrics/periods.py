"""UK local-government financial-year periods: quarters (`2025/26 Q1`) and whole years (`2025/26`).

A financial year runs 1 April to 31 March. Q1 = Apr-Jun, Q2 = Jul-Sep, Q3 = Oct-Dec, Q4 = Jan-Mar.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import total_ordering

DEFAULT_DUE_DAYS = 30
ACCEPTED_FORMS = "2025/26 Q1 (also 2025-26 Q1, Q1 2025/26, FY2025/26 Q1, 2025/2026 Q1), or 2025/26 for a whole year"

_YEAR = r"(?:FY\s*)?(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{2}|\d{4})"
_QUARTER = r"Q\s*(?P<q>\d+)"
_FORMS = [
    re.compile(rf"^{_YEAR}\s+{_QUARTER}$", re.IGNORECASE | re.ASCII),
    re.compile(rf"^{_QUARTER}\s+{_YEAR}$", re.IGNORECASE | re.ASCII),
    re.compile(rf"^{_YEAR}$", re.IGNORECASE | re.ASCII),
]
# re.ASCII: \d would also take other scripts' digits (Arabic-Indic ٢, full-width ２), which int() reads.
_LONE_YEAR = re.compile(r"^(?:FY\s*)?(?:Q\s*\d+\s+)?(?P<y>\d{4})(?:\s+Q\s*\d+)?$", re.IGNORECASE | re.ASCII)


class PeriodError(ValueError):
    """A period that cannot be read, or is ambiguous or impossible."""


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A financial year (`quarter is None`) or one of its quarters.

    `year` is the calendar year in which the financial year starts (2025 for 2025/26).
    """

    year: int
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise PeriodError(f"quarter must be 1 to 4, not {self.quarter}")
        if not 1900 <= self.year <= 2999:
            raise PeriodError(f"year {self.year} is out of range")

    # --- spelling -------------------------------------------------------------------------------
    @property
    def fy_label(self) -> str:
        """The financial year, e.g. `2025/26`."""
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.fy_label if self.quarter is None else f"{self.fy_label} Q{self.quarter}"

    @property
    def slug(self) -> str:
        """The period for a file name, e.g. `2025-26-Q2`."""
        return str(self).replace("/", "-").replace(" ", "-")

    @property
    def is_annual(self) -> bool:
        return self.quarter is None

    # --- ordering -------------------------------------------------------------------------------
    @property
    def index(self) -> int:
        """A quarter number that increases by one a quarter; a whole year takes its last quarter's."""
        return self.year * 4 + (self.quarter or 4) - 1

    def _key(self) -> tuple[int, int]:
        # A whole year sorts after its own Q4 (it ends on the same day and covers more).
        return (self.index, 1 if self.quarter is None else 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    @classmethod
    def from_index(cls, index: int) -> Period:
        """The quarter with this `index`."""
        return cls(index // 4, index % 4 + 1)

    def shift(self, quarters: int) -> Period:
        """The period `quarters` later (a whole year moves by whole years)."""
        if self.quarter is None:
            if quarters % 4:
                raise PeriodError("a whole year can only move by whole years (multiples of 4 quarters)")
            return Period(self.year + quarters // 4)
        return Period.from_index(self.index + quarters)

    def previous(self) -> Period:
        """The quarter before, or for a whole year the year before."""
        return self.shift(-4 if self.quarter is None else -1)

    def year_before(self) -> Period:
        """The same quarter (or year) a year earlier."""
        return self.shift(-4)

    # --- dates ----------------------------------------------------------------------------------
    @property
    def start(self) -> date:
        return _bounds(self.year, self.quarter)[0]

    @property
    def end(self) -> date:
        return _bounds(self.year, self.quarter)[1]

    def due(self, due_days: int = DEFAULT_DUE_DAYS) -> date:
        """The day by which figures for this period should be in."""
        return self.end + timedelta(days=due_days)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def quarters(self) -> list[Period]:
        """The quarters of a whole year, or the quarter itself."""
        if self.quarter is not None:
            return [self]
        return [Period(self.year, q) for q in range(1, 5)]

    @property
    def financial_year(self) -> Period:
        return Period(self.year)


def parse_period(text: object) -> Period:
    """Read a period as officers write it; refuse ambiguous and impossible ones."""
    if isinstance(text, Period):
        return text
    raw = str(text).strip() if text is not None else ""
    if not raw:
        raise PeriodError(f"a period is needed; write it as {ACCEPTED_FORMS}")
    if any(c.isdigit() and not c.isascii() for c in raw):
        raise PeriodError(f"'{raw}' has digits other than 0 to 9; write it with the digits 0 to 9, e.g. 2025/26 Q1")
    cleaned = re.sub(r"\s+", " ", raw)
    for form in _FORMS:
        match = form.match(cleaned)
        if match:
            return _build(raw, match.group("y1"), match.group("y2"), match.groupdict().get("q"))
    lone = _LONE_YEAR.match(cleaned)
    if lone:
        year = int(lone.group("y"))
        raise PeriodError(
            f"'{raw}' is ambiguous: a single year does not say which financial year; "
            f"write {Period(year)} Q1 or {Period(year - 1)} Q1 (financial years run April to March)"
        )
    raise PeriodError(f"'{raw}' is not a period we can read; write it as {ACCEPTED_FORMS}")


def _build(raw: str, y1: str, y2: str, q: str | None) -> Period:
    start = int(y1)
    expected_end = start + 1
    end_ok = int(y2) == expected_end if len(y2) == 4 else int(y2) == expected_end % 100
    if not end_ok:
        raise PeriodError(
            f"'{raw}' is not a financial year: it must end the year after it starts, e.g. {Period(start)} Q1"
        )
    quarter = int(q) if q is not None else None
    if quarter is not None and not 1 <= quarter <= 4:
        raise PeriodError(f"'{raw}' names quarter {quarter}; quarters run Q1 to Q4, e.g. {Period(start)} Q1")
    return Period(start, quarter)


def quarter_containing(day: date) -> Period:
    """The quarter in which `day` falls."""
    fy = day.year if day.month >= 4 else day.year - 1
    return Period(fy, (day.month - 4) % 12 // 3 + 1)


def current_quarter(today: date) -> Period:
    """The quarter in progress on `today`."""
    return quarter_containing(today)


def last_complete_quarter(today: date) -> Period:
    """The latest quarter that ended before `today`."""
    return current_quarter(today).previous()


def period_range(first: Period, last: Period) -> list[Period]:
    """Every quarter from `first` to `last`, both included."""
    return [Period.from_index(i) for i in range(first.index, last.index + 1)]


@functools.lru_cache(maxsize=4096)
def _bounds(year: int, quarter: int | None) -> tuple[date, date]:
    """The first and last day of a financial year or quarter (remembered: a large file repeats a few periods)."""
    if quarter is None:
        return date(year, 4, 1), date(year + 1, 3, 31)
    month = 4 + 3 * (quarter - 1)
    start = date(year + (month > 12), (month - 1) % 12 + 1, 1)
    after = 4 + 3 * quarter
    following = date(year + (after > 12), (after - 1) % 12 + 1, 1)
    return start, following - timedelta(days=1)
