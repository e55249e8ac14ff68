"""Business files (money, options, agreement, risks, contracts): read, check each row, store whole or not at all.

The interface, small on purpose (docs/file-contract.md, "Business files"):

- `Kind(name, what, row, table, key, refs=..., store=...)`: one kind of file. `row` is a Pydantic model whose
  field names are the file's column names and the table's column names; `key` the columns that name one row
  (a row with the key of one already stored replaces it; rows the file does not name stay, so history stays);
  `refs` maps a column to the SQL giving its allowed codes (e.g. partner codes); `rows_check(name, rows)`
  adds rules across rows; `store(con, kind, rows, partnership_code)` replaces the default upsert for a kind
  that keeps its own history. Cell types `Money`, `Fraction`, `Day`, `FinancialYear`, `Word` read what
  officers write (`£277,000`, `46.7%`, `31/12/2026`, `2020/21`, `Revenue`).
- `check(con, data, name, kind) -> list[dict]`: the checked rows, or `BusinessFileRefused` naming every bad
  row as FILE:ROW:COLUMN (the bounded readers of metrics/readers.py measure the file first).
- `load(con, data, name, kind, by) -> str`: checks, asks `require(by, Action.EDIT_BUSINESS)`, stores every
  row in one `store.transaction()` with one audit entry, and says what was stored.

Adding a kind is one line in the `KINDS` table of the module that defines its row model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

import duckdb
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from metrics import audit, store
from metrics.access import Action, Actor, require
from metrics.figures import SHOWN_PROBLEMS, Problem
from metrics.figuretext import read_figure
from metrics.readers import IngestError, Sheet, read_sheet

_HEADER_SEARCH = 10  # rows at the top of a sheet looked through for the header, below a title or two
CheckedRows = list[tuple[int, dict[str, Any]]]  # (the row number the officer sees, the row's checked values)
RowsCheck = Callable[[str, CheckedRows], list[Problem]]
Storer = Callable[[duckdb.DuckDBPyConnection, "Kind", list[dict[str, Any]], str], int]


class BusinessFileRefused(Exception):
    """A business file refused whole; `problems` names each bad row (the first SHOWN_PROBLEMS of them)."""

    def __init__(self, name: str, problems: list[Problem], more: int = 0) -> None:
        self.problems, self.more = problems, more
        n = len(problems) + more
        lines = [*map(str, problems), *([f"{name}: and {more:,} more problems like those above"] if more else [])]
        super().__init__(
            "\n".join([*lines, f"Rejected: {n} {'problem' if n == 1 else 'problems'} to fix; nothing was loaded."])
        )


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?")


class Row(BaseModel):
    """The base of a business file's row model: unknown columns are refused, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


@dataclass(frozen=True)
class Kind:
    """One kind of business file: its row model, the table it fills and the columns that name one row."""

    name: str  # as the command line names it: cost-shares
    what: str  # as messages name its rows: cost shares
    row: type[Row]
    table: str  # core.cost_share
    key: tuple[str, ...]
    refs: Mapping[str, str] = field(default_factory=dict)  # column -> SQL selecting its allowed codes
    rows_check: RowsCheck | None = None  # rules across rows (shares summing to 100%), after each row passes
    store: Storer | None = None

    def __post_init__(self) -> None:
        # `upsert` writes the table and column names into its SQL (values are parameters): only plain identifiers.
        names = [self.table, *self.row.model_fields, *self.key]
        bad = [n for n in names if not _IDENTIFIER.fullmatch(n)]
        if bad:
            raise ValueError(f"{self.name}: {', '.join(bad)} is not a plain SQL identifier")


# --- cell types: what officers write, read as numbers, dates and codes -----------------------------------


def _money(value: Any) -> Any:
    """`£277,000`, `277000` or `-3.5` as a number; anything else is left for the number check to refuse."""
    if isinstance(value, str):
        read = read_figure(value)
        if read is not None and read[1] != "%":
            return read[0]
    return value


def _fraction(value: Any) -> Any:
    """`46.7%` as 0.467; a bare number is a fraction already (0.467)."""
    if isinstance(value, str):
        read = read_figure(value)
        if read is not None:
            return read[0] / 100 if read[1] == "%" else read[0]
    return value


def _day(value: Any) -> Any:
    """`2021-12-31`, a spreadsheet's `2021-12-31T00:00:00` or the UK `31/12/2021` as a date."""
    if isinstance(value, str):
        text = value.strip()
        for form in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, form).date()
            except ValueError:
                continue
        raise ValueError(f"'{text}' is not a date; write it as year-month-day, e.g. 2021-12-31")
    return value


