"""Checking figures: a file's rows (a `Sheet`) or a source's `Record`s -> checked figures and every problem.

The rules of docs/file-contract.md, the same for every source: partner, period, KPI, the figure and its range,
one figure per partner, period and KPI. Each problem is named FILE:ROW:COLUMN, FILE being the file or source.
Nothing here reads bytes (`metrics.readers`) or writes (`metrics.submissions`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from datetime import date
from typing import Any

from metrics.figures import SHOWN_PROBLEMS, Catalogue, CheckResult, Figure, KpiRule, PartnerRule, Problem, Record
from metrics.figuretext import SIGN_UNITS, UNIT_WORDS, not_a_number, out_of_range, read_figure
from metrics.periods import Period, PeriodError, parse_period
from metrics.readers import OPTIONAL, REQUIRED, Sheet


def column_map(sheet: Sheet) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    problems = []
    for i, title in enumerate(sheet.header):
        key = title.strip().lower()
        if key in REQUIRED + OPTIONAL:
            if key in found:
                problems.append(
                    Problem(sheet.name, sheet.header_row, title, f"the column '{key}' appears twice; keep only one")
                )
            found.setdefault(key, i)
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        quoted = [f"'{c}'" for c in missing]
        names = f"{quoted[0]} column" if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]} columns"
        problems.append(
            Problem(
                sheet.name,
                sheet.header_row,
                missing[0],
                f"the header row has no {names}; it must name the columns "
                f"partner, period, kpi and value (note is optional)",
            )
        )
    return found, problems


def check_sheet(sheet: Sheet, catalogue: Catalogue) -> CheckResult:
    """Check every row of `sheet`; figures are returned only if there is no problem at all."""
    columns, problems = column_map(sheet)
    if problems:
        return CheckResult(sheet.name, [], problems)
    figures: list[Figure] = []
    seen: dict[tuple[str, Period, str], int] = {}
    read = 0
    more: dict[str, int] = {}
    wanted = [(key, columns.get(key)) for key in (*REQUIRED, *OPTIONAL)]
    # A CSV row can hold text under no column only past the header's end, or under a blank header cell.
    strays_anywhere = sheet.csv and not all(h for h in sheet.header)
    for row_number, cells in sheet.rows:
        broken = (
            {k: m for k, i in columns.items() if (m := sheet.formula_problems.get((row_number, i))) is not None}
            if sheet.formula_problems
            else {}
        )
        if not broken and not "".join(cells).strip():
            continue  # kept only for a formula in a column that is not read
        read += 1
        n = len(cells)
        texts = {key: cells[i].strip() if i is not None and i < n else "" for key, i in wanted}
        row_problems, figure = _check_row(sheet.name, row_number, texts.__getitem__, catalogue)
        if broken:  # what the formula shows is not in the file: say that, not "the value is blank"
            row_problems = [p for p in row_problems if p.column not in broken]
            row_problems += [Problem(sheet.name, row_number, key, message) for key, message in broken.items()]
            figure = None
        if sheet.csv and (strays_anywhere or n > len(sheet.header)):
            row_problems += _stray_cells(sheet, row_number, cells)
        _add(sheet.name, figure, row_problems, figures, seen)
        _keep(problems, row_problems, more)
    if not read:
        problems.append(Problem(sheet.name, sheet.header_row + 1, "-", "there are no figures under the header row"))
    return _result(sheet.name, figures, problems, more)


def check_records(records: Iterable[Record], name: str, catalogue: Catalogue) -> CheckResult:
    """Check figures given as typed records by the rules a file's rows meet; `name` names the source in problems."""
    figures: list[Figure] = []
    seen: dict[tuple[str, Period, str], int] = {}
    problems: list[Problem] = []
    more: dict[str, int] = {}
    for record in records:
        found, figure = _check_record(name, record, catalogue)
        _add(name, figure, found, figures, seen)
        _keep(problems, found, more)
    if not figures and not problems and not more:
        problems.append(Problem(name, 1, "-", "there are no figures to submit"))
    return _result(name, figures, problems, more)


def _add(file: str, figure: Figure | None, found: list[Problem], figures: list[Figure], seen: dict[Any, int]) -> None:
    """Keep a checked figure, unless its partner, period and KPI were given before (a problem, added to `found`)."""
    if figure is None:
        return
    key = (figure.partner_code, figure.period, figure.kpi_code)
    if key in seen:
        found.append(_duplicate(file, figure, seen[key]))
    else:
        seen[key] = figure.row
        figures.append(figure)


