"""Submissions: store figures from any source as one submission (`submit`), review them, list them.

Every source goes through `submit` inside its caller's transaction: a file upload (read by `metrics.readers`,
checked by `metrics.checks`), a service desk import, a note edit, and the next (finance, benchmarks).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import duckdb

from metrics import audit
from metrics.access import Action, Actor, require
from metrics.checks import check_records
from metrics.figures import MAX_BYTES, Catalogue, CheckResult, Figure, KpiRule, PartnerRule, Record, StagedFigures
from metrics.ingest import check_file as check_file  # callers check and store through this module
from metrics.store import in_transaction, transaction

if TYPE_CHECKING:  # pandas takes most of a second to import: the command line only needs it to list
    import pandas as pd

LIVE = ("submitted", "approved")


class SubmissionError(Exception):
    """A submission cannot be reviewed or stored as asked."""


class SubmissionRefused(SubmissionError):
    """Figures with problems: nothing was stored. The message names each problem FILE:ROW:COLUMN."""

    def __init__(self, result: CheckResult) -> None:
        self.result = result
        lines = [str(p) for p in result.problems] + ([more] if (more := result.rest()) else [])
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Origin:
    """Where a submission's figures came from, as the submission history names it.

    `name` is the file's name, or what the source was ("note edit of submission 12"); `content` is the file
    itself, kept for download, or None when no file was sent; `sha256` is its fingerprint (else one of the
    figures is taken). `label` names the source in problems, when that is not `name`."""

    name: str
    source: str
    content: bytes | None = None
    sha256: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Stored:
    """What happened to one file."""

    file: str
    submission_id: int
    rows: int
    duplicate_of: int | None = None
    duplicate_at: datetime | None = None

    def message(self) -> str:
        if self.duplicate_of is not None:
            when = f" on {self.duplicate_at:%-d %B %Y at %H:%M}" if self.duplicate_at else ""
            return (
                f"{self.file}: this identical file was already loaded as submission {self.duplicate_of}{when}; "
                "nothing changed"
            )
        figures = "figure" if self.rows == 1 else "figures"
        return f"{self.file}: accepted {self.rows} {figures} as submission {self.submission_id}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def catalogue(
    con: duckdb.DuckDBPyConnection, today: date | None = None, allowed_partners: set[str] | None = None
) -> Catalogue:
    """The partners and KPIs that files are checked against, and the largest file taken (CHARTER_MAX_UPLOAD_MB)."""
    partners = {
        code: PartnerRule(code, name, joined, left)
        for code, name, joined, left in con.execute(
            "SELECT code, name, joined_on, left_on FROM core.partner ORDER BY sort_order"
        ).fetchall()
    }
    kpis = {
        code.upper(): KpiRule(code, name, unit, freq == "annual", lo, hi)
        for code, name, unit, freq, lo, hi in con.execute(
            "SELECT code, name, unit, frequency, min_value, max_value FROM core.kpi ORDER BY sort_order"
        ).fetchall()
    }
    return Catalogue(partners, kpis, today or date.today(), allowed_partners, max_bytes=max_upload_bytes(con))


def max_upload_bytes(con: duckdb.DuckDBPyConnection | None = None) -> int:
    """The largest file taken: the partnership's own limit if it has one, else CHARTER_MAX_UPLOAD_MB (checked by the
    Settings model; pydantic, slow to import, only if set). Without `con`, the install's."""
    if con is not None:
        from metrics import partnership_settings

        return partnership_settings.effective(con).max_upload_bytes
    if not os.environ.get("CHARTER_MAX_UPLOAD_MB"):
        return MAX_BYTES
    from metrics.config import Settings

    return Settings.from_env().max_upload_mb * 1_048_576


def find_duplicate(con: duckdb.DuckDBPyConnection, digest: str) -> tuple[int, datetime] | None:
    """A live submission of the very same bytes, if there is one."""
    rows = con.execute(
        "SELECT id, submitted_at FROM core.submission WHERE sha256 = $h AND status IN ('submitted', 'approved') "
        "ORDER BY id DESC LIMIT 1",
        {"h": digest},
    ).fetchall()
    return (int(rows[0][0]), rows[0][1]) if rows else None