def _financial_year(value: Any) -> Any:
    """`2020/21` (or `2020-21`) as the text 2020/21, the year it starts checked against the one it ends."""
    text = str(value).strip().replace("-", "/")
    match = re.fullmatch(r"(\d{4})/(\d{2})", text)
    if match and (int(match[1]) + 1) % 100 == int(match[2]):
        return text
    raise ValueError(f"'{value}' is not a financial year; write it as 2020/21 (April 2020 to March 2021)")


def _word(value: Any) -> Any:
    """A word from a short list, whatever its case: `Revenue` as revenue."""
    return value.strip().lower() if isinstance(value, str) else value


Money = Annotated[float, BeforeValidator(_money)]
Fraction = Annotated[float, BeforeValidator(_fraction)]
Day = Annotated[date, BeforeValidator(_day)]
FinancialYear = Annotated[str, BeforeValidator(_financial_year)]
Word = BeforeValidator(_word)  # use as Annotated[Literal["revenue", "capital"], Word]


# --- reading and checking ------------------------------------------------------------------------------


def _column(title: str) -> str:
    return title.strip().lower().replace(" ", "_").replace("-", "_")


def _find_header(sheet: Sheet, required: set[str]) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The first row near the top naming every required column (else the first row); rows below it."""
    lines = [(sheet.header_row, sheet.header), *sheet.rows]
    for i, (number, cells) in enumerate(lines[:_HEADER_SEARCH]):
        if required <= {_column(c) for c in cells}:
            return number, [_column(c) for c in cells], lines[i + 1 :]
    return sheet.header_row, [_column(c) for c in sheet.header], sheet.rows


def columns(kind: Kind) -> list[str]:
    """A kind's columns as a file gives them: its own first, in order, then those every row model shares."""
    own = [f for f in kind.row.model_fields if f in kind.row.__annotations__]
    return own + [f for f in kind.row.model_fields if f not in own]


def _header_problems(name: str, row: int, header: list[str], kind: Kind) -> list[Problem]:
    fields = columns(kind)
    required = [f for f in fields if kind.row.model_fields[f].is_required()]
    missing = [f for f in required if f not in header]
    problems = []
    if missing:
        problems.append(
            Problem(
                name,
                row,
                missing[0],
                f"the header row has no {', '.join(missing)} column; a file of "
                f"{kind.what} names the columns {', '.join(fields)} (docs/file-contract.md)",
            )
        )
    for title in header:
        if title and title not in fields:
            problems.append(
                Problem(
                    name,
                    row,
                    title,
                    f"'{title}' is not a column of a file of {kind.what}; use only {', '.join(fields)}",
                )
            )
    seen = [t for t in header if t]
    problems += [
        Problem(name, row, t, f"the column '{t}' appears twice; keep only one")
        for t in sorted({t for t in seen if seen.count(t) > 1})
    ]
    return problems


def _message(error: Any, given: Any, column: str) -> str:
    """A Pydantic error as a plain sentence saying what to write instead."""
    kind, ctx = error["type"], error.get("ctx") or {}
    shown = f"'{given}'"
    if kind == "missing":
        return f"the {column.replace('_', ' ')} is blank; fill it in"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        whole = kind.startswith("int")
        return (
            f"{shown} is not a {'whole ' if whole else ''}number; write a number, e.g. {'229' if whole else '277000'}"
        )
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()))
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        return f"{shown} is out of range; it must be {words} {bound}"
    if kind in ("literal_error", "enum"):
        return f"{shown} is not allowed; write {ctx.get('expected', 'one of the words listed')}"
    if kind in ("bool_parsing", "bool_type"):
        return f"{shown} is not yes or no; write yes or no"
    if kind in ("string_too_long", "string_too_short", "string_pattern_mismatch"):
        return f"{shown} is not allowed here: {error['msg'].lower()}"
    return f"{shown}: {error['msg']}"


def _check_row(
    name: str, number: int, values: dict[str, str], kind: Kind
) -> tuple[dict[str, Any] | None, list[Problem]]:
    given = {k: v for k, v in values.items() if v.strip()}  # a blank cell is a missing value
    try:
        model = kind.row.model_validate(given)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            column = str(error["loc"][0]) if error["loc"] else "-"
            problems.append(Problem(name, number, column, _message(error, given.get(column, ""), column)))
        return None, problems
    return model.model_dump(), []


def _check_refs(
    con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple[int, dict[str, Any]]], kind: Kind
) -> list[Problem]:
    """Codes that must name something already held (a partner, a commitment), matched whatever their case."""
    problems = []
    for column, sql in kind.refs.items():
        codes = {str(c).casefold(): str(c) for (c,) in con.execute(sql).fetchall()}
        for number, row in rows:
            value = row.get(column)
            if value is None:
                continue
            if str(value).casefold() in codes:
                row[column] = codes[str(value).casefold()]
            else:
                listed = ", ".join(sorted(codes.values())) or "none yet"
                problems.append(Problem(name, number, column, f"'{value}' is not known here; use one of {listed}"))
    return problems


