"""ServiceNow event logs (issue 14): one row per update of each ticket, `?` for blank, day-first dates without
leading zeros. Each ticket's latest update is imported, and no skip option keeps an earlier (stale) update."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from metrics import store, tickets
from metrics.access import Actor, Role
from metrics.config import ROOT
from metrics.store import read_sql
from tests.conftest import AS_OF, charter, table_contents
from tests.test_tickets import run, write

# The columns of the public "Incident management process enriched event log" export, in its order.
HEADER = (
    "number,incident_state,active,reassignment_count,reopen_count,sys_mod_count,made_sla,caller_id,opened_by,"
    "opened_at,sys_created_by,sys_created_at,sys_updated_by,sys_updated_at,contact_type,location,category,"
    "subcategory,u_symptom,impact,urgency,priority,assignment_group,assigned_to,knowledge,u_priority_confirmation,"
    "notify,problem_id,rfc,vendor,caused_by,closed_code,resolved_by,resolved_at,closed_at"
)


def update(number: str, state: str, mod: int, reassigned: int, sla: bool, opened: str, updated: str,
           priority: str, resolved: str = "?", closed: str = "?", category: str = "Category 55") -> str:  # fmt: skip
    """One update row as the event log writes it: `?` in every blank cell."""
    done = state in ("Resolved", "Closed")
    return ",".join([
        number, state, "false" if done else "true", str(reassigned), "0", str(mod), "true" if sla else "false",
        "Caller 2403", "Opened by 8", opened, "Created by 6", "?", "Updated by 21", updated, "Phone", "Location 143",
        category, "Subcategory 170", "Symptom 72", "2 - Medium", "2 - Medium", priority, "Group 56",
        "Resolver 89" if done else "?", "true", "false", "Do Not Notify", "?", "?", "?", "?",
        "code 5" if done else "?", "Resolved by 149" if done else "?", resolved, closed,
    ])  # fmt: skip


P1, P2, P3, P4 = "1 - Critical", "2 - High", "3 - Moderate", "4 - Low"
# Seven of Blaby's incidents, 24 update rows. The closing time is on every row of a ticket that was closed, as in
# the public log; the resolving time appears once the ticket is resolved. Row numbers (the file's) in the comments.
ROWS = [
    update("INC0001", "New", 0, 0, True, "1/4/2025 9:00", "1/4/2025 9:00", P1, closed="4/4/2025 12:00"),  # 2
    update("INC0001", "Active", 1, 1, True, "1/4/2025 9:00", "1/4/2025 10:00", P1, closed="4/4/2025 12:00"),
    update(
        "INC0001", "Resolved", 2, 1, False, "1/4/2025 9:00", "1/4/2025 15:00", P1, "1/4/2025 15:00", "4/4/2025 12:00"
    ),
    update("INC0001", "Closed", 3, 1, False, "1/4/2025 9:00", "4/4/2025 12:00", P1, "1/4/2025 15:00", "4/4/2025 12:00"),
    update("INC0002", "New", 0, 0, True, "10/5/2025 8:00", "10/5/2025 8:00", P1, closed="13/5/2025 10:00"),  # 6
    update(
        "INC0002", "Resolved", 1, 0, True, "10/5/2025 8:00", "10/5/2025 10:00", P1, "10/5/2025 10:00", "13/5/2025 10:00"
    ),
    update(
        "INC0002", "Closed", 2, 0, True, "10/5/2025 8:00", "13/5/2025 10:00", P1, "10/5/2025 10:00", "13/5/2025 10:00"
    ),
    # INC0003: resolved, never closed; its first update after its latest in the file (the count decides).
    update("INC0003", "New", 0, 0, True, "15/4/2025 10:00", "15/4/2025 10:00", P3),  # 9
    update("INC0003", "Active", 2, 2, False, "15/4/2025 10:00", "16/4/2025 9:30", P3),
    update("INC0003", "Resolved", 3, 2, False, "15/4/2025 10:00", "17/4/2025 10:00", P3, "17/4/2025 10:00"),  # 11
    update("INC0003", "Active", 1, 1, True, "15/4/2025 10:00", "15/4/2025 11:00", P3),
    update("INC0004", "New", 0, 0, True, "20/4/2025 9:00", "20/4/2025 9:00", P2, closed="23/4/2025 17:00"),  # 13
    update(
        "INC0004", "Resolved", 1, 0, True, "20/4/2025 9:00", "20/4/2025 17:00", P2, "20/4/2025 17:00", "23/4/2025 17:00"
    ),
    update(
        "INC0004", "Closed", 2, 0, True, "20/4/2025 9:00", "23/4/2025 17:00", P2, "20/4/2025 17:00", "23/4/2025 17:00"
    ),
    update("INC0005", "New", 0, 0, True, "25/6/2025 9:00", "25/6/2025 9:00", P3, closed="5/7/2025 9:00"),  # 16
    update("INC0005", "Active", 1, 1, True, "25/6/2025 9:00", "30/6/2025 16:45", P3, closed="5/7/2025 9:00"),
    update("INC0005", "Resolved", 2, 1, False, "25/6/2025 9:00", "2/7/2025 9:00", P3, "2/7/2025 9:00", "5/7/2025 9:00"),
    update("INC0005", "Closed", 3, 1, False, "25/6/2025 9:00", "5/7/2025 9:00", P3, "2/7/2025 9:00", "5/7/2025 9:00"),
    # INC0006: still open; two updates share count 1, and the later update time decides.
    update("INC0006", "New", 0, 0, True, "22/5/2025 0:00", "22/5/2025 0:00", P4),  # 20
    update("INC0006", "Awaiting User Info", 1, 0, True, "22/5/2025 0:00", "24/5/2025 9:00", P4, category="?"),  # 21
    update("INC0006", "Active", 1, 0, True, "22/5/2025 0:00", "23/5/2025 8:15", P4),
    update("INC0007", "New", 0, 0, True, "3/7/2025 9:00", "3/7/2025 9:00", P2, closed="6/7/2025 13:00"),  # 23
    update(
        "INC0007", "Resolved", 1, 0, True, "3/7/2025 9:00", "3/7/2025 13:00", P2, "3/7/2025 13:00", "6/7/2025 13:00"
    ),
    update("INC0007", "Closed", 2, 0, True, "3/7/2025 9:00", "6/7/2025 13:00", P2, "3/7/2025 13:00", "6/7/2025 13:00"),
]
EVENTS = "\n".join([HEADER, *ROWS]) + "\n"

# Worked out by hand from each ticket's latest update (rows 5, 8, 11, 15, 19, 21 and 25).
# 2025/26 Q1 (April to June): tickets 1-6 logged (ICT01 = 6), two of them priority 1 (ICT06 = 2).
#   Fixed in Q1: 1 (6 h, missed SLA, reassigned once), 2 (2 h, met, none), 3 (48 h, missed, twice), 4 (8 h, met,
#   none). 5 was resolved on 2 July; 6 is open. ICT02 = 2 of 4 = 50%; ICT03 = 2 of 4 = 50%; ICT04 = (6 + 2) / 2 = 4.
# 2025/26 Q2 (July to September): ticket 7 logged (ICT01 = 1, ICT06 = 0). Fixed in Q2: 5 (168 h, missed, once) and
#   7 (4 h, met, none): ICT02 = 50%, ICT03 = 50%; no priority 1 fixed, so ICT04 is a blank with a note.
# Each ticket's first update instead (what keeping the first row gave): 1, 2 and 4 count as fixed at their closing
# times in Q1, all within SLA and never reassigned: ICT02 = ICT03 = 100%, ICT04 = (75 + 74) / 2 = 74.5 hours.
NO_P1 = "No priority 1 incidents were resolved in the quarter, so the service desk export gives no figure."
LATEST = [
    ("2025/26 Q1", "ICT01", 6.0),
    ("2025/26 Q1", "ICT02", 50.0),
    ("2025/26 Q1", "ICT03", 50.0),
    ("2025/26 Q1", "ICT04", 4.0),
    ("2025/26 Q1", "ICT06", 2.0),
    ("2025/26 Q2", "ICT01", 1.0),
    ("2025/26 Q2", "ICT02", 50.0),
    ("2025/26 Q2", "ICT03", 50.0),
    ("2025/26 Q2", "ICT04", None),
    ("2025/26 Q2", "ICT06", 0.0),
]
FOLD = "7 tickets from 24 update rows: each ticket's latest update is used"
MISSING = tickets.Options(partner="BDC", missing="?")


def kpis(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    """Blaby's figures held now of the KPIs that tickets feed, 2025/26 Q1 and Q2."""
    return con.execute(
        "SELECT period, kpi_code, value FROM measurement WHERE partner_code = 'BDC' "
        "AND kpi_code IN ('ICT01', 'ICT02', 'ICT03', 'ICT04', 'ICT06') AND period IN ('2025/26 Q1', '2025/26 Q2') "
        "ORDER BY period, kpi_code"
    ).fetchall()


