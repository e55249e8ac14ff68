"""Service desk exports: tickets in, ICT performance figures out, computed by DuckDB (README "Service desk exports").

Small steps, as for metric files: find the columns (`metrics.ticket_files`) -> stage every row as typed values
with the first problem that rules it out (`tickets_stage.sql`, streamed by DuckDB's CSV reader) -> report bad
rows by reason -> in ONE transaction, store the new and changed tickets, record what was left out, and submit
the KPI figures that changed, for the performance lead to approve like any upload.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb

from metrics import audit, submissions
from metrics.access import Action, Actor, require
from metrics.figures import MAX_BYTES, Record
from metrics.periods import last_complete_quarter
from metrics.store import read_sql, transaction
from metrics.ticket_files import FIELDS as FIELDS
from metrics.ticket_files import Layout as Layout
from metrics.ticket_files import MissingColumns as MissingColumns
from metrics.ticket_files import Options as Options
from metrics.ticket_files import TicketError as TicketError
from metrics.ticket_files import TicketFileError as TicketFileError
from metrics.ticket_files import TicketUsageError as TicketUsageError
from metrics.ticket_files import as_csv, encoding_of, file_sha256, first_line, layout, read_headers
from metrics.ticket_results import BadReason as BadReason
from metrics.ticket_results import Check as Check
from metrics.ticket_results import Imported as Imported

EXAMPLES = 5  # bad rows named for each reason
SOURCE = "service desk"


class BadRowsRefused(TicketError):
    """The export has bad rows and leaving them out was not accepted (nothing was imported)."""

    def __init__(self, check: Check) -> None:
        self.check = check
        super().__init__(f"{check.file}: {check.bad_total:,} bad rows; nothing was imported")


# --- check -------------------------------------------------------------------------------------------


def _prepare(con: duckdb.DuckDBPyConnection, options: Options) -> None:
    """The temporary macros, and every name the partner column may use: mappings given now, saved mappings,
    partner codes and names, in that order of precedence."""
    con.execute(read_sql("tickets_macros"))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ticket_partner_names AS SELECT name_key, partner_code FROM ("
        "SELECT lower(trim(unnest($values))) AS name_key, unnest($codes) AS partner_code, 0 AS rank "
        "UNION ALL SELECT value_key, partner_code, 1 FROM core.ticket_partner_map "
        "UNION ALL SELECT lower(code), code, 2 FROM core.partner "
        "UNION ALL SELECT lower(name), code, 3 FROM core.partner"
        ") QUALIFY row_number() OVER (PARTITION BY name_key ORDER BY rank) = 1",
        {"values": list(options.partner_map), "codes": list(options.partner_map.values())},
    )


def _check_codes(con: duckdb.DuckDBPyConnection, options: Options) -> None:
    codes = {str(r[0]) for r in con.execute("SELECT code FROM core.partner").fetchall()}
    for code in [options.partner, *options.partner_map.values()]:
        if code is not None and code not in codes:
            raise TicketUsageError(f"'{code}' is not a partner code; use one of {', '.join(sorted(codes))}")


@contextmanager
def literal(path: Path) -> Iterator[Path]:
    """`path` under a name DuckDB cannot take for a pattern or a URL.

    DuckDB's read_csv expands `*`, `?` and `[...]` in a file name (`x*.csv` read every file beginning with x),
    so the file is linked (or, where links are not allowed, copied) into a private folder as export.csv.
    """
    folder = tempfile.mkdtemp(prefix="charter-export-")
    link = Path(folder) / "export.csv"
    try:
        try:
            os.symlink(path.resolve(), link)
        except OSError:
            shutil.copyfile(path, link)
        yield link
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, options: Options | None = None, digest: str | None = None
) -> Check:
    """Stage an export (temporary table `ticket_stage`) and say what it holds; nothing is stored. `digest` is the
    file's SHA-256 if the caller has it already (reading a large export twice costs a fraction of a second)."""
    options = options or Options()
    if options.partner_map and options.partner:
        raise TicketUsageError("give either the partner of every row or mappings of the partner column, not both")
    _check_codes(con, options)
    digest = digest or file_sha256(path)
    with as_csv(path) as converted, literal(converted) as readable:
        encoding = encoding_of(readable)
        found = layout(con, read_headers(con, readable, name, encoding), name, options)
        _prepare(con, options)
        read: dict[str, object] = {"path": str(readable), "names": found.names(), "encoding": encoding,
                "nullstr": ["", options.missing] if options.missing else [""]}  # fmt: skip
        try:
            con.execute(
                read_sql("tickets_stage"),
                {**read, "partner": options.partner, "has_updated": "updated" in found.columns,
                 "has_updates": "updates" in found.columns},
            )  # fmt: skip
        except duckdb.Error as exc:
            raise TicketFileError(f"{name}: the file cannot be read as CSV ({first_line(exc)})") from None
        _refuse_month_first(con, name, found, read)
    folded = int(con.execute(read_sql("tickets_stage_latest")).fetchall()[0][0]) if found.event_log else 0
    return _summary(con, name, digest, found, folded)