def _check_keys(name: str, rows: list[tuple[int, dict[str, Any]]], kind: Kind) -> list[Problem]:
    first: dict[tuple[Any, ...], int] = {}
    problems = []
    for number, row in rows:
        key = tuple(row[k] for k in kind.key)
        if key in first:
            said = ", ".join(f"{k} {row[k]}" for k in kind.key)
            problems.append(
                Problem(name, number, kind.key[-1], f"{said} is already given on row {first[key]}; keep one row for it")
            )
        first.setdefault(key, number)
    return problems


def check(con: duckdb.DuckDBPyConnection, data: bytes, name: str, kind: Kind) -> list[dict[str, Any]]:
    """Every row of the file checked against `kind`; refused whole (`BusinessFileRefused`) at any problem."""
    try:
        sheet = read_sheet(data, name)
    except IngestError as exc:
        raise BusinessFileRefused(name, [Problem(name, 1, "-", str(exc))]) from None
    required = {f for f, info in kind.row.model_fields.items() if info.is_required()}
    header_row, header, lines = _find_header(sheet, required)
    problems = _header_problems(name, header_row, header, kind)
    if problems:
        raise BusinessFileRefused(name, problems)
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, cells in lines:
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        broken = [
            Problem(name, number, header[c], p)
            for (r, c), p in sheet.formula_problems.items()
            if r == number and c < len(header)
        ]
        row, found = _check_row(name, number, values, kind)
        problems += broken or found
        if row is not None and not broken:
            rows.append((number, row))
    if not lines:
        problems.append(Problem(name, header_row + 1, "-", f"there are no {kind.what} under the header row"))
    problems += _check_refs(con, name, rows, kind) + _check_keys(name, rows, kind)
    if kind.rows_check is not None and not problems:
        problems += kind.rows_check(name, rows)
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        raise BusinessFileRefused(name, problems[:SHOWN_PROBLEMS], max(0, len(problems) - SHOWN_PROBLEMS))
    return [row for _, row in rows]


# --- storing -------------------------------------------------------------------------------------------


def partnership_code(con: duckdb.DuckDBPyConnection) -> str:
    """The code of the partnership this database holds (its short name, e.g. LICTP)."""
    rows = con.execute("SELECT short_name FROM core.partnership").fetchall()
    if not rows:
        raise store.StoreError(
            "this database holds no partnership yet; load its framework first (`charter load-framework`)"
        )
    return str(rows[0][0])


def upsert(con: duckdb.DuckDBPyConnection, kind: Kind, rows: list[dict[str, Any]], code: str) -> int:
    """The default store: each row replaces the stored row with its key, or is added; other rows stay."""
    columns = ["partnership_code", *kind.row.model_fields]
    names = ", ".join(columns)
    places = ", ".join(f"${c}" for c in columns)
    match = " AND ".join(f"{k} IS NOT DISTINCT FROM ${k}" for k in ("partnership_code", *kind.key))
    for row in rows:
        params = {"partnership_code": code, **row}
        # The table and columns are the Kind's own constants, checked as identifiers when the Kind is made.
        keys = {k: params[k] for k in ("partnership_code", *kind.key)}
        con.execute(f"DELETE FROM {kind.table} WHERE {match}", keys)  # noqa: S608
        con.execute(f"INSERT INTO {kind.table} ({names}) VALUES ({places})", params)  # noqa: S608
    return len(rows)


def store_rows(
    con: duckdb.DuckDBPyConnection, kind: Kind, rows: Sequence[dict[str, Any]], by: Actor, source: str
) -> int:
    """Store checked rows in one transaction with one audit entry; `require` is asked inside it."""
    with store.transaction(con):
        require(by, Action.EDIT_BUSINESS, con=con)
        code = partnership_code(con)
        stored = (kind.store or upsert)(con, kind, list(rows), code)
        audit.record(
            con,
            by,
            f"load {kind.name}",
            kind.table.removeprefix("core."),
            source,
            None,
            {"rows": len(rows), "keys": [[r[k] for k in kind.key] for r in rows]},
        )
    return stored


def load(con: duckdb.DuckDBPyConnection, data: bytes, name: str, kind: Kind, by: Actor) -> str:
    """Check a whole file and store it, or refuse it whole; says what was stored."""
    require(by, Action.EDIT_BUSINESS, con=con)  # before any work: a viewer learns nothing of the file's checks
    rows = check(con, data, name, kind)
    n = store_rows(con, kind, rows, by, name)
    return f"{name}: loaded {n} {kind.what}."
