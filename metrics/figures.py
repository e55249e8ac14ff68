"""Figures from any source: the records a source gives, the checked figures stored, and the problems found.

Every source of figures (a file, a service desk export, a note edit, and the next: finance, benchmarks) gives
`Record`s or a file's rows; `metrics.checks` turns them into `Figure`s and `Problem`s by the same rules, and
`metrics.submissions.submit` stores them (docs/file-contract.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from metrics.periods import Period

MAX_BYTES = 20 * 1024 * 1024
SHOWN_PROBLEMS = 100  # problems given in full; the rest are counted by column (docs/file-contract.md)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing to change in a file, where the officer will find it."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Record:
    """One figure as a source gives it, not yet checked; `row` is where its source holds it (1 for the first)."""

    partner: str
    period: str | Period
    kpi: str
    value: float | None
    note: str | None = None
    row: int = 1


@dataclass(frozen=True)
class Figure:
    """One checked figure, ready to store."""

    row: int
    partner_code: str
    period: Period
    kpi_code: str
    value: float | None
    note: str | None


@dataclass(frozen=True)
class StagedFigures:
    """A file's figures checked in DuckDB (`metrics.setcheck`), held in a temporary table of the connection."""

    file: str
    table: str
    rows: int
    partners: list[str]
    periods: list[str]


@dataclass(frozen=True)
class KpiRule:
    code: str
    name: str
    unit: str
    annual: bool
    min_value: float | None
    max_value: float | None


@dataclass(frozen=True)
class PartnerRule:
    code: str
    name: str
    joined_on: date
    left_on: date | None


@dataclass
class Catalogue:
    """What figures are checked against: the framework's partners and KPIs, today, who may submit for whom."""

    partners: dict[str, PartnerRule]
    kpis: dict[str, KpiRule]
    today: date
    allowed_partners: set[str] | None = None
    max_bytes: int = MAX_BYTES
    _found: dict[str, PartnerRule | None] = field(default_factory=dict, repr=False, compare=False)

    def find_partner(self, text: str) -> PartnerRule | None:
        if text in self._found:  # a large file names the same few partners many times
            return self._found[text]
        key = text.strip().casefold()
        found = next((p for p in self.partners.values() if key in (p.code.casefold(), p.name.casefold())), None)
        self._found[text] = found
        return found


@dataclass
class CheckResult:
    file: str
    figures: list[Figure]
    problems: list[Problem]  # the first SHOWN_PROBLEMS in full
    notes: list[str] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # the problems past those, counted by column

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(self.more.values())

    def rest(self) -> str | None:
        """The problems not given in full, by column: "and 1,900 more problems: 1,500 in the value column, ..."."""
        if not self.more:
            return None
        n = sum(self.more.values())
        counts = ", ".join(f"{k:,} in the {c} column" for c, k in sorted(self.more.items(), key=lambda i: -i[1]))
        return f"{self.file}: and {n:,} more {'problem' if n == 1 else 'problems'} like those above: {counts}"