def _result(file: str, figures: list[Figure], problems: list[Problem], more: dict[str, int]) -> CheckResult:
    """Problems in row order, the first SHOWN_PROBLEMS in full; figures only if there is no problem at all."""
    problems.sort(key=lambda p: (p.row, p.column))
    for problem in problems[SHOWN_PROBLEMS:]:  # the last row kept may have taken the count past the limit
        more[problem.column] = more.get(problem.column, 0) + 1
    del problems[SHOWN_PROBLEMS:]
    return CheckResult(file, [] if problems else figures, problems, more=more)


def _keep(problems: list[Problem], found: list[Problem], more: dict[str, int]) -> None:
    """Keep a row's problems while fewer than SHOWN_PROBLEMS are kept (rows come in order); count the rest."""
    if len(problems) < SHOWN_PROBLEMS:
        problems += found
    else:
        for problem in found:
            more[problem.column] = more.get(problem.column, 0) + 1


def _duplicate(file: str, figure: Figure, first: int) -> Problem:
    return Problem(
        file,
        figure.row,
        "kpi",
        f"{figure.kpi_code} for {figure.partner_code} in {figure.period} is already given on row {first}; "
        "keep one figure per partner, period and KPI",
    )


def _stray_cells(sheet: Sheet, row: int, cells: list[str]) -> list[Problem]:
    """Text in a CSV row under no column: `1,234` or a note with a comma that was not put in quotes."""
    width = len(sheet.header)
    stray = [(i, c.strip()) for i, c in enumerate(cells) if c.strip() and (i >= width or not sheet.header[i])]
    if not stray:
        return []
    column, text = stray[0]
    return [
        Problem(
            sheet.name,
            row,
            f"column {column + 1}",
            f"'{text}' is under no column of the header row; put a figure or note that contains a comma "
            'in double quotes, e.g. "1,234"',
        )
    ]


def _check_row(file: str, row: int, cell: Any, cat: Catalogue) -> tuple[list[Problem], Figure | None]:
    out: list[Problem] = []
    partner, period, kpi = _check_keys(file, row, (cell("partner"), cell("period"), cell("kpi")), cat, out)
    note = cell("note") or None
    value = _check_value(file, row, cell("value"), kpi, note, out)
    return out, _figure(out, row, partner, period, kpi, value, note)


def _check_record(file: str, record: Record, cat: Catalogue) -> tuple[list[Problem], Figure | None]:
    """One record: the same rules as a row of a file, the figure given as a number rather than as text."""
    out: list[Problem] = []
    period = record.period if isinstance(record.period, Period) else record.period.strip()
    keys = (record.partner.strip(), period, record.kpi.strip())
    partner, checked_period, kpi = _check_keys(file, record.row, keys, cat, out)
    note = (record.note or "").strip() or None
    value = _check_amount(file, record.row, record.value, kpi, note, out)
    return out, _figure(out, record.row, partner, checked_period, kpi, value, note)


def _figure(
    out: list[Problem],
    row: int,
    partner: PartnerRule | None,
    period: Period | None,
    kpi: KpiRule | None,
    value: float | None,
    note: str | None,
) -> Figure | None:
    if out or partner is None or period is None or kpi is None:
        return None
    return Figure(row, partner.code, period, kpi.code, value, note)


def _check_keys(
    file: str, row: int, texts: tuple[str, str | Period, str], cat: Catalogue, out: list[Problem]
) -> tuple[PartnerRule | None, Period | None, KpiRule | None]:
    """The partner, period and KPI of one figure, and whether they go together."""
    partner = check_partner(file, row, texts[0], cat, out)
    period = check_period(file, row, texts[1], cat, out)
    kpi = check_kpi(file, row, texts[2], cat, out)
    if (
        partner is not None
        and period is not None
        and (period.start > (partner.left_on or date.max) or period.end < partner.joined_on)
    ):
        when = (
            f"it left on {partner.left_on:%-d %B %Y}"
            if partner.left_on is not None and period.start > partner.left_on
            else f"it joined on {partner.joined_on:%-d %B %Y}"
        )
        out.append(Problem(file, row, "period", f"{partner.name} was not a partner in {period} ({when})"))
    if kpi is not None and period is not None and kpi.annual != period.is_annual:
        need = (
            f"a whole year such as {period.financial_year}"
            if kpi.annual
            else f"a quarter such as {period.year}/{(period.year + 1) % 100:02d} Q1"
        )
        out.append(
            Problem(
                file,
                row,
                "period",
                f"{kpi.code} is reported {'yearly' if kpi.annual else 'quarterly'}; write the period as {need}",
            )
        )
    return partner, period, kpi


