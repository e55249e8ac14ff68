"""A plain figures CSV checked as sets in DuckDB, so that a large file's rows never become Python objects.

The command line's fast way for the usual file (docs/file-contract.md): UTF-8 text with no quote mark, no blank
line and the header on its first line, read by DuckDB (`figures_stage.sql`) and checked with joins
(`figures_stage_check.sql`) by `metrics.checks`' own rules: each distinct partner, period and KPI text is judged
by its functions, and each value not in a usual form by `metrics.figuretext.read_figure`. The figures are kept
in a temporary table for `metrics.submissions` to store only if every row passes. Any other file, or a file with
any problem, gives None: `metrics.ingest.check_file` then reads and checks it row by row and names each problem.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from metrics import filelimits
from metrics.checks import check_kpi, check_partner, check_period, column_map
from metrics.figures import Catalogue, Problem, StagedFigures
from metrics.figuretext import read_figure
from metrics.readers import REQUIRED, Sheet, sniff_delimiter
from metrics.store import read_sql

# The characters Python's str.strip() takes off, every one that str.isspace() calls whitespace.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)


def may_stage(data: bytes, name: str) -> bool:
    """Whether a file may be plain, judged at a glance (its name, no quote mark): worth a connection to stage."""
    return Path(name).suffix.lower() in (".csv", ".txt", "") and b'"' not in data and b"\x00" not in data


def plain_text(data: bytes, name: str, limits: filelimits.Limits) -> tuple[str, str] | None:
    """The file's text with line ends as \\n, and its delimiter, if it is a plain CSV that DuckDB reads exactly as
    Python's csv module does (with no quote mark, a line is a row and a delimiter ends a cell); else None."""
    if Path(name).suffix.lower() not in (".csv", ".txt", "") or filelimits.utf16(data[:4096]) is not None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if '"' in text or "\x00" in text:
        return None
    delimiter = sniff_delimiter(text)
    try:
        filelimits.check_size(len(data), limits)
        filelimits.check_csv(filelimits.slices(text), limits, delimiter)
    except filelimits.FileRefused:
        return None  # the reader refuses it, with the message
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # csv ends a row at each of \r\n, \r and \n
    if text.startswith("\n") or "\n\n" in text:  # a blank line is a row to csv (numbered), none to DuckDB
        return None
    return text, delimiter


def _columns(header: list[str], name: str) -> dict[str, str] | None:
    """A name for each column (partner, ..., or _unused_N) if the header is whole: every required column once,
    and no blank header cell (a CSV's text under one would be a problem); else None."""
    found, problems = column_map(Sheet(name=name, header=[h.strip() for h in header], rows=[]))
    if problems or not all(h.strip() for h in header):
        return None
    by_index = {i: key for key, i in found.items()}
    return {by_index.get(i, f"_unused_{i}"): "VARCHAR" for i in range(len(header))}


def stage(
    con: duckdb.DuckDBPyConnection, data: bytes, name: str, cat: Catalogue, table: str = "figure_stage"
) -> StagedFigures | None:
    """Read and check a plain CSV on `con`; its figures staged in the temporary table `table` (a name of the
    caller's) if every row passes, else None (a file that is not plain, or has a problem, is for
    `metrics.ingest.check_file`)."""
    plain = plain_text(data, name, filelimits.figures(cat.max_bytes))
    if plain is None:
        return None
    text, delimiter = plain
    columns = _columns(text.partition("\n")[0].split(delimiter), name)
    if columns is None or not all(key in columns for key in REQUIRED):
        return None
    other = set(text) & set(WHITESPACE) - {" ", "\n", delimiter}
    folder = tempfile.mkdtemp(prefix="charter-figures-")
    path = Path(folder) / "figures.csv"
    try:
        path.write_text(text, encoding="utf-8", newline="")
        con.execute(read_sql("figures_stage"), {"path": str(path), "delim": delimiter, "columns": columns,
                                                "ws": WHITESPACE if other else " "})  # fmt: skip
    except duckdb.Error:
        return None  # a row wider than the header, a line too long: the reader says what is wrong
    finally:
        path.unlink(missing_ok=True)
        os.rmdir(folder)
    _judge_texts(con, name, cat)
    con.execute(read_sql("figures_stage_check"))
    rows, bad = con.execute("SELECT count(*), count(*) FILTER (NOT ok) FROM figure_stage").fetchall()[0]
    if not rows or bad or con.execute(_TWICE).fetchall():
        return None
    partners, periods = con.execute(
        "SELECT (SELECT list(DISTINCT partner_code ORDER BY partner_code) FROM figure_stage), "
        "(SELECT list(period ORDER BY period_index, is_annual) FROM (SELECT DISTINCT period, period_index, is_annual "
        "FROM figure_stage))"
    ).fetchall()[0]
    if table != "figure_stage":
        con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute(f"ALTER TABLE figure_stage RENAME TO {table}")
    return StagedFigures(name, table, int(rows), list(partners), list(periods))