def _summary(con: duckdb.DuckDBPyConnection, name: str, digest: str, found: Layout, folded: int) -> Check:
    """What the staged export holds, once an event log's earlier updates (`folded` rows) are taken out."""
    con.execute(read_sql("tickets_stage_repeats"))
    summary = con.execute(read_sql("tickets_stage_summary")).fetchall()[0]
    if not summary[0]:
        raise TicketFileError(f"{name}: there are no tickets under the header row")
    tickets, stale = (
        con.execute("SELECT count(number), count(number) FILTER (problem IS NOT NULL) FROM ticket_stage").fetchall()[0]
        if found.event_log
        else (0, 0)
    )
    return Check(
        name,
        digest,
        found,
        int(summary[0]) + folded,
        int(summary[1]),
        _bad_reasons(con, name, found),
        [(str(v), int(n)) for v, n in con.execute(read_sql("tickets_unknown_partners")).fetchall()],
        list(summary[2] or []),
        summary[3],
        summary[4],
        summary[5],
        summary[6],
        folded,
        int(tickets),
        int(stale),
        [(str(t), int(n)) for t, n in con.execute(read_sql("tickets_blank_markers")).fetchall()],
    )


def _refuse_month_first(con: duckdb.DuckDBPyConnection, name: str, found: Layout, read: dict[str, object]) -> None:
    """Refuse an export whose dates are month first (US style): a day past 12 in the second place, and none in
    the first anywhere in the file. A file with no day past 12 at all is read day first, as UK exports are."""
    rows = con.execute(read_sql("tickets_month_first")).fetchall()
    if not rows or con.execute(read_sql("tickets_day_first_evidence"), read).fetchall()[0][0]:
        return
    row, fld, text = rows[0]
    raise TicketFileError(
        f"{name}:{row}:{found.header(str(fld))}: '{text}' is written month first (US style), and no date in the "
        "file is written day first; Charter reads day-first dates (29/2/2016 01:16) and ISO ones (2016-02-29 "
        "01:16): export the dates in one of those forms"
    )


def _bad_reasons(con: duckdb.DuckDBPyConnection, name: str, found: Layout) -> list[BadReason]:
    reasons: dict[str, BadReason] = {}
    for reason, rows, _first, row_no, fld, message in con.execute(
        read_sql("tickets_bad_examples"), {"examples": EXAMPLES}
    ).fetchall():
        entry = reasons.setdefault(reason, BadReason(reason, int(rows), [], []))
        entry.first_rows.append(int(row_no))
        entry.examples.append(f"{name}:{row_no}:{found.header(fld)}: {message}")
    return list(reasons.values())


# --- import ------------------------------------------------------------------------------------------


def find_import(con: duckdb.DuckDBPyConnection, digest: str) -> tuple[int, datetime] | None:
    """An earlier import of the very same bytes, if there is one."""
    rows = con.execute(
        "SELECT id, imported_at FROM core.ticket_import WHERE sha256 = $h ORDER BY id DESC LIMIT 1", {"h": digest}
    ).fetchall()
    return (int(rows[0][0]), rows[0][1]) if rows else None


def import_export(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    *,
    by: Actor,
    today: date,
    options: Options | None = None,
    skip_bad_rows: bool = False,
) -> Imported:
    """Check an export and, unless it has bad rows that may not be left out, store it in one transaction."""
    require(by, Action.SUBMIT, [options.partner] if options and options.partner else [], con=con)
    options = options or Options()
    _check_codes(con, options)
    digest = file_sha256(path)
    dup = find_import(con, digest)
    if dup is not None:
        return Imported(name, dup[0], duplicate_at=dup[1])
    found = check(con, path, name, options, digest)
    require(by, Action.SUBMIT, found.partners, con=con)
    who = by.email
    if found.blank_markers and options.missing is None:  # skipping would leave out every ticket with a blank
        raise TicketFileError(f"{name}: {'; '.join(found.marker_lines())} (nothing was imported)")
    if found.bad and not skip_bad_rows:
        raise BadRowsRefused(found)
    if not found.good:
        raise TicketFileError(f"{name}: no row can be imported; every row has a problem")
    now = datetime.now()
    with transaction(con):
        import_id = _record_import(con, found, options, who, now)
        if found.bad:
            con.execute(read_sql("tickets_record_bad_rows"), {"import_id": import_id})
        changed = int(con.execute(read_sql("tickets_replace_changed")).fetchall()[0][0])
        inserted = int(con.execute(read_sql("tickets_insert_new"), {"import_id": import_id}).fetchall()[0][0])
        submission_id, figures, quarters = _submit_figures(con, found, path, by=by, today=today, now=now)
        con.execute(
            "UPDATE core.ticket_import SET tickets_new = $n, tickets_changed = $c, tickets_unchanged = $u, "
            "submission_id = $s, figures = $f WHERE id = $id",
            {"n": inserted - changed, "c": changed, "u": found.good - inserted, "s": submission_id,
             "f": figures, "id": import_id},
        )  # fmt: skip
        _save_mappings(con, found, options, who, now)
        summary = {"file": name, "rows": found.rows_read, "bad_rows": found.bad_total, "submission": submission_id}
        audit.record(con, by, "import tickets", "ticket import", import_id, None, summary)
    con.execute("DROP TABLE IF EXISTS ticket_stage")
    return Imported(
        name, import_id, found.rows_read, inserted - changed, changed, found.good - inserted, found.bad_total,
        submission_id, figures, quarters, fold=found.fold_line(), stale=found.stale,
        repeats=sum(b.rows for b in found.bad if b.reason == "duplicate ticket number"),
    )  # fmt: skip