def store_files(
    con: duckdb.DuckDBPyConnection,
    checked: Sequence[tuple[CheckResult | StagedFigures, bytes]],
    *,
    by: Actor,
    source: str,
    approve: bool = False,
    illustrative: bool = False,
    times: Sequence[datetime] | None = None,
    approved: Sequence[bool] | None = None,
    checked_against: Catalogue | None = None,
) -> list[Stored]:
    """Store every checked file in ONE transaction; refuses if any file has a problem.

    `times` and `approved` give each file its own submission time and approval (the demo uses them).
    `checked_against` is the catalogue the files were checked with, outside any connection: the files are
    stored only if the partners and KPIs are still the same when the transaction starts.
    """
    if any(isinstance(result, CheckResult) and not result.ok for result, _ in checked):
        raise SubmissionError("a file with problems cannot be stored")
    require(by, Action.SUBMIT, {code for result, _ in checked for code in partner_codes(result)}, con=con)
    now = datetime.now()
    out: list[Stored] = []
    with transaction(con):
        if checked_against is not None:
            _require_same_framework(con, checked_against, [result.file for result, _ in checked])
        for i, (result, data) in enumerate(checked):
            digest = sha256(data)
            dup = find_duplicate(con, digest)
            if dup is not None:
                out.append(Stored(result.file, dup[0], 0, duplicate_of=dup[0], duplicate_at=dup[1]))
                continue
            origin = Origin(result.file, source, data, digest)
            figures = result if isinstance(result, StagedFigures) else result.figures
            out.append(
                submit_checked(con, figures, origin, by=by,
                               approve=approved[i] if approved is not None else approve,
                               illustrative=illustrative, now=times[i] if times is not None else now)
            )  # fmt: skip
    return out


def partner_codes(checked: CheckResult | StagedFigures) -> set[str]:
    """The partners a checked file gives figures for."""
    if isinstance(checked, StagedFigures):
        return set(checked.partners)
    return {f.partner_code for f in checked.figures}


def submit(
    con: duckdb.DuckDBPyConnection,
    figures: Sequence[Record],
    origin: Origin,
    *,
    by: Actor,
    today: date,
    action: Action = Action.SUBMIT,
    approve: bool = False,
    now: datetime | None = None,
) -> Stored:
    """Check figures from any source by a file's rules and store them as one submission.

    Runs inside the caller's `store.transaction()`, so that a source stores its own records (tickets, say)
    and its figures together or not at all. Raises SubmissionRefused, naming every problem, if any."""
    _require_transaction(con)
    require(by, action, con=con)  # the role first: someone who may not submit is not told about the rows
    result = check_records(figures, origin.label or origin.name, catalogue(con, today))
    if not result.ok:
        raise SubmissionRefused(result)
    require(by, action, {f.partner_code for f in result.figures}, con=con)
    return submit_checked(con, result.figures, origin, by=by, approve=approve, now=now)


def submit_checked(
    con: duckdb.DuckDBPyConnection,
    figures: Sequence[Figure] | StagedFigures,
    origin: Origin,
    *,
    by: Actor,
    approve: bool = False,
    illustrative: bool = False,
    now: datetime | None = None,
) -> Stored:
    """Store figures already checked (a file checked outside any connection, or staged by `metrics.setcheck` on
    `con`) as one submission.

    The caller vouches that the figures were checked against the framework held now (`store_files` makes
    sure of it); runs inside the caller's transaction, like `submit`."""
    _require_transaction(con)
    digest = origin.sha256 or _fingerprint(figures if isinstance(figures, Sequence) else [])
    sid = _insert(con, figures, origin, digest, by=by.email, approve=approve, illustrative=illustrative,
                  now=now or datetime.now())  # fmt: skip
    count = figures.rows if isinstance(figures, StagedFigures) else len(figures)
    audit.record(con, by, f"submit ({origin.source})", "submission", sid, None,
                 {"file": origin.name, "figures": count, "sha256": digest})  # fmt: skip
    return Stored(origin.name, sid, count)