_WORK = ("figure_rows", "figure_stage", "figure_partner_texts", "figure_period_texts", "figure_kpi_texts",
         "figure_value_texts")  # fmt: skip
# A figure given twice: the same partner, period and KPI on two rows (checks._duplicate names them).
_TWICE = "SELECT 1 FROM figure_stage GROUP BY partner_code, period, kpi_code HAVING count(*) > 1 LIMIT 1"
_DISTINCT = {
    "partner": "SELECT DISTINCT partner FROM figure_rows",
    "period": "SELECT DISTINCT period FROM figure_rows",
    "kpi": "SELECT DISTINCT kpi FROM figure_rows",
}


def _distinct(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    return [str(r[0]) for r in con.execute(_DISTINCT[column]).fetchall()]


def _judge_texts(con: duckdb.DuckDBPyConnection, name: str, cat: Catalogue) -> None:
    """Each distinct partner, period, KPI and unusual value text judged by the row checks' own functions, as
    small temporary tables of those that pass (a text that fails leaves its rows unmatched: not ok)."""
    problems: list[Problem] = []
    partners = [(t, p) for t in _distinct(con, "partner") if (p := check_partner(name, 0, t, cat, problems))]
    periods = [(t, q) for t in _distinct(con, "period") if (q := check_period(name, 0, t, cat, problems))]
    kpis = [(t, k) for t in _distinct(con, "kpi") if (k := check_kpi(name, 0, t, cat, problems))]
    unusual = con.execute(
        "SELECT DISTINCT value FROM figure_rows WHERE value <> '' AND NOT regexp_full_match(value, "
        "'[+-]?([0-9]{1,15}(\\.[0-9]{1,15})?|\\.[0-9]{1,15})%?')"
    ).fetchall()
    values = [(str(t), read) for (t,) in unusual if (read := read_figure(str(t))) is not None]
    tables: dict[str, list[tuple[str, str, list[object]]]] = {
        "figure_partner_texts": [("text", "VARCHAR", [t for t, _ in partners]),
                                 ("code", "VARCHAR", [p.code for _, p in partners]),
                                 ("joined_on", "DATE", [p.joined_on for _, p in partners]),
                                 ("left_on", "DATE", [p.left_on for _, p in partners])],
        "figure_period_texts": [("text", "VARCHAR", [t for t, _ in periods]),
                                ("label", "VARCHAR", [str(p) for _, p in periods]),
                                ("period_index", "INTEGER", [p.index for _, p in periods]),
                                ("is_annual", "BOOLEAN", [p.is_annual for _, p in periods]),
                                ("starts", "DATE", [p.start for _, p in periods]),
                                ("ends", "DATE", [p.end for _, p in periods])],
        "figure_kpi_texts": [("text", "VARCHAR", [t for t, _ in kpis]), ("code", "VARCHAR", [k.code for _, k in kpis]),
                             ("annual", "BOOLEAN", [k.annual for _, k in kpis]),
                             ("unit", "VARCHAR", [k.unit for _, k in kpis]),
                             ("min_value", "DOUBLE", [k.min_value for _, k in kpis]),
                             ("max_value", "DOUBLE", [k.max_value for _, k in kpis])],
        "figure_value_texts": [("text", "VARCHAR", [t for t, _ in values]),
                               ("number", "DOUBLE", [v for _, (v, _) in values]),
                               ("sign", "VARCHAR", [s for _, (_, s) in values])],
    }  # fmt: skip
    for table, cols in tables.items():
        _temp_table(con, table, cols)


def _temp_table(con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str, list[object]]]) -> None:
    """A small temporary table from Python lists, a column each (the names and types are this module's own)."""
    select = ", ".join(f"CAST(unnest(${name}) AS {kind}) AS {name}" for name, kind, _ in columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {select}", {name: v for name, _, v in columns})


def drop(con: duckdb.DuckDBPyConnection, *staged: StagedFigures) -> None:
    """Drop the temporary tables of staged files."""
    for table in (*(s.table for s in staged), *_WORK):
        con.execute(f"DROP TABLE IF EXISTS {table}")