def check_partner(file: str, row: int, text: str, cat: Catalogue, out: list[Problem]) -> PartnerRule | None:
    if not text:
        out.append(
            Problem(
                file,
                row,
                "partner",
                f"the partner is blank; write the council's code, e.g. {next(iter(cat.partners), 'HBBC')}",
            )
        )
        return None
    partner = cat.find_partner(text)
    if partner is None:
        codes = ", ".join(cat.partners)
        out.append(Problem(file, row, "partner", f"'{text}' is not a partner; use one of {codes}"))
        return None
    if cat.allowed_partners is not None and partner.code not in cat.allowed_partners:
        out.append(
            Problem(
                file,
                row,
                "partner",
                f"you may only submit figures for "
                f"{', '.join(sorted(cat.allowed_partners)) or 'no council'}, "
                f"not {partner.code}",
            )
        )
        return None
    return partner


@functools.lru_cache(maxsize=4096)
def _parse_period_text(text: str) -> Period:
    """`parse_period`, remembered: a large file repeats the same few periods."""
    return parse_period(text)


def check_period(file: str, row: int, text: str | Period, cat: Catalogue, out: list[Problem]) -> Period | None:
    try:
        period = _parse_period_text(text) if isinstance(text, str) else parse_period(text)
    except PeriodError as exc:
        out.append(Problem(file, row, "period", str(exc)))
        return None
    if period.end >= cat.today:  # a quarter's figures are known only once it is over
        message = f"{period} ends on {period.end:%-d %B %Y}; send its figures after that"
        out.append(Problem(file, row, "period", message))
        return None
    return period


def check_kpi(file: str, row: int, text: str, cat: Catalogue, out: list[Problem]) -> KpiRule | None:
    if not text:
        out.append(
            Problem(
                file,
                row,
                "kpi",
                f"the KPI code is blank; write the code from the template, e.g. {next(iter(cat.kpis), 'DS01')}",
            )
        )
        return None
    kpi = cat.kpis.get(text.upper())
    if kpi is None:
        listed = ", ".join(list(cat.kpis)[:10]) + (", ..." if len(cat.kpis) > 10 else "")
        out.append(Problem(file, row, "kpi", f"'{text}' is not a KPI code; use one of {listed}"))
    return kpi


def _check_value(
    file: str, row: int, text: str, kpi: KpiRule | None, note: str | None, out: list[Problem]
) -> float | None:
    if not text:
        if not note:
            out.append(
                Problem(
                    file,
                    row,
                    "value",
                    "the value is blank; give the figure, or say in the note column why there is none",
                )
            )
        return None
    read = read_figure(text)
    if read is None:
        out.append(Problem(file, row, "value", not_a_number(text)))
        return None
    value, sign = read
    if kpi is None:
        return value
    if sign and SIGN_UNITS[sign][0] != kpi.unit:
        what = f"{UNIT_WORDS.get(kpi.unit, kpi.unit)}, not {SIGN_UNITS[sign][1]}"
        message = f"'{text}' has a {sign} sign, but {kpi.code} ({kpi.name}) is {what}; write the figure without it"
        out.append(Problem(file, row, "value", message))
        return None
    _check_range(file, row, value, kpi, out)
    return value


def _check_amount(
    file: str, row: int, value: float | None, kpi: KpiRule | None, note: str | None, out: list[Problem]
) -> float | None:
    """A figure given as a number (or None for none): blank only with a note, finite, within the KPI's range."""
    if value is None:
        return _check_value(file, row, "", kpi, note, out)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        out.append(Problem(file, row, "value", f"'{value}' is not a number; give the figure as a number, e.g. 72.5"))
        return None
    if kpi is not None:
        _check_range(file, row, float(value), kpi, out)
    return float(value)


def _check_range(file: str, row: int, value: float, kpi: KpiRule, out: list[Problem]) -> None:
    low, high = kpi.min_value, kpi.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        out.append(Problem(file, row, "value", out_of_range(value, kpi)))