def _record_import(con: duckdb.DuckDBPyConnection, found: Check, options: Options, by: str, now: datetime) -> int:
    return int(
        con.execute(
            "INSERT INTO core.ticket_import (file_name, sha256, format, partner_code, imported_by, imported_at, "
            "rows_read, tickets_new, tickets_changed, tickets_unchanged, bad_rows, first_opened, last_opened) "
            "VALUES ($f, $h, $fmt, $p, $by, $at, $n, 0, 0, 0, $bad, $first, $last) RETURNING id",
            {"f": found.file, "h": found.sha256, "fmt": found.layout.format, "p": options.partner, "by": by,
             "at": now, "n": found.rows_read, "bad": found.bad_total, "first": found.first_opened,
             "last": found.last_opened},
        ).fetchall()[0][0]
    )  # fmt: skip


def kpi_figures(
    con: duckdb.DuckDBPyConnection, partners: list[str] | None, first: int, last: int
) -> list[tuple[str, str, str, float | None, str | None, bool]]:
    """(partner, period, KPI, value, note, changed) for the KPIs that service desk measures feed."""
    con.execute(read_sql("tickets_macros"))
    rows = con.execute(read_sql("tickets_kpi_figures"), {"partners": partners, "first": first, "last": last})
    return [(str(r[0]), str(r[1]), str(r[3]), r[4], r[5], bool(r[7])) for r in rows.fetchall()]


def _submit_figures(
    con: duckdb.DuckDBPyConnection, found: Check, path: Path, *, by: Actor, today: date, now: datetime
) -> tuple[int | None, int, list[str]]:
    """Submit the KPI figures of the export's quarters that differ from those held; (id, count, quarters).

    Only quarters that have ended count: a quarter still under way would give part of a quarter's figures.
    """
    last = min(found.last_idx or 0, last_complete_quarter(today).index)
    if found.first_idx is None or found.first_idx > last:
        return None, 0, []
    changed = [row for row in kpi_figures(con, found.partners, found.first_idx, last) if row[5]]
    if not changed:
        return None, 0, []
    records = [Record(p, period, kpi, None if value is None else float(value), note, row=i)
               for i, (p, period, kpi, value, note, _) in enumerate(changed, start=1)]  # fmt: skip
    # The submission keeps the export itself as its original file when it is no bigger than an upload may
    # be; a bigger one is kept as its tickets (core.ticket) and its fingerprint.
    small = path.stat().st_size <= MAX_BYTES
    origin = submissions.Origin(found.file, SOURCE, path.read_bytes() if small else None, found.sha256,
                                label=f"service desk figures from {found.file}")  # fmt: skip
    try:  # in this import's transaction: the tickets and their figures are stored together or not at all
        stored = submissions.submit(con, records, origin, by=by, today=today, now=now)
    except submissions.SubmissionRefused as exc:
        raise TicketError("; ".join(str(p) for p in exc.result.problems[:5])) from None
    return stored.submission_id, stored.rows, sorted({str(r.period) for r in records})


def _save_mappings(con: duckdb.DuckDBPyConnection, found: Check, options: Options, by: str, now: datetime) -> None:
    if options.source and options.columns:
        for fld, header in found.layout.columns.items():
            con.execute(
                "INSERT OR REPLACE INTO core.ticket_column_map VALUES ($s, $f, $h, $by, $at)",
                {"s": options.source, "f": fld, "h": header, "by": by, "at": now},
            )
    for value, code in options.partner_map.items():
        con.execute(
            "INSERT OR REPLACE INTO core.ticket_partner_map VALUES (lower(trim($v)), trim($v), $c, $by, $at)",
            {"v": value, "c": code, "by": by, "at": now},
        )