def _require_transaction(con: duckdb.DuckDBPyConnection) -> None:
    if not in_transaction(con):  # a mistake in the program, not in the figures
        raise RuntimeError("submit() stores into its caller's transaction: call it inside store.transaction(con)")


def _fingerprint(figures: Sequence[Figure]) -> str:
    """The SHA-256 of the figures themselves, for a submission that came with no file."""
    rows = [[f.row, f.partner_code, str(f.period), f.kpi_code, f.value, f.note] for f in figures]
    return sha256(json.dumps(rows, separators=(",", ":")).encode("utf-8"))


def _require_same_framework(con: duckdb.DuckDBPyConnection, cat: Catalogue, files: list[str]) -> None:
    """Refuse to store figures checked against partners or KPIs that have changed since (a framework reload)."""
    now = catalogue(con, cat.today, cat.allowed_partners)
    if now.partners != cat.partners or now.kpis != cat.kpis:
        raise SubmissionError(
            f"the partnership's partners or KPIs changed while {', '.join(files)} "
            f"{'was' if len(files) == 1 else 'were'} being checked; nothing was loaded: send the same file again "
            "to check it against them"
        )


def _insert(
    con: duckdb.DuckDBPyConnection,
    figures: Sequence[Figure] | StagedFigures,
    origin: Origin,
    digest: str,
    *,
    by: str,
    approve: bool,
    illustrative: bool,
    now: datetime,
) -> int:
    if isinstance(figures, StagedFigures):
        partners, periods, count = figures.partners, figures.periods, figures.rows
        if not figures.table.isidentifier():  # named by the program (metrics/setcheck.py), never by a user
            raise RuntimeError(f"not a table name: {figures.table!r}")
        con.execute("DROP TABLE IF EXISTS incoming_figures")
        con.execute(f"ALTER TABLE {figures.table} RENAME TO incoming_figures")
    else:
        partners = sorted({f.partner_code for f in figures})
        periods = [str(p) for p in sorted({f.period for f in figures})]
        count = len(figures)
        _figures_table(con, figures)
    sid = int(
        con.execute(
            "INSERT INTO core.submission (file_name, sha256, submitted_by, submitted_at, status, row_count, partners, "
            "periods, source, illustrative, reviewed_by, reviewed_at, review_comment, content) VALUES "
            "($f, $h, $by, $at, $st, $n, $p, $per, $src, $ill, $rb, $ra, $rc, $c) RETURNING id",
            {
                "f": origin.name,
                "h": digest,
                "by": by,
                "at": now,
                "st": "approved" if approve else "submitted",
                "n": count,
                "p": partners,
                "per": periods,
                "src": origin.source,
                "ill": illustrative,
                "rb": by if approve else None,
                "ra": now if approve else None,
                "rc": "approved on loading" if approve else None,
                "c": origin.content,
            },
        ).fetchall()[0][0]
    )
    # One statement for the whole file, from a temporary table of its figures.
    try:
        con.execute(
            "INSERT INTO core.measurement (submission_id, row_number, partner_code, kpi_code, period, period_index, "
            "is_annual, value, note) SELECT $sid, row_no, partner_code, kpi_code, period, period_index, "
            "is_annual, value, note FROM incoming_figures ORDER BY row_no",
            {"sid": sid},
        )
    finally:
        con.execute("DROP TABLE IF EXISTS incoming_figures")
    return sid


