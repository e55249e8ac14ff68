"""Service desk exports (issue 7): KPI figures worked out by hand from small exports, bad rows, re-imports,
later imports, the command line and the ICT page."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from streamlit.testing.v1 import AppTest

from metrics import queries, store, submissions, tickets
from metrics.access import Actor, Role
from metrics.config import ROOT
from tests.conftest import AS_OF, charter, table_contents

# BDC's tickets in ServiceNow's incident list export (field names, "1 - Critical" priorities, true/false).
SERVICENOW = """\
number,short_description,priority,state,opened_at,resolved_at,closed_at,made_sla,reassignment_count,company,category
INC1001,Email down,1 - Critical,Closed,2025-04-01 09:00:00,2025-04-01 12:00:00,2025-04-04 12:00:00,true,0,Blaby District Council,network
INC1002,Payroll server,1 - Critical,Closed,2025-05-10 08:00:00,2025-05-10 14:00:00,2025-05-13 14:00:00,false,1,Blaby District Council,software
INC1003,Laptop,2 - High,Resolved,2025-04-15 10:00:00,2025-04-15 18:00:00,,true,0,Blaby District Council,hardware
INC1004,Printer,3 - Moderate,Closed,2025-04-20 09:00:00,2025-04-22 09:00:00,2025-04-25 09:00:00,true,0,Blaby District Council,hardware
INC1005,VPN,3 - Moderate,Closed,2025-06-25 09:00:00,2025-07-02 09:00:00,2025-07-05 09:00:00,false,2,Blaby District Council,network
INC1006,Old report,4 - Low,In Progress,2025-05-22 00:00:00,,,,0,Blaby District Council,software
RITM1007,New starter,4 - Low,Closed,2025-05-05 09:00:00,2025-05-06 09:00:00,2025-05-09 09:00:00,true,0,Blaby District Council,request
INC1008,Duplicate call,3 - Moderate,Canceled,2025-06-10 12:00:00,,2025-06-11 12:00:00,,0,Blaby District Council,inquiry
INC2001,Wi-fi,2 - High,Resolved,2025-07-03 09:00:00,2025-07-03 13:00:00,,true,0,Blaby District Council,network
INC2002,Planning system,3 - Moderate,Closed,2025-08-01 09:00:00,2025-08-02 21:00:00,2025-08-05 21:00:00,true,1,Blaby District Council,software
RITM2003,Software request,4 - Low,Open,2025-09-29 10:00:00,,,,0,Blaby District Council,request
"""  # noqa: E501 - an export's rows are as long as they are

# The same tickets for MBC in the canonical format: UK day-first dates, a type column, P1-style priorities,
# yes/no, and the partner by code or name in any case.
CANONICAL = """\
ticket,partner,type,priority,state,opened,resolved,closed,within_sla,reassignments
M-1,MBC,incident,P1,closed,01/04/2025 09:00,01/04/2025 12:00,04/04/2025 12:00,yes,0
M-2,Melton Borough Council,incident,P1,closed,10/05/2025 08:00,10/05/2025 14:00,,no,1
M-3,mbc,incident,P2,resolved,15/04/2025 10:00,15/04/2025 18:00,,yes,0
M-4,MBC,incident,P3,closed,20/04/2025 09:00,22/04/2025 09:00,,yes,0
M-5,MBC,incident,P3,closed,25/06/2025 09:00,02/07/2025 09:00,,no,2
M-6,MBC,incident,P4,in progress,22/05/2025 00:00,,,,0
M-7,MBC,request,P4,closed,05/05/2025 09:00,06/05/2025 09:00,,yes,0
M-8,MBC,incident,P3,cancelled,10/06/2025 12:00,,11/06/2025 12:00,,0
M-9,MBC,incident,P2,resolved,03/07/2025 09:00,03/07/2025 13:00,,yes,0
M-10,MBC,incident,P3,closed,01/08/2025 09:00,02/08/2025 21:00,,yes,1
M-11,MBC,request,P4,open,29/09/2025 10:00,,,,0
"""

# Worked out by hand from the eleven tickets above (the same for BDC and MBC).
#
# 2025/26 Q1 (April to June 2025): eight tickets logged (1-8), seven incidents and one request (7).
#   ICT01 tickets logged = 8. ICT06 priority 1 incidents = 2 (1 and 2).
#   Incidents fixed in Q1: 1 (3 h), 2 (6 h), 3 (8 h), 4 (48 h). 5 is fixed on 2 July (Q2); 8 was cancelled;
#   6 is still open; 7 is a request.
#   ICT02 within SLA = 3 of 4 (1, 3, 4) = 75%. ICT03 fixed first time (no reassignment) = 3 of 4 = 75%.
#   ICT04 mean time to fix a P1 = (3 + 6) / 2 = 4.5 hours.
#   All incidents: mean (3 + 6 + 8 + 48) / 4 = 16.25 h; median (6 + 8) / 2 = 7 h;
#   90th percentile (linear, as Excel's PERCENTILE.INC): position 0.9 x 3 = 2.7, 8 + 0.7 x (48 - 8) = 36 h.
#   Open at the end of Q1 (midnight 1 July): 5 (opened 25 June 09:00: 5 days 15 h = 5.625 days) and 6 (opened
#   22 May: 40 days); 8 left the backlog when cancelled on 11 June. Backlog 2, mean age (5.625 + 40) / 2
#   = 22.8125 -> 22.81 days, over 30 days: 1.
# 2025/26 Q2 (July to September 2025): three tickets logged (9, 10 and request 11), no priority 1.
#   ICT01 = 3, ICT06 = 0. Incidents fixed in Q2: 5 (168 h, missed SLA, 2 reassignments), 9 (4 h), 10 (36 h,
#   1 reassignment). ICT02 = 2 of 3 = 66.67%. ICT03 = 1 of 3 = 33.33%. ICT04: no P1 fixed, so a blank with a note.
#   Mean (168 + 4 + 36) / 3 = 69.33 h; median 36 h; 90th percentile: position 1.8, 36 + 0.8 x (168 - 36) = 141.6 h.
#   Open at the end of Q2: 6 (132 days) and 11 (opened 29 September 10:00: 1 day 14 h = 1.5833 days).
#   Backlog 2, mean age (132 + 1.5833) / 2 = 66.79 days, over 30 days: 1.
NO_P1 = "No priority 1 incidents were resolved in the quarter, so the service desk export gives no figure."
KPI_FIGURES = [
    ("2025/26 Q1", "ICT01", 8.0, None),
    ("2025/26 Q1", "ICT02", 75.0, None),
    ("2025/26 Q1", "ICT03", 75.0, None),
    ("2025/26 Q1", "ICT04", 4.5, None),
    ("2025/26 Q1", "ICT06", 2.0, None),
    ("2025/26 Q2", "ICT01", 3.0, None),
    ("2025/26 Q2", "ICT02", 66.67, None),
    ("2025/26 Q2", "ICT03", 33.33, None),
    ("2025/26 Q2", "ICT04", None, NO_P1),
    ("2025/26 Q2", "ICT06", 0.0, None),
]
MEASURES = {
    ("2025/26 Q1", "incidents_logged"): 7.0,
    ("2025/26 Q1", "requests_logged"): 1.0,
    ("2025/26 Q1", "incidents_resolved"): 4.0,
    ("2025/26 Q1", "resolve_hours_mean"): 16.25,
    ("2025/26 Q1", "resolve_hours_median"): 7.0,
    ("2025/26 Q1", "resolve_hours_p90"): 36.0,
    ("2025/26 Q1", "backlog_open"): 2.0,
    ("2025/26 Q1", "backlog_mean_age_days"): 22.81,
    ("2025/26 Q1", "backlog_over_30_days"): 1.0,
    ("2025/26 Q2", "resolve_hours_mean"): 69.33,
    ("2025/26 Q2", "resolve_hours_median"): 36.0,
    ("2025/26 Q2", "resolve_hours_p90"): 141.6,
    ("2025/26 Q2", "backlog_open"): 2.0,
    ("2025/26 Q2", "backlog_mean_age_days"): 66.79,
    ("2025/26 Q2", "backlog_over_30_days"): 1.0,
}
# By priority in Q1: P1 fixed 2 (3 h, 6 h; 1 of 2 within SLA), P2 one (8 h), P3 one (48 h).
BY_PRIORITY_Q1 = {
    (1, "incidents_resolved"): 2.0,
    (1, "sla_pct"): 50.0,
    (1, "resolve_hours_median"): 4.5,
    (1, "resolve_hours_p90"): 5.7,  # 3 + 0.9 x (6 - 3)
    (2, "sla_pct"): 100.0,
    (3, "resolve_hours_mean"): 48.0,
    (4, "incidents_resolved"): 0.0,
}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def run(con: duckdb.DuckDBPyConnection, path: Path, **kwargs: object) -> tickets.Imported:
    return tickets.import_export(con, path, path.name, by=Actor.administrator("tests"), today=AS_OF, **kwargs)  # type: ignore[arg-type]


def figures(con: duckdb.DuckDBPyConnection, partner: str, submission: int | None = None) -> list[tuple[object, ...]]:
    """The partner's figures held now (of one submission, if given) of the KPIs that tickets feed, 2025/26 Q1-Q2.

    A figure the export gives that equals the one held already (e.g. a demo figure) is not sent again.
    """
    return con.execute(
        "SELECT period, kpi_code, value, note FROM measurement WHERE partner_code = $p "
        "AND kpi_code IN ('ICT01', 'ICT02', 'ICT03', 'ICT04', 'ICT06') AND period IN ('2025/26 Q1', '2025/26 Q2') "
        "AND ($s IS NULL OR submission_id = $s) ORDER BY period, kpi_code",
        {"p": partner, "s": submission},
    ).fetchall()


def values(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """(period, KPI, value): a figure held already with the same value keeps its own note."""
    return [row[:3] for row in rows]


def measure(con: duckdb.DuckDBPyConnection, partner: str, period: str, name: str, priority: int = 0) -> float:
    frame = queries.ticket_measures(con, partner=partner, last=8101)
    row = frame[(frame["period"] == period) & (frame["measure"] == name) & (frame["priority"] == priority)]
    return float(row["value"].iloc[0])


# --- figures worked out by hand ----------------------------------------------------------------------------


def test_a_servicenow_export_gives_the_kpi_figures_worked_out_by_hand(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write(tmp_path, "incident.csv", SERVICENOW)
    held = figures(con, "BDC")
    done = run(con, path)
    assert (done.rows_read, done.new, done.changed, done.unchanged, done.left_out) == (11, 11, 0, 0, 0)
    assert values(figures(con, "BDC")) == values(KPI_FIGURES)
    # The demo already holds 2 priority 1 incidents for Blaby in Q1: the same figure is not sent again, and
    # the officer's note on it stays.
    note = "Improvement reflects the new online forms launched this quarter."
    assert ("2025/26 Q1", "ICT06", 2.0, note) in held
    assert ("2025/26 Q1", "ICT06", 2.0, note) in figures(con, "BDC")
    assert figures(con, "BDC", done.submission_id) == [f for f in KPI_FIGURES if f[:2] != ("2025/26 Q1", "ICT06")]
    assert done.message() == (
        f"incident.csv: 11 rows read; 11 new tickets, 0 changed, 0 unchanged. 9 KPI figures for 2025/26 Q1, "
        f"2025/26 Q2 submitted as submission {done.submission_id}, for the performance lead to approve"
    )
    # One submission, from the service desk, named and fingerprinted as the export, awaiting approval.
    assert con.execute(
        "SELECT file_name, sha256, status, row_count, source, content FROM core.submission WHERE id = $s",
        {"s": done.submission_id},
    ).fetchall() == [
        ("incident.csv", submissions.sha256(path.read_bytes()), "submitted", 9, "service desk", path.read_bytes())
    ]


def test_every_measure_is_computed_including_those_that_feed_no_kpi(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    run(con, write(tmp_path, "incident.csv", SERVICENOW))
    for (period, name), value in MEASURES.items():
        assert measure(con, "BDC", period, name) == pytest.approx(value), (period, name)
    for (priority, name), value in BY_PRIORITY_Q1.items():
        assert measure(con, "BDC", "2025/26 Q1", name, priority) == pytest.approx(value), (priority, name)
    # 8 tickets for 352 active users (BDC's count from 1 April 2024) = 0.0227 -> 0.02 per user.
    assert measure(con, "BDC", "2025/26 Q1", "tickets_per_user") == 0.02
    kpi = queries.ticket_measures(con, partner="BDC", last=8101)
    assert sorted(kpi.dropna(subset=["kpi_code"])[["measure", "priority", "kpi_code"]].drop_duplicates().itertuples(
        index=False, name=None
    )) == [("first_time_fix_pct", 0, "ICT03"), ("p1_incidents", 0, "ICT06"), ("resolve_hours_mean", 1, "ICT04"),
           ("sla_pct", 0, "ICT02"), ("tickets_logged", 0, "ICT01")]  # fmt: skip


def test_the_canonical_format_gives_the_same_figures(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    done = run(con, write(tmp_path, "melton.csv", CANONICAL))
    assert done.left_out == 0
    assert values(figures(con, "MBC")) == values(KPI_FIGURES)
    # 8 tickets for Melton's 236 active users = 0.0339 -> 0.03 per user.
    assert measure(con, "MBC", "2025/26 Q1", "tickets_per_user") == 0.03


def test_an_xlsx_export_with_real_date_cells_gives_the_same_figures(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Tickets")
    when = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for r, line in enumerate(CANONICAL.splitlines()):
        for c, cell in enumerate(line.split(",")):
            if r and c in (5, 6, 7) and cell:
                sheet.write_datetime(r, c, datetime.strptime(cell, "%d/%m/%Y %H:%M"), when)
            elif r and c == 9:
                sheet.write_number(r, c, int(cell))
            else:
                sheet.write(r, c, cell)
    book.close()
    path = tmp_path / "melton.xlsx"
    path.write_bytes(out.getvalue())
    assert run(con, path).rows_read == 11
    assert values(figures(con, "MBC")) == values(KPI_FIGURES)


def test_approved_service_desk_figures_reach_objectives_like_any_other(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    done = run(con, write(tmp_path, "incident.csv", SERVICENOW))
    assert done.submission_id is not None
    progress = (
        "SELECT actual FROM objective_progress WHERE objective_code = $o AND partner_code = 'BDC' AND period = $p"
    )
    assert con.execute(progress, {"o": "OBJ14", "p": "2025/26 Q1"}).fetchall() != [(75.0,)]  # not yet approved
    submissions.review(con, done.submission_id, approve=True, by=Actor.administrator("performance lead"))
    assert con.execute(progress, {"o": "OBJ14", "p": "2025/26 Q1"}).fetchall() == [(75.0,)]  # ICT02
    assert con.execute(progress, {"o": "OBJ16", "p": "2025/26 Q1"}).fetchall() == [(4.5,)]  # ICT04


# --- bad rows ------------------------------------------------------------------------------------------------

BAD = (
    SERVICENOW
    + """\