def last_submission(db: Path) -> int:
    with store.connect(db, read_only=True) as con:
        return int(con.execute("SELECT max(id) FROM core.submission").fetchall()[0][0])


def without_columns(text: str, *names: str) -> str:
    """The export with some of its columns taken out (the event log as a plain export)."""
    lines = [line.split(",") for line in text.splitlines()]
    keep = [i for i, name in enumerate(lines[0]) if name not in names]
    return "\n".join(",".join(cells[i] for i in keep) for cells in lines) + "\n"


# --- the latest update of each ticket ------------------------------------------------------------------------


def test_each_tickets_latest_update_gives_the_figures_worked_out_by_hand(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    done = run(con, write(tmp_path, "events.csv", EVENTS), options=MISSING)
    assert (done.rows_read, done.new, done.changed, done.unchanged, done.left_out) == (24, 7, 0, 0, 0)
    assert done.message() == (
        f"events.csv: {FOLD}; 7 new tickets, 0 changed, 0 unchanged. 9 KPI figures for 2025/26 Q1, 2025/26 Q2 "
        f"submitted as submission {done.submission_id}, for the performance lead to approve"
    )
    assert kpis(con) == LATEST
    assert con.execute(
        "SELECT note FROM measurement WHERE partner_code = 'BDC' AND kpi_code = 'ICT04' AND period = '2025/26 Q2'"
    ).fetchall() == [(NO_P1,)]
    # Each ticket is stored as its latest update: the row with the most updates, then the latest update time.
    assert con.execute(
        "SELECT number, row_number, state, reassignments, made_sla, resolved_at, category FROM core.ticket "
        "ORDER BY number"
    ).fetchall() == [
        ("INC0001", 5, "Closed", 1, False, datetime(2025, 4, 1, 15), "Category 55"),
        ("INC0002", 8, "Closed", 0, True, datetime(2025, 5, 10, 10), "Category 55"),
        ("INC0003", 11, "Resolved", 2, False, datetime(2025, 4, 17, 10), "Category 55"),
        ("INC0004", 15, "Closed", 0, True, datetime(2025, 4, 20, 17), "Category 55"),
        ("INC0005", 19, "Closed", 1, False, datetime(2025, 7, 2, 9), "Category 55"),
        ("INC0006", 21, "Awaiting User Info", 0, True, None, None),  # ? read as blank
        ("INC0007", 25, "Closed", 0, True, datetime(2025, 7, 3, 13), "Category 55"),
    ]
    assert con.execute("SELECT format, rows_read, bad_rows FROM core.ticket_import").fetchall() == [
        ("ServiceNow", 24, 0)
    ]


def test_the_rows_are_read_the_same_in_any_order(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    done = run(con, write(tmp_path, "events.csv", "\n".join([HEADER, *reversed(ROWS)]) + "\n"), options=MISSING)
    assert (done.new, done.left_out) == (7, 0)
    assert kpis(con) == LATEST
    assert con.execute("SELECT state FROM core.ticket WHERE number = 'INC0006'").fetchall() == [("Awaiting User Info",)]


def test_the_command_imports_an_event_log(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "events.csv", EVENTS)
    dry = charter(demo_db, "tickets", "events.csv", "--partner", "BDC", "--missing", "?", "--dry-run", cwd=tmp_path)
    assert (dry.returncode, dry.stderr) == (0, "")
    assert dry.stdout == f"events.csv: ServiceNow export, 24 rows, 7 good, 0 bad (dry run: nothing stored)\n{FOLD}\n"
    done = charter(demo_db, "tickets", "events.csv", "--partner", "BDC", "--missing", "?", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        f"events.csv: {FOLD}; 7 new tickets, 0 changed, 0 unchanged. 9 KPI figures for 2025/26 Q1, 2025/26 Q2 "
        f"submitted as submission {last_submission(demo_db)}, for the performance lead to approve\n"
    )
    with store.connect(demo_db, read_only=True) as con:
        assert kpis(con) == LATEST


# --- ? for blank ---------------------------------------------------------------------------------------------

# Without --missing, the latest updates of 3 (never closed) and 6 (open) have ? for a date.
UNREAD = [
    "events.csv: '?' stands for a blank in 2 rows; if it marks a blank cell, import with --missing \"?\" "
    "(nothing was imported)",
]


@pytest.mark.parametrize("skip", [[], ["--skip-bad-rows"]])
def test_question_marks_without_missing_are_refused_with_a_plain_message(
    demo_db: Path, tmp_path: Path, skip: list[str]
) -> None:
    write(tmp_path, "events.csv", EVENTS)
    before = table_contents(demo_db)
    done = charter(demo_db, "tickets", "events.csv", "--partner", "BDC", *skip, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"charter tickets: {UNREAD[0]}\n"
    assert table_contents(demo_db) == before


def test_a_dry_run_names_the_question_marks(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "events.csv", EVENTS)
    done = charter(demo_db, "tickets", "events.csv", "--partner", "BDC", "--dry-run", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "\n".join([
        "events.csv: ServiceNow export, 24 rows, 5 good, 2 bad (dry run: nothing stored)",
        FOLD,
        "unreadable date: 2 rows (rows 11, 21)",
        "  events.csv:11:closed_at: '?' is not a date and time; write e.g. 2025-04-01 09:30 or 01/04/2025 09:30",
        "  events.csv:21:resolved_at: '?' is not a date and time; write e.g. 2025-04-01 09:30 or 01/04/2025 09:30",
        "2 tickets whose latest update is bad: a ticket left out is left out whole, never read from an earlier update",
        "'?' stands for a blank in 2 rows; if it marks a blank cell, import with --missing \"?\"",
    ]) + "\n"  # fmt: skip


def test_a_blank_missing_is_a_usage_error(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "events.csv", EVENTS)
    done = charter(demo_db, "tickets", "events.csv", "--partner", "BDC", "--missing", " ", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == 'charter tickets: --missing needs the text that marks a blank cell, e.g. --missing "?"\n'


# --- no skip option keeps a stale row ------------------------------------------------------------------------

# INC0008's first update is good; its latest has a resolving time that is no date (there is no 31 June).
STALE = EVENTS + "\n".join([
    update("INC0008", "New", 0, 0, True, "5/6/2025 9:00", "5/6/2025 9:00", P3, closed="9/6/2025 9:00"),  # 26
    update("INC0008", "Resolved", 1, 0, True, "5/6/2025 9:00", "6/6/2025 10:00", P3, "31/6/2025 10:00",
           "9/6/2025 9:00"),  # 27
]) + "\n"  # fmt: skip


def test_a_ticket_whose_latest_update_is_bad_is_refused(demo_db: Path, tmp_path: Path) -> None:
    write(tmp_path, "stale.csv", STALE)
    before = table_contents(demo_db)
    done = charter(demo_db, "tickets", "stale.csv", "--partner", "BDC", "--missing", "?", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "\n".join([
        "stale.csv: 1 bad rows; nothing was imported.",
        "unreadable date: 1 row (row 27)",
        "  stale.csv:27:resolved_at: '31/6/2025 10:00' is not a date and time; write e.g. 2025-04-01 09:30 or "
        "01/04/2025 09:30",
        "1 ticket whose latest update is bad: a ticket left out is left out whole, never read from an earlier update",
        "Correct those rows and import the file again, or use --skip-bad-rows to leave them out (what is left out "
        "is recorded).",
    ]) + "\n"  # fmt: skip
    assert table_contents(demo_db) == before


def test_skipping_leaves_out_a_ticket_whose_latest_update_is_bad_not_its_earlier_update(
    demo_db: Path, tmp_path: Path
) -> None:
    write(tmp_path, "stale.csv", STALE)
    done = charter(demo_db, "tickets", "stale.csv", "--partner", "BDC", "--missing", "?", "--skip-bad-rows",
                   cwd=tmp_path)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "stale.csv: 8 tickets from 26 update rows: each ticket's latest update is used; 7 new tickets, 0 changed, "
        "0 unchanged; 1 bad rows left out (recorded with import 1): 1 ticket left out because its latest update was "
        f"bad. 9 KPI figures for 2025/26 Q1, 2025/26 Q2 submitted as submission {last_submission(demo_db)}, for "
        "the performance lead to approve\n"
    )
    with store.connect(demo_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.ticket WHERE number = 'INC0008'").fetchall() == [(0,)]
        assert kpis(con) == LATEST  # had INC0008's first update been kept, Q1 would count 7 tickets
        assert con.execute("SELECT row_number, reason, field, number FROM core.ticket_bad_row").fetchall() == [
            (27, "unreadable date", "resolved", "INC0008")
        ]


def test_an_unreadable_update_count_leaves_its_ticket_out_too(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # The second update's count cannot be read, so it may be the latest: the ticket is left out, not read from
    # its first update.
    odd = update("INC0008", "Resolved", 1, 0, True, "5/6/2025 9:00", "6/6/2025 10:00", P3, "6/6/2025 10:00",
                 "9/6/2025 9:00").replace(",1,true,", ",one,true,", 1)  # fmt: skip
    first = update("INC0008", "New", 0, 0, True, "5/6/2025 9:00", "5/6/2025 9:00", P3, closed="9/6/2025 9:00")
    path = write(tmp_path, "odd.csv", EVENTS + first + "\n" + odd + "\n")
    found = tickets.check(con, path, "odd.csv", MISSING)
    assert (found.tickets, found.good, found.stale) == (8, 7, 1)
    assert found.lines()[:2] == [
        "unreadable value: 1 row (row 27)",
        "  odd.csv:27:sys_mod_count: 'one' is not a whole number of updates",
    ]
    done = run(con, path, options=MISSING, skip_bad_rows=True)
    assert (done.new, done.left_out, done.stale) == (7, 1, 1)
    assert kpis(con) == LATEST


def test_a_plain_export_keeps_each_tickets_first_row_and_says_so(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Without an update count or time, rows are not updates: a repeated number keeps today's rule (the first row
    # is used), and the message says how many rows that left out. Its figures are the first updates'.
    plain = without_columns(EVENTS, "sys_mod_count", "sys_updated_at")
    done = run(con, write(tmp_path, "plain.csv", plain), options=MISSING, skip_bad_rows=True)
    assert done.message() == (
        "plain.csv: 24 rows read; 7 new tickets, 0 changed, 0 unchanged; 17 bad rows left out (recorded with import "
        "1), of which 17 repeat a ticket number given earlier (each ticket's first row is used). 9 KPI figures for "
        f"2025/26 Q1, 2025/26 Q2 submitted as submission {done.submission_id}, for the performance lead to approve"
    )
    held = dict(((period, kpi), value) for period, kpi, value in kpis(con))
    assert (held["2025/26 Q1", "ICT02"], held["2025/26 Q1", "ICT03"], held["2025/26 Q1", "ICT04"]) == (
        100.0,
        100.0,
        74.5,
    )


# --- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29/2/2016 01:16", datetime(2016, 2, 29, 1, 16)),
        ("1/3/2016 9:05", datetime(2016, 3, 1, 9, 5)),
        ("01/04/2025 09:30", datetime(2025, 4, 1, 9, 30)),
        ("31/12/2025 23:59:59", datetime(2025, 12, 31, 23, 59, 59)),
        ("2025-04-01 09:30", datetime(2025, 4, 1, 9, 30)),
        ("2/29/2016 01:16", None),  # month first: not read as a date
        ("31/6/2025 10:00", None),
    ],
)
def test_day_first_dates_without_leading_zeros(
    con: duckdb.DuckDBPyConnection, text: str, expected: datetime | None
) -> None:
    con.execute(read_sql("tickets_macros"))
    assert con.execute("SELECT ticket_time($t)", {"t": text}).fetchall() == [(expected,)]


def test_month_first_dates_are_refused_plainly(demo_db: Path, tmp_path: Path) -> None:
    # The same log written month first (US style): 13/5 becomes 5/13, and no day past 12 comes first anywhere.
    write(tmp_path, "us.csv", re.sub(r",(\d{1,2})/(\d{1,2})/2025", r",\2/\1/2025", EVENTS))
    before = table_contents(demo_db)
    done = charter(demo_db, "tickets", "us.csv", "--partner", "BDC", "--missing", "?", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "charter tickets: us.csv:6:closed_at: '5/13/2025 10:00' is written month first (US style), and no date in "
        "the file is written day first; Charter reads day-first dates (29/2/2016 01:16) and ISO ones (2016-02-29 "
        "01:16): export the dates in one of those forms\n"
    )
    assert table_contents(demo_db) == before


def test_a_day_past_12_in_first_place_settles_the_file_as_day_first(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # One date written month first in a day-first file is a bad row of its own, not a reason to refuse the file.
    # (INC0005's latest update: a time that cannot be read may be the latest, so the ticket is bad.)
    odd = write(tmp_path, "odd.csv", EVENTS.replace("Updated by 21,5/7/2025 9:00,", "Updated by 21,7/13/2025 9:00,"))
    found = tickets.check(con, odd, "odd.csv", MISSING)
    assert found.lines() == [
        "unreadable date: 1 row (row 19)",
        "  odd.csv:19:sys_updated_at: '7/13/2025 9:00' is not a date and time; write e.g. 2025-04-01 09:30 or "
        "01/04/2025 09:30",
        "1 ticket whose latest update is bad: a ticket left out is left out whole, never read from an earlier update",
    ]


# --- the ICT page --------------------------------------------------------------------------------------------


def blanks(app: AppTest) -> list[str]:
    return [w.value for w in app.warning if "stands for a blank" in w.value]


def test_the_ict_page_takes_a_blank_marker(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    app.session_state["actor"] = Actor("lead@example.org", Role.ADMIN)
    app.run()
    app.switch_page("app_pages/ict.py").run()
    assert app.text_input(key="ict_missing").value == ""
    app.selectbox(key="ict_partner").select("BDC").run()
    app.get("file_uploader")[0].set_value(("events.csv", EVENTS.encode("utf-8"), "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    assert "**events.csv**: ServiceNow export · 24 rows · 5 tickets can be imported · 2 bad rows" in [
        m.value for m in app.markdown
    ]
    assert FOLD in [c.value for c in app.caption]
    assert blanks(app) == [
        "`?` stands for a blank in 2 rows: if it marks a blank cell, write it under “Blank cells are written as”."
    ]
    assert next(b for b in app.button if b.label == "Import these tickets").disabled
    app.text_input(key="ict_missing").input("?").run()
    assert "**events.csv**: ServiceNow export · 24 rows · 7 tickets can be imported · 0 bad rows" in [
        m.value for m in app.markdown
    ]
    assert blanks(app) == []
    next(b for b in app.button if b.label == "Import these tickets").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.success[0].value.startswith(f"events.csv: {FOLD}; 7 new tickets, 0 changed, 0 unchanged. 9 KPI")
    with store.connect(demo_db, read_only=True) as con:
        assert kpis(con) == LATEST
