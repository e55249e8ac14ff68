"""What a service desk export holds (`Check`) and what importing it did (`Imported`), in words (metrics.tickets)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime

from metrics.ticket_files import Layout


@dataclass(frozen=True)
class BadReason:
    """Rows left out for one reason: how many, and the first few as FILE:ROW:COLUMN: message."""

    reason: str
    rows: int
    first_rows: list[int]
    examples: list[str]

    def line(self) -> str:
        more = f" and {self.rows - len(self.first_rows):,} more" if self.rows > len(self.first_rows) else ""
        rows = ", ".join(str(r) for r in self.first_rows)
        plural = "s" if self.rows != 1 else ""
        return f"{self.reason}: {self.rows:,} row{plural} (row{plural} {rows}{more})"


@dataclass(frozen=True)
class Check:
    """What an export holds, before anything is written."""

    file: str
    sha256: str
    layout: Layout
    rows_read: int
    good: int
    bad: list[BadReason]
    unknown_partners: list[tuple[str, int]]
    partners: list[str]
    first_opened: datetime | None
    last_opened: datetime | None
    first_idx: int | None
    last_idx: int | None
    folded: int = 0  # an event log's update rows taken out: each ticket's latest update is read
    tickets: int = 0  # an event log's tickets (numbers), whether their latest update is good or bad
    stale: int = 0  # an event log's tickets whose latest update is bad
    blank_markers: list[tuple[str, int]] = field(default_factory=list)  # texts like ? that made rows bad

    @property
    def bad_total(self) -> int:
        return sum(b.rows for b in self.bad)

    def fold_line(self) -> str:
        """How many tickets an event log's update rows hold ('' when no row was folded)."""
        if not self.folded:
            return ""
        text = f"{_count(self.tickets, 'ticket')} from {self.rows_read:,} update rows: "
        return text + "each ticket's latest update is used"

    def lines(self) -> list[str]:
        """The bad rows by reason, then the first rows of each, as the command line prints them."""
        lines = [line for b in self.bad for line in (b.line(), *(f"  {e}" for e in b.examples))]
        if self.stale:
            lines.append(
                f"{_count(self.stale, 'ticket')} whose latest update is bad: a ticket left out is left out whole, "
                "never read from an earlier update"
            )
        return lines + self.marker_lines()

    def marker_lines(self) -> list[str]:
        """A line for each text that looks like a blank marker (ServiceNow's ?), suggesting `--missing`."""
        return [
            f"'{text}' stands for a blank in {_count(rows, 'row')}; if it marks a blank cell, import with "
            f"--missing {_quoted(text)}"
            for text, rows in self.blank_markers
        ]


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _quoted(text: str) -> str:
    """`text` as a shell argument: "?" as people write it, else shell quoting."""
    return f'"{text}"' if not set(text) & set('"\\$`!') else shlex.quote(text)


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    file: str
    import_id: int
    rows_read: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    left_out: int = 0
    submission_id: int | None = None
    figures: int = 0
    quarters: list[str] = field(default_factory=list)
    duplicate_at: datetime | None = None
    fold: str = ""  # an event log's fold line (Check.fold_line)
    stale: int = 0  # tickets left out because their latest update was bad
    repeats: int = 0  # rows left out for repeating a ticket number given earlier (the first row is used)

    def message(self) -> str:
        if self.duplicate_at is not None:
            return (
                f"{self.file}: this identical export was already imported (import {self.import_id}, "
                f"{self.duplicate_at:%-d %B %Y at %H:%M}); nothing changed"
            )
        text = (
            f"{self.file}: {self.fold or f'{self.rows_read:,} rows read'}; {self.new:,} new tickets, "
            f"{self.changed:,} changed, {self.unchanged:,} unchanged"
        )
        if self.left_out:
            text += f"; {self.left_out:,} bad rows left out (recorded with import {self.import_id})"
        if self.stale:
            text += f": {_count(self.stale, 'ticket')} left out because {'its' if self.stale == 1 else 'their'} "
            text += "latest update was bad"
        if self.repeats:
            text += f", of which {self.repeats:,} repeat{'s' if self.repeats == 1 else ''} a ticket number given "
            text += "earlier (each ticket's first row is used)"
        if self.submission_id is not None:
            text += (
                f". {self.figures} KPI figure{'s' if self.figures != 1 else ''} for {', '.join(self.quarters)} "
                f"submitted as submission {self.submission_id}, for the performance lead to approve"
            )
        else:
            text += ". The KPI figures it gives are the same as those held: no new figures"
        return text
