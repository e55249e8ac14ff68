"""One typed function per read query; the SQL lives in `metrics/sql/NAME.sql`.

Every function takes an open connection and returns a DataFrame (or a small dataclass), so pages,
exports and tests share exactly the same figures. `published=True` means approved figures only, which
is what members and the public see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import duckdb

from metrics.formatting import decimals_for, rounded
from metrics.periods import Period, last_complete_quarter, period_range
from metrics.status import ENDED, RUNNING, Status, direction
from metrics.store import read_sql, reads_progress

# The service desk's reads live in metrics/ticket_reads.py; named here too, so `queries.ticket_measures` keeps working.
from metrics.ticket_reads import ticket_backlog_ageing as ticket_backlog_ageing
from metrics.ticket_reads import ticket_imports as ticket_imports
from metrics.ticket_reads import ticket_kpi_map as ticket_kpi_map
from metrics.ticket_reads import ticket_measures as ticket_measures
from metrics.ticket_reads import ticket_resolution_bands as ticket_resolution_bands

if TYPE_CHECKING:  # pandas takes longer to import than a command takes to run: only the reads that build frames load it
    import pandas as pd

    from metrics.figures import Figure

STATUSES = tuple(s.word for s in RUNNING)  # a running objective's statuses, in the legends' order
WORST_FIRST = tuple(s.word for s in sorted(Status, key=lambda s: s.rank))


@dataclass(frozen=True)
class PartnershipInfo:
    name: str
    short_name: str
    lead_authority: str
    data_due_days: int
    description: str
    illustrative: bool


def _frame(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    return con.execute(read_sql(name), params or {}).df()


def partnership(con: duckdb.DuckDBPyConnection) -> PartnershipInfo | None:
    """The partnership, or None in a database with no framework loaded yet."""
    rows = con.execute(read_sql("partnership")).fetchall()
    return PartnershipInfo(*rows[0]) if rows else None


@dataclass(frozen=True)
class LastUpdate:
    """The newest approved figure: whose, which KPI and period, when it was approved, and how many came with it."""

    approved_at: datetime
    partner_code: str
    partner_name: str
    kpi_code: str
    kpi_name: str
    period: str
    figures: int


def last_update(con: duckdb.DuckDBPyConnection) -> LastUpdate | None:
    """The newest approved figure (members' pages say it near the top), or None before any is approved."""
    rows = con.execute(read_sql("last_update")).fetchall()
    return LastUpdate(*rows[0]) if rows else None


def partners(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return _frame(con, "partners")


def quarters(today: date, first: Period | None = None) -> list[Period]:
    """Quarters a reader may choose, newest first: from `first` to the last complete one."""
    last = last_complete_quarter(today)
    return list(reversed(period_range(first or Period(last.year - 4, 1), last)))


def first_figure_period(con: duckdb.DuckDBPyConnection) -> Period | None:
    """The earliest quarter that has any figure."""
    rows = con.execute("SELECT min(period_index) FROM core.measurement").fetchall()
    return Period.from_index(int(rows[0][0])) if rows and rows[0][0] is not None else None


def _period_params(period: Period) -> dict[str, Any]:
    return {
        "period": str(period),
        "year": period.fy_label,
        "quarter": period.quarter or 4,
        "start": period.start,
        "end": period.end,
    }


@reads_progress
def progress_for_period(con: duckdb.DuckDBPyConnection, period: Period, *, published: bool = True) -> pd.DataFrame:
    """Every objective x partner for one quarter: actual, target, status, direction, forecast."""
    params = _period_params(period)
    return _frame(
        con, "progress_for_period", {k: params[k] for k in ("period", "year", "quarter")} | {"published": published}
    )


@reads_progress
def status_changes(con: duckdb.DuckDBPyConnection, period: Period, *, published: bool = True) -> pd.DataFrame:
    """Objective x partner pairs whose status differs from the previous quarter."""
    return _frame(
        con, "status_changes", {"period": str(period), "previous": str(period.previous()), "published": published}
    )


def completeness(con: duckdb.DuckDBPyConnection, period: Period, today: date, due_days: int) -> pd.DataFrame:
    """Each partner's figures for a quarter: expected, received, approved, awaiting approval, missing, overdue."""
    frame = _frame(con, "completeness", _period_params(period))
    frame["overdue"] = frame["missing"] if today > period.due(due_days) else 0
    frame["due_on"] = period.due(due_days)
    return frame


def running(progress: pd.DataFrame) -> pd.DataFrame:
    """The rows of objectives still running in their period: what members' headline counts cover."""
    return progress[~progress["ended"].fillna(False).astype(bool)]


def ended(progress: pd.DataFrame) -> pd.DataFrame:
    """The rows of objectives past their deadline, each showing its result (docs/progress-rules.md, 5)."""
    return progress[progress["ended"].fillna(False).astype(bool)]


def ended_summary(progress: pd.DataFrame) -> str:
    """The ended objectives of some progress rows in a line, listed apart from the running counts:
    "Ended: 3 met, 2 missed, 1 not assessed"; empty when none has ended."""
    counts = ended(progress)["status"].value_counts()
    parts = [f"{counts[s.word]} {s.said.lower()}" for s in ENDED if counts.get(s.word, 0)]
    return "Ended: " + ", ".join(parts) if parts else ""


def ended_objectives(progress: pd.DataFrame) -> pd.DataFrame:
    """One row per ended objective in some progress rows: its deadline, how many councils met, missed or were
    not assessed (and which), and whether the result is the board's (who decided, when) or computed."""
    import pandas as pd

    rows = ended(progress)
    out = []
    for (code, title), group in rows.groupby(["objective_code", "objective_title"], sort=False):
        by_status = {s: group[group["status"] == s.word] for s in ENDED}
        board = group[group["result_source"] == "board"]
        out.append(
            {
                "objective_code": code, "objective_title": title, "deadline_period": group["deadline_period"].iloc[0],
                **{s.key: len(by_status[s]) for s in ENDED},
                **{f"{s.key}_by": list(by_status[s]["partner_name"]) for s in ENDED},
                "result_source": "board" if len(board) else "computed",
                "decided_by": board["decided_by"].iloc[0] if len(board) else None,
                "decided_on": board["decided_on"].iloc[0] if len(board) else None,
            }
        )  # fmt: skip
    columns = ["objective_code", "objective_title", "deadline_period", *[s.key for s in ENDED]]
    return pd.DataFrame(out, columns=[*columns, *[f"{s.key}_by" for s in ENDED], "result_source", "decided_by",
                                      "decided_on"])  # fmt: skip


def result_basis(source: str, decided_by: object, decided_on: object, deadline_period: str) -> str:
    """What an ended objective's result rests on, in words: the board's decision (who, when) or the figure."""
    import pandas as pd

    if source != "board":
        return f"The figure for {deadline_period} against the final target"
    if isinstance(decided_by, str) and isinstance(decided_on, date) and pd.notna(decided_on):
        return f"The board's decision, recorded by {decided_by} on {decided_on:%-d %B %Y}"
    return "The board's decision, set in the framework file"


def status_counts(progress: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Count running objectives in each status, grouped by `by`, one column per status (zeros included);
    ended ones are counted apart (`ended_summary`)."""
    counts = running(progress).groupby([*by, "status"]).size().unstack("status", fill_value=0)
    for status in STATUSES:
        if status not in counts.columns:
            counts[status] = 0
    counts = counts[list(STATUSES)].reset_index()
    counts.columns.name = None
    return counts


def worst_status(statuses: pd.Series) -> str:
    """The worst status present (for roll-ups, docs/progress-rules.md: the worst one is named)."""
    present = set(statuses)
    return next((s for s in WORST_FIRST if s in present), Status.NO_DATA.word)


def objective_principles(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Objective code -> principle code and strapline, for every principle an objective serves."""
    return _frame(con, "objective_principles")


def kpis(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every KPI with its definition, unit, polarity, category and whether an objective targets it."""
    return _frame(con, "kpis")


def kpi_series(
    con: duckdb.DuckDBPyConnection, *, kpi: str | None = None, category: str | None = None, published: bool = True
) -> pd.DataFrame:
    """Figures by KPI, partner and period (optionally one KPI or one category)."""
    return _frame(con, "kpi_series", {"kpi": kpi, "category": category, "published": published})


def kpi_rollup(
    con: duckdb.DuckDBPyConnection, *, kpi: str | None = None, category: str | None = None, published: bool = True
) -> pd.DataFrame:
    """The partnership figure per KPI and period, rolled up as each KPI says, with partners reporting."""
    return _frame(con, "kpi_rollup", {"kpi": kpi, "category": category, "published": published})


def objectives(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every objective with its commitment, KPI, owner and tolerance."""
    return _frame(con, "objectives")


@reads_progress
def objective_progress(con: duckdb.DuckDBPyConnection, objective: str, *, published: bool = True) -> pd.DataFrame:
    """One objective's progress for every partner and period."""
    return _frame(con, "objective_progress_all", {"objective": objective, "published": published})


def objective_targets(con: duckdb.DuckDBPyConnection, objective: str) -> pd.DataFrame:
    """Every baseline and target the objective has had, superseded ones included."""
    return _frame(con, "objective_targets", {"objective": objective})


def objective_changes(con: duckdb.DuckDBPyConnection, objective: str) -> pd.DataFrame:
    """Changes to an objective's fields, newest first."""
    return _frame(con, "objective_changes", {"objective": objective})


def commentary(con: duckdb.DuckDBPyConnection, kpi: str, *, published: bool = True) -> pd.DataFrame:
    """Every note sent with a KPI's figures, superseded ones included, newest period first."""
    return _frame(con, "commentary", {"kpi": kpi, "published": published})


def charter_tree(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Commitments and principles, their outcomes, and the objectives serving each outcome."""
    return _frame(con, "charter_tree")


def partner_kpis(
    con: duckdb.DuckDBPyConnection, partner: str, period: Period, *, published: bool = True
) -> pd.DataFrame:
    """One partner's figure for every KPI in a quarter, with direction, rank and the partners' average."""
    return _frame(
        con,
        "partner_kpis",
        {"partner": partner, "idx": period.index, "quarter": period.quarter or 4, "published": published},
    )


def headline_kpis(
    con: duckdb.DuckDBPyConnection, period: Period, partner: str | None = None, quarters: int = 8
) -> pd.DataFrame:
    """Each KPI's latest figure to `period` (the partnership's, or one partner's), its change on the
    previous figure, and the last `quarters` figures as a list for a sparkline."""
    import pandas as pd

    if partner is None:
        series = kpi_rollup(con)
    else:
        series = kpi_series(con, published=True)
        series = series[series["partner_code"] == partner]
    info = kpis(con).set_index("code")
    series = series[(series["period_index"] <= period.index) & (series["period_index"] > period.index - quarters)]
    rows = []
    for code, kpi in info.iterrows():
        own = series[series["kpi_code"] == code].sort_values("period_index")
        values = own["value"].tolist()
        latest = values[-1] if values else None
        previous = values[-2] if len(values) > 1 else None
        rows.append(
            {
                "kpi_code": code, "kpi_name": kpi["name"], "category": kpi["category"], "unit": kpi["unit"],
                "decimals": kpi["decimals"],
                "polarity": kpi["polarity"], "latest": latest,
                "latest_period": own["period"].iloc[-1] if values else None,
                "previous": previous, "direction": direction(kpi["polarity"], latest, previous),
                "trend": [rounded(v, decimals_for(kpi["unit"], kpi["decimals"])) for v in values],  # as written
                "councils": (f"{int(own['reporting'].iloc[-1])} of {int(own['expected'].iloc[-1])}"
                             if partner is None and values else ""),
            }
        )  # fmt: skip
    return pd.DataFrame(rows)


def collection(con: duckdb.DuckDBPyConnection, period: Period, today: date, due_days: int) -> pd.DataFrame:
    """Each partner x KPI due for a quarter and its state: approved, submitted, missing or overdue."""
    params = _period_params(period) | {"overdue": today > period.due(due_days)}
    return _frame(con, "collection", params)


def submissions(
    con: duckdb.DuckDBPyConnection, *, status: str | None = None, partner: str | None = None
) -> pd.DataFrame:
    """Submissions, newest first (optionally of one status, or naming one partner)."""
    return _frame(con, "submissions", {"status": status, "partner": partner})


def submission_rows(con: duckdb.DuckDBPyConnection, *, status: str | None = None) -> tuple[list[str], list[Any]]:
    """The rows of `submissions` (all partners) and their column names, as plain values: no pandas needed."""
    cursor = con.execute(read_sql("submissions"), {"status": status, "partner": None})
    return [column[0] for column in cursor.description], cursor.fetchall()


def submission_changes(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """The figures a submission brought, each beside the figure in force before it."""
    return _frame(con, "submission_changes", {"id": submission_id})


def submission_file(con: duckdb.DuckDBPyConnection, submission_id: int) -> tuple[str, bytes] | None:
    """The original file of a submission, as it was uploaded."""
    rows = con.execute(
        "SELECT file_name, content FROM core.submission WHERE id = $id AND content IS NOT NULL", {"id": submission_id}
    ).fetchall()
    return (str(rows[0][0]), bytes(rows[0][1])) if rows else None


def current_values(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame) -> pd.DataFrame:
    """For (partner_code, kpi_code, period) rows, the figure in force now (any status) and its status."""
    con.register("wanted_keys", keys[["partner_code", "kpi_code", "period"]])
    try:
        return con.execute(
            "SELECT w.partner_code, w.kpi_code, w.period, f.value AS current_value, f.note AS current_note, "
            "f.submission_status AS current_status, f.submission_id AS current_submission "
            "FROM wanted_keys w LEFT JOIN core.current_figures(false) f ON f.partner_code = w.partner_code "
            "AND f.kpi_code = w.kpi_code AND f.period = w.period"
        ).df()
    finally:
        con.unregister("wanted_keys")


def preview(con: duckdb.DuckDBPyConnection, figures: list[Figure]) -> pd.DataFrame:
    """Checked figures beside the figures held now: new, changed (and from what) or unchanged."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "row": [f.row for f in figures],
            "partner_code": [f.partner_code for f in figures],
            "period": [str(f.period) for f in figures],
            "kpi_code": [f.kpi_code for f in figures],
            "value": pd.array([f.value for f in figures], dtype="Float64"),
            "note": [f.note or "" for f in figures],
        }
    )
    held = current_values(con, frame)
    names = kpis(con)[["code", "name"]].rename(columns={"code": "kpi_code", "name": "kpi_name"})
    out = frame.merge(held, on=["partner_code", "kpi_code", "period"], how="left").merge(names, on="kpi_code")

    def change(row: pd.Series) -> str:
        if pd.isna(row["current_status"]):
            return "▲ new"
        same_value = (pd.isna(row["value"]) and pd.isna(row["current_value"])) or row["value"] == row["current_value"]
        same_note = (row["note"] or "") == (row["current_note"] if isinstance(row["current_note"], str) else "")
        return "unchanged" if same_value and same_note else "▲ changed"

    out["change"] = out.apply(change, axis=1) if len(out) else []
    return out[["row", "partner_code", "period", "kpi_code", "kpi_name", "value", "current_value", "change", "note"]]


def audit_trail(
    con: duckdb.DuckDBPyConnection, *, actor: str | None = None, action: str | None = None, entity: str | None = None
) -> pd.DataFrame:
    """The audit trail, newest first, optionally for one person, one kind of action or one kind of record."""
    return con.execute(
        "SELECT id, recorded_at, actor, role, action, entity, entity_key, before, after FROM audit "
        "WHERE ($a IS NULL OR actor = $a) AND ($act IS NULL OR action = $act) AND ($e IS NULL OR entity = $e) "
        "ORDER BY id DESC",
        {"a": actor, "act": action, "e": entity},
    ).df()