def _figures_table(con: duckdb.DuckDBPyConnection, figures: Sequence[Figure]) -> None:
    """Figures as the temporary table `incoming_figures`, a column at a time (DuckDB takes Python lists whole)."""
    labels = {p: str(p) for p in {f.period for f in figures}}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE incoming_figures AS SELECT CAST(unnest($row) AS INTEGER) AS row_no, "
        "CAST(unnest($partner) AS VARCHAR) AS partner_code, CAST(unnest($kpi) AS VARCHAR) AS kpi_code, "
        "CAST(unnest($period) AS VARCHAR) AS period, CAST(unnest($idx) AS INTEGER) AS period_index, "
        "CAST(unnest($annual) AS BOOLEAN) AS is_annual, CAST(unnest($value) AS DOUBLE) AS value, "
        "CAST(unnest($note) AS VARCHAR) AS note",
        {
            "row": [f.row for f in figures],
            "partner": [f.partner_code for f in figures],
            "kpi": [f.kpi_code for f in figures],
            "period": [labels[f.period] for f in figures],
            "idx": [f.period.index for f in figures],
            "annual": [f.period.is_annual for f in figures],
            "value": [f.value for f in figures],
            "note": [f.note for f in figures],
        },
    )


def review(con: duckdb.DuckDBPyConnection, submission_id: int, *, approve: bool, by: Actor, comment: str = "") -> None:
    """Approve a submitted file, or return it to the officer with a reason."""
    require(by, Action.APPROVE, con=con)
    if not approve and not comment.strip():
        raise SubmissionError("say why the submission is returned, so the officer knows what to change")
    with transaction(con):
        rows = con.execute("SELECT status FROM core.submission WHERE id = $id", {"id": submission_id}).fetchall()
        if not rows:
            raise SubmissionError(f"there is no submission {submission_id}")
        if rows[0][0] != "submitted":
            raise SubmissionError(
                f"submission {submission_id} is already {rows[0][0]}; only a submitted one can be "
                f"{'approved' if approve else 'returned'}"
            )
        con.execute(
            "UPDATE core.submission SET status = $s, reviewed_by = $by, reviewed_at = $at, review_comment = $c "
            "WHERE id = $id",
            {
                "s": "approved" if approve else "returned",
                "by": by.email,
                "at": datetime.now(),
                "c": comment.strip(),
                "id": submission_id,
            },
        )
        audit.record(con, by, "approve" if approve else "return", "submission", submission_id,
                     {"status": rows[0][0]}, {"status": "approved" if approve else "returned",
                                              "comment": comment.strip()})  # fmt: skip


def list_submissions(con: duckdb.DuckDBPyConnection, status: str | None = None) -> pd.DataFrame:
    """Submissions, newest first."""
    return con.execute(
        "SELECT id, file_name, submitted_by, submitted_at, status, row_count, array_to_string(partners, ', ') "
        "AS partners, array_to_string(periods, ', ') AS periods, reviewed_by, reviewed_at, review_comment, sha256 "
        "FROM core.submission WHERE $s IS NULL OR status = $s ORDER BY id DESC",
        {"s": status},
    ).df()


def edit_note(
    con: duckdb.DuckDBPyConnection, *, partner: str, kpi: str, period: str, note: str, by: Actor, today: date
) -> Stored:
    """Add or change the note on a figure held now.

    The change is a one-figure submission carrying the same value and the new note, checked like any figure,
    so the earlier note stays in `measurement_history` and the change is approved like any other.
    """
    require(by, Action.COMMENT, [partner], con=con)
    with transaction(con):
        rows = con.execute(
            "SELECT value, note, submission_id FROM core.current_figures(false) WHERE partner_code = $p "
            "AND kpi_code = $k AND period = $per",
            {"p": partner, "k": kpi, "per": period},
        ).fetchall()
        if not rows:
            raise SubmissionError(f"there is no figure for {kpi} from {partner} in {period} yet; send the figure first")
        value, old, held_in = rows[0]
        if (old or "") == note.strip():
            raise SubmissionError("the note is the same as the one held now; nothing to change")
        origin = Origin(f"note edit of submission {held_in}", "note edit")
        try:
            return submit(con, [Record(partner, period, kpi, value, note)], origin, by=by, today=today,
                          action=Action.COMMENT)  # fmt: skip
        except SubmissionRefused as exc:
            raise SubmissionError("; ".join(p.message for p in exc.result.problems)) from None