,No number,3 - Moderate,Closed,2025-04-02 09:00:00,2025-04-02 10:00:00,,true,0,Blaby District Council,x
INC3001,Not ours,3 - Moderate,Closed,2025-04-02 09:00:00,2025-04-02 10:00:00,,true,0,Leicester City Council,x
INC3002,Odd priority,Urgent,Closed,2025-04-02 09:00:00,2025-04-02 10:00:00,,true,0,Blaby District Council,x
INC3003,Bad date,3 - Moderate,Closed,2025-02-30 09:00:00,,,true,0,Blaby District Council,x
INC3004,Backwards,3 - Moderate,Closed,2025-04-02 09:00:00,2025-04-01 09:00:00,,true,0,Blaby District Council,x
INC1001,Again,1 - Critical,Closed,2025-04-01 09:00:00,2025-04-01 12:00:00,,true,0,Blaby District Council,x
INC3005,Unsure,3 - Moderate,Closed,2025-04-02 09:00:00,2025-04-02 10:00:00,,maybe,0,Blaby District Council,x
INC3006,Gone,3 - Moderate,Closed,2025-04-02 09:00:00,2025-04-02 10:00:00,,true,0,Oadby & Wigston Borough Council,x
INC3007,Bad resolved,3 - Moderate,Closed,2025-04-02 09:00:00,tomorrow,,true,0,Blaby District Council,x
"""
)
BAD_LINES = [
    "no ticket number: 1 row (row 13)",
    "  bad.csv:13:number: the ticket number is blank; every ticket needs its number",
    "unknown partner: 1 row (row 14)",
    "  bad.csv:14:company: 'Leicester City Council' is not a partner council; map it to a partner's code",
    "unknown priority: 1 row (row 15)",
    "  bad.csv:15:priority: 'Urgent' is not a priority; write 1 to 5, e.g. 1 or \"1 - Critical\"",
    "unreadable date: 2 rows (rows 16, 21)",
    "  bad.csv:16:opened_at: '2025-02-30 09:00:00' is not a date and time; write e.g. 2025-04-01 09:30 or "
    "01/04/2025 09:30",
    "  bad.csv:21:resolved_at: 'tomorrow' is not a date and time; write e.g. 2025-04-01 09:30 or 01/04/2025 09:30",
    "resolved before opened: 1 row (row 17)",
    "  bad.csv:17:resolved_at: resolved 2025-04-01 09:00:00 is before it was opened (2025-04-02 09:00:00)",
    "duplicate ticket number: 1 row (row 18)",
    "  bad.csv:18:number: ticket INC1001 is already on row 2",
    "unreadable value: 1 row (row 19)",
    "  bad.csv:19:made_sla: 'maybe' is not yes or no",
    "not a partner then: 1 row (row 20)",
    "  bad.csv:20:opened_at: OWBC was not a partner on 2 April 2025",
]


def test_bad_rows_are_counted_by_reason_with_the_first_rows_named(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    found = tickets.check(con, write(tmp_path, "bad.csv", BAD), "bad.csv")
    assert (found.rows_read, found.good, found.bad_total) == (20, 11, 9)
    assert found.lines() == BAD_LINES


def test_many_bad_rows_of_one_reason_name_the_first_five(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = [SERVICENOW] + [f"INC9{i:03d},x,Urgent,New,2025-04-02 09:00:00,,,,0,BDC,x\n" for i in range(8)]
    found = tickets.check(con, write(tmp_path, "many.csv", "".join(lines)), "many.csv")
    assert found.lines()[0] == "unknown priority: 8 rows (rows 13, 14, 15, 16, 17 and 3 more)"
    assert len(found.lines()) == 6


def test_bad_rows_are_refused_and_nothing_is_written(demo_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.csv", BAD)
    before = table_contents(demo_db)
    with store.connect(demo_db) as con, pytest.raises(tickets.BadRowsRefused, match=r"^bad.csv: 9 bad rows; nothing"):
        run(con, path)
    assert table_contents(demo_db) == before


def test_bad_rows_left_out_when_accepted_and_recorded(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    done = run(con, write(tmp_path, "bad.csv", BAD), skip_bad_rows=True)
    assert (done.rows_read, done.new, done.left_out) == (20, 11, 9)
    assert values(figures(con, "BDC")) == values(KPI_FIGURES)  # the good rows are the eleven worked out above
    assert con.execute(
        "SELECT row_number, reason, field, number FROM core.ticket_bad_row WHERE import_id = $i ORDER BY row_number",
        {"i": done.import_id},
    ).fetchall() == [
        (13, "no ticket number", "ticket", None),
        (14, "unknown partner", "partner", "INC3001"),
        (15, "unknown priority", "priority", "INC3002"),
        (16, "unreadable date", "opened", "INC3003"),
        (17, "resolved before opened", "resolved", "INC3004"),
        (18, "duplicate ticket number", "ticket", "INC1001"),
        (19, "unreadable value", "within_sla", "INC3005"),
        (20, "not a partner then", "opened", "INC3006"),
        (21, "unreadable date", "resolved", "INC3007"),
    ]
    assert con.execute("SELECT bad_rows FROM core.ticket_import WHERE id = $i", {"i": done.import_id}).fetchall() == [
        (9,)
    ]
    # The row for INC1001 kept is the first one, not the duplicate.
    assert con.execute("SELECT row_number FROM core.ticket WHERE number = 'INC1001'").fetchall() == [(2,)]


# --- re-imports and later imports --------------------------------------------------------------------------


def test_importing_the_same_export_again_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "incident.csv", SERVICENOW)
    with store.connect(demo_db) as con:
        first = run(con, path)
    before = table_contents(demo_db)
    with store.connect(demo_db) as con:
        again = run(con, path)
    assert again.message().startswith(
        f"incident.csv: this identical export was already imported (import {first.import_id}, "
    )
    assert table_contents(demo_db) == before


def test_the_same_tickets_in_another_file_store_no_new_ticket_or_figure(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    run(con, write(tmp_path, "incident.csv", SERVICENOW))
    tickets_before = con.execute("SELECT * FROM core.ticket ORDER BY number").fetchall()
    submitted = con.execute("SELECT count(*) FROM core.submission").fetchall()
    header, *rows = SERVICENOW.splitlines()
    again = run(con, write(tmp_path, "reordered.csv", "\n".join([header, *reversed(rows)]) + "\n"))
    assert (again.new, again.changed, again.unchanged, again.submission_id) == (0, 0, 11, None)
    assert again.message().endswith("The KPI figures it gives are the same as those held: no new figures")
    assert con.execute("SELECT * FROM core.ticket ORDER BY number").fetchall() == tickets_before
    assert con.execute("SELECT count(*) FROM core.submission").fetchall() == submitted


def test_a_later_export_updates_the_quarters_it_covers(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    header, *rows = SERVICENOW.splitlines()
    q1_only = [r for r in rows if "2025-0" in r.split(",")[4] and r.split(",")[4] < "2025-07"]
    first = run(con, write(tmp_path, "june.csv", "\n".join([header, *q1_only]) + "\n"))
    assert values(figures(con, "BDC"))[:5] == values(KPI_FIGURES)[:5]
    assert {f[0] for f in figures(con, "BDC", first.submission_id)} == {"2025/26 Q1"}
    # Three months on: INC1002's SLA clock was corrected (it paused while waiting on a supplier), and Q2 is in.
    later = SERVICENOW.replace("2025-05-13 14:00:00,false,1", "2025-05-13 14:00:00,true,1")
    second = run(con, write(tmp_path, "september.csv", later))
    assert (second.new, second.changed, second.unchanged) == (3, 1, 7)
    # Q1: only ICT02 changes (3 of 4 -> 4 of 4 within SLA); the rest are the same and not sent again.
    assert figures(con, "BDC", second.submission_id) == [("2025/26 Q1", "ICT02", 100.0, None), *KPI_FIGURES[5:]]
    assert values(figures(con, "BDC")) == values([KPI_FIGURES[0], ("2025/26 Q1", "ICT02", 100.0), *KPI_FIGURES[2:]])
    assert con.execute(
        "SELECT value, submission_id, superseded FROM measurement_history WHERE partner_code = 'BDC' "
        "AND kpi_code = 'ICT02' AND period = '2025/26 Q1' AND submission_id >= $s ORDER BY submission_id",
        {"s": first.submission_id},
    ).fetchall() == [(75.0, first.submission_id, True), (100.0, second.submission_id, False)]
    assert con.execute("SELECT import_id FROM core.ticket WHERE number = 'INC1002'").fetchall() == [(second.import_id,)]


def test_a_quarter_still_under_way_gives_no_figures(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    autumn = SERVICENOW + "INC4001,Now,3 - Moderate,New,2025-10-02 09:00:00,,,,0,Blaby District Council,x\n"
    done = run(con, write(tmp_path, "incident.csv", autumn))  # AS_OF is 20 November 2025: Q3 is under way
    assert done.quarters == ["2025/26 Q1", "2025/26 Q2"]
    assert done.new == 12


# --- mappings ------------------------------------------------------------------------------------------------

OTHER_TOOL = """\
Ref,Site,Urgency,Logged,Fixed,Met target,Hand-offs
A1,Blaby DC,1,2025-04-01 09:00,2025-04-01 12:00,yes,0
A2,Blaby DC,1,2025-05-10 08:00,2025-05-10 14:00,no,1
"""


def test_another_tools_columns_and_partner_names_are_mapped_once_and_remembered(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = write(tmp_path, "other.csv", OTHER_TOOL)
    with pytest.raises(tickets.MissingColumns, match=r"^other.csv:1:-: the header row has no column for ticket"):
        tickets.check(con, path, "other.csv")
    mapping = {"ticket": "Ref", "partner": "Site", "priority": "Urgency", "opened": "Logged", "resolved": "Fixed",
               "within_sla": "Met target", "reassignments": "Hand-offs"}  # fmt: skip
    options = tickets.Options(source="Helpdesk Pro", columns=mapping, partner_map={"blaby dc": "BDC"})
    done = run(con, path, options=options)
    assert done.new == 2
    # The next export from the same tool needs neither mapping.
    later = write(tmp_path, "other-2.csv", OTHER_TOOL.replace("A1,", "A3,").replace("A2,", "A4,"))
    found = tickets.check(con, later, "other-2.csv")
    assert (found.layout.format, found.good, found.bad) == ("Helpdesk Pro", 2, [])


# --- the command line ----------------------------------------------------------------------------------------


def test_the_command_imports_an_export(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "incident.csv", SERVICENOW)
    done = charter(demo_db, "tickets", "incident.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("incident.csv: 11 rows read; 11 new tickets, 0 changed, 0 unchanged. 9 KPI figures")
    again = charter(demo_db, "tickets", "incident.csv", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (0, "")
    assert "this identical export was already imported" in again.stdout


def test_the_command_with_a_partner_for_every_row(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "mine.csv", CANONICAL.replace("ticket,partner,", "ticket,site,"))
    done = charter(demo_db, "tickets", "mine.csv", "--partner", "hbbc", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    with store.connect(demo_db, read_only=True) as con:
        assert values(figures(con, "HBBC")) == values(KPI_FIGURES)


def test_the_command_refuses_bad_rows_unless_told_to_leave_them_out(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "bad.csv", BAD)
    before = table_contents(demo_db)
    done = charter(demo_db, "tickets", "bad.csv", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "\n".join([
        "bad.csv: 9 bad rows; nothing was imported.",
        *BAD_LINES,
        "Correct those rows and import the file again, or use --skip-bad-rows to leave them out (what is left out "
        "is recorded).",
    ]) + "\n"  # fmt: skip
    assert table_contents(demo_db) == before
    skipped = charter(demo_db, "tickets", "bad.csv", "--skip-bad-rows", cwd=tmp_path)
    assert (skipped.returncode, skipped.stderr) == (0, "")
    assert "11 new tickets" in skipped.stdout and "9 bad rows left out (recorded with import 1)" in skipped.stdout


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["missing.csv"], 2, "charter tickets: missing.csv: no such file\n"),
        (["incident.csv", "--partner", "XYZ"], 2,
         "charter tickets: 'XYZ' is not a partner code; use one of BDC, HBBC, MBC, OWBC\n"),
        (["incident.csv", "--column", "ticket=number"], 2,
         "charter tickets: --column needs --source NAME, the name the mapping is saved under\n"),
        (["incident.csv", "--map-partner", "Blaby"], 2,
         "charter tickets: --map-partner needs the form A=B, not 'Blaby'\n"),
        (["other.csv"], 1, "charter tickets: other.csv:1:-: the header row has no column for ticket (e.g. 'ticket' or "
         "'number'); priority (e.g. 'priority'); opened (e.g. 'opened' or 'opened_at'); partner (e.g. 'partner' or "
         "'company'). Rename the columns, or map them to these fields (saved for next time under a source name) or "
         "give the partner of every row. Its columns are: Ref, Site, Urgency, Logged, Fixed, Met target, Hand-offs\n"),
    ],
)  # fmt: skip
def test_the_command_says_what_is_wrong(demo_db: Path, tmp_path: Path, args: list[str], code: int, says: str) -> None:
    write(tmp_path, "incident.csv", SERVICENOW)
    write(tmp_path, "other.csv", OTHER_TOOL)
    before = table_contents(demo_db)
    done = charter(demo_db, "tickets", *args, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (code, "", says)
    assert table_contents(demo_db) == before


def test_the_command_saves_a_column_mapping_for_the_next_export(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "other.csv", OTHER_TOOL)
    columns = ["ticket=Ref", "partner=Site", "priority=Urgency", "opened=Logged", "resolved=Fixed"]
    done = charter(demo_db, "tickets", "other.csv", "--source", "Helpdesk Pro", *(f"--column={c}" for c in columns),
                   "--map-partner", "Blaby DC=bdc", cwd=tmp_path)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    write(tmp_path, "other-2.csv", OTHER_TOOL.replace("A1,", "A3,"))
    again = charter(demo_db, "tickets", "other-2.csv", "--dry-run", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout == "other-2.csv: Helpdesk Pro export, 2 rows, 2 good, 0 bad (dry run: nothing stored)\n"


# --- the ICT page --------------------------------------------------------------------------------------------

APP = str(ROOT / "dashboard" / "app.py")
BLABY_OFFICER = Actor("sam@blaby.gov.uk", Role.OFFICER, frozenset({"BDC"}))


def _ict_page(demo_db: Path, monkeypatch: pytest.MonkeyPatch, actor: Actor) -> AppTest:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = actor  # signed in
    at.run()
    at.switch_page("app_pages/ict.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return _ict_page(demo_db, monkeypatch, Actor("lead@example.org", Role.ADMIN))


@pytest.fixture
def officer_app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return _ict_page(demo_db, monkeypatch, BLABY_OFFICER)


def test_the_ict_page_without_tickets_offers_the_import(app: AppTest) -> None:
    assert [t.value for t in app.title] == ["ICT service desk"]
    assert (
        app.info[0].value == "No service desk tickets in the eight quarters to 2025/26 Q2 yet: import an export below."
    )
    assert app.get("vega_lite_chart") == []
    assert [u.label for u in app.get("file_uploader")] == ["Ticket export (CSV or XLSX)"]


def test_the_ict_page_shows_an_imported_export(demo_db: Path, tmp_path: Path, app: AppTest) -> None:
    with store.connect(demo_db) as con:
        run(con, write(tmp_path, "incident.csv", SERVICENOW))
    app.run()
    assert not app.exception
    assert len(app.get("vega_lite_chart")) == 3  # SLA by priority, time to resolve, backlog ageing
    captions = "\n".join(c.value for c in app.caption)
    assert "In 2025/26 Q2, all priorities: Blaby District Council 66.7%." in captions
    assert (
        "At the end of 2025/26 Q2: Blaby District Council 2 open, of which over 30 days: Blaby District Council 1."
        in captions
    )
    measures = next(d.value for d in app.dataframe if "Measure" in d.value.columns)
    row = measures[measures["Measure"] == "Mean time to resolve an incident, P1"]
    assert row["KPI"].tolist() == ["ICT04"]
    app.sidebar.selectbox[1].select("MBC").run()  # one partner: Melton has sent no tickets
    assert (
        app.info[0].value == "No service desk tickets in the eight quarters to 2025/26 Q2 yet: import an export below."
    )
    app.sidebar.selectbox[1].select("BDC").run()
    assert len(app.get("vega_lite_chart")) == 3
    app.sidebar.selectbox[0].select("2025/26 Q1").run()  # an earlier quarter: the figures worked out above
    assert (
        "Median time to resolve: Blaby District Council 7.0 hours; 90th percentile: Blaby District Council 36.0 hours."
        in "\n".join(c.value for c in app.caption)
    )


def test_an_officer_imports_an_export_on_the_ict_page(officer_app: AppTest, demo_db: Path) -> None:
    app = officer_app
    export = BAD.replace("Blaby District Council", "Blaby DC").encode("utf-8")
    app.get("file_uploader")[0].set_value(("bad.csv", export, "text/csv")).run()
    assert not app.exception
    # Before Blaby is mapped, every row but Oadby & Wigston's (left the partnership) is for an unknown partner.
    assert "**bad.csv**: ServiceNow export · 20 rows · 0 tickets can be imported · 20 bad rows" in [
        m.value for m in app.markdown
    ]
    assert [s.label for s in app.selectbox if s.label.startswith("Which")] == [
        "Which council is “Blaby DC”? (17 rows)",
        "Which council is “Leicester City Council”? (1 rows)",
    ]
    app.selectbox(key="ict_map_Blaby DC").select("BDC").run()  # what the file calls Blaby
    assert "**bad.csv**: ServiceNow export · 20 rows · 11 tickets can be imported · 9 bad rows" in [
        m.value for m in app.markdown
    ]
    button = next(b for b in app.button if b.label == "Import these tickets")
    assert button.disabled  # bad rows not accepted yet
    app.checkbox(key="ict_skip").check().run()
    next(b for b in app.button if b.label == "Import these tickets").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.success[0].value.startswith(
        "bad.csv: 20 rows read; 11 new tickets, 0 changed, 0 unchanged; 9 bad rows left out"
    )
    assert len(app.get("vega_lite_chart")) == 3
    with store.connect(demo_db, read_only=True) as con:
        assert con.execute("SELECT value_key, partner_code, saved_by FROM core.ticket_partner_map").fetchall() == [
            ("blaby dc", "BDC", BLABY_OFFICER.email)
        ]


DECOY = SERVICENOW.splitlines()[0] + "\nINC9999,Decoy,4 - Low,Closed,2025-05-05 09:00:00,,,,0,Blaby District Council,\n"


@pytest.mark.parametrize(
    ("name", "decoys"),
    [("x*.csv", ["x-decoy.csv", "xx.csv"]), ("a?.csv", ["ab.csv"]), ("[ab].csv", ["a.csv", "b.csv"])],
)
def test_the_name_of_an_export_is_a_path_not_a_pattern(
    demo_db: Path, tmp_path: Path, name: str, decoys: list[str]
) -> None:
    write(tmp_path, name, SERVICENOW)
    for decoy in decoys:
        write(tmp_path, decoy, DECOY)
    done = charter(demo_db, "tickets", name, cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"{name}: 11 rows read; 11 new tickets, 0 changed, 0 unchanged. 9 KPI figures")
    with store.connect(demo_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.ticket WHERE number = 'INC9999'").fetchall() == [(0,)]
    # Given by its full path, from another folder, it is read just the same.
    again = charter(demo_db, "tickets", str(tmp_path / name), cwd=ROOT)
    assert (again.returncode, again.stderr) == (0, "")
    assert "this identical export was already imported" in again.stdout
