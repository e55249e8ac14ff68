"""Quarterly metric files (docs/file-contract.md): every rule, its exact message, encodings, XLSX and ODS."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from metrics import ingest, store, submissions
from metrics.access import Actor
from metrics.ingest import Catalogue, CheckResult, check_file
from tests.conftest import AS_OF, libreoffice

HEADER = "partner,period,kpi,value,note\n"
ALL_KPIS = "DS01, DS02, DS03, DS04, DS05, DS06, DS07, DS08, DS09, DS10, ..."
NOT_A_NUMBER = "is not a number; write the figure alone, e.g. 72.5, 72.5%, 1,234 or £1,234"
OTHER_DIGITS = "has digits other than 0 to 9; write the figure with the digits 0 to 9, e.g. 72.5"
NEED_COLUMNS = "it must name the columns partner, period, kpi and value (note is optional)"


@pytest.fixture(scope="module")
def cat(_demo_template: Path) -> Catalogue:
    """The demo partnership's partners and KPIs, with "today" at AS_OF."""
    with store.connect(_demo_template, read_only=True) as con:
        return submissions.catalogue(con, AS_OF)


def check(text: str | bytes, cat: Catalogue, name: str = "figures.csv") -> CheckResult:
    return check_file(text.encode("utf-8") if isinstance(text, str) else text, name, cat)


def problems(text: str | bytes, cat: Catalogue, name: str = "figures.csv") -> list[str]:
    result = check(text, cat, name)
    assert result.figures == [], "a file with problems must give no figures at all"
    return [str(p) for p in result.problems]


def figures(text: str | bytes, cat: Catalogue, name: str = "figures.csv") -> list[tuple[object, ...]]:
    result = check(text, cat, name)
    assert result.problems == []
    return [(f.partner_code, str(f.period), f.kpi_code, f.value, f.note) for f in result.figures]


# --- one row, one rule -------------------------------------------------------------------------------

REFUSED = [
    # partner
    ("XYZ,2025/26 Q1,DS01,72.5,", "2:partner: 'XYZ' is not a partner; use one of HBBC, BDC, MBC, OWBC"),
    (",2025/26 Q1,DS01,72.5,", "2:partner: the partner is blank; write the council's code, e.g. HBBC"),
    ("Blaby,2025/26 Q1,DS01,72.5,", "2:partner: 'Blaby' is not a partner; use one of HBBC, BDC, MBC, OWBC"),
    # a partner outside its membership
    (
        "OWBC,2025/26 Q1,DS01,72.5,",
        "2:period: Oadby & Wigston Borough Council was not a partner in 2025/26 Q1 (it left on 31 December 2021)",
    ),
    (
        "Oadby & Wigston Borough Council,2021/22 Q4,DS01,72.5,",
        "2:period: Oadby & Wigston Borough Council was not a partner in 2021/22 Q4 (it left on 31 December 2021)",
    ),
    (
        "MBC,2012/13 Q3,DS01,72.5,",
        "2:period: Melton Borough Council was not a partner in 2012/13 Q3 (it joined on 31 January 2013)",
    ),
    # KPI
    ("HBBC,2025/26 Q1,XX99,72.5,", f"2:kpi: 'XX99' is not a KPI code; use one of {ALL_KPIS}"),
    ("HBBC,2025/26 Q1,,72.5,", "2:kpi: the KPI code is blank; write the code from the template, e.g. DS01"),
    # period spellings
    (
        "HBBC,2025 Q1,DS01,72.5,",
        "2:period: '2025 Q1' is ambiguous: a single year does not say which financial year; "
        "write 2025/26 Q1 or 2024/25 Q1 (financial years run April to March)",
    ),
    (
        "HBBC,2025/27 Q1,DS01,72.5,",
        "2:period: '2025/27 Q1' is not a financial year: it must end the year after it starts, e.g. 2025/26 Q1",
    ),
    (
        "HBBC,2025/26 Q5,DS01,72.5,",
        "2:period: '2025/26 Q5' names quarter 5; quarters run Q1 to Q4, e.g. 2025/26 Q1",
    ),
    (
        "HBBC,last quarter,DS01,72.5,",
        "2:period: 'last quarter' is not a period we can read; write it as 2025/26 Q1 (also 2025-26 Q1, "
        "Q1 2025/26, FY2025/26 Q1, 2025/2026 Q1), or 2025/26 for a whole year",
    ),
    (
        "HBBC,,DS01,72.5,",
        "2:period: a period is needed; write it as 2025/26 Q1 (also 2025-26 Q1, Q1 2025/26, FY2025/26 Q1, "
        "2025/2026 Q1), or 2025/26 for a whole year",
    ),
    # the future, and a quarter not yet over (today is 20 November 2025, in 2025/26 Q3)
    ("HBBC,2025/26 Q3,DS01,1,", "2:period: 2025/26 Q3 ends on 31 December 2025; send its figures after that"),
    ("HBBC,2025/26 Q4,DS01,72.5,", "2:period: 2025/26 Q4 ends on 31 March 2026; send its figures after that"),
    ("HBBC,2025/26,FIN02,100,", "2:period: 2025/26 ends on 31 March 2026; send its figures after that"),
    ("HBBC,2026/27,FIN02,100,", "2:period: 2026/27 ends on 31 March 2027; send its figures after that"),
    # digits other than 0 to 9 in a period
    (
        "HBBC,٢٠٢٥/26 Q1,DS01,1,",
        "2:period: '٢٠٢٥/26 Q1' has digits other than 0 to 9; write it with the digits 0 to 9, e.g. 2025/26 Q1",
    ),
    (
        "HBBC,2025/26 Q１,DS01,1,",
        "2:period: '2025/26 Q１' has digits other than 0 to 9; write it with the digits 0 to 9, e.g. 2025/26 Q1",
    ),
    # quarterly and annual KPIs
    (
        "HBBC,2024/25 Q4,FIN02,1000,",
        "2:period: FIN02 is reported yearly; write the period as a whole year such as 2024/25",
    ),
    (
        "HBBC,2024/25,DS01,72.5,",
        "2:period: DS01 is reported quarterly; write the period as a quarter such as 2024/25 Q1",
    ),
    # values that are not numbers
    ("HBBC,2025/26 Q1,DS01,about 70,", f"2:value: 'about 70' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS01,n/a,", f"2:value: 'n/a' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS01,72.5.1,", f"2:value: '72.5.1' {NOT_A_NUMBER}"),
    ('HBBC,2025/26 Q1,DS04,"1,23",', f"2:value: '1,23' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS01,-,", f"2:value: '-' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS04,5 5,", f"2:value: '5 5' {NOT_A_NUMBER}"),
    ('HBBC,2025/26 Q1,DS04,"1 234",', f"2:value: '1 234' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS01,£%5%,", f"2:value: '£%5%' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS01,5%%,", f"2:value: '5%%' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,FIN01,££5,", f"2:value: '££5' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,FIN01,--5,", f"2:value: '--5' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS01,1e2,", f"2:value: '1e2' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS01,nan,", f"2:value: 'nan' {NOT_A_NUMBER}"),
    ("HBBC,2025/26 Q1,DS01,5.,", f"2:value: '5.' {NOT_A_NUMBER}"),
    # digits of other scripts, which Python's float() would read
    ("HBBC,2025/26 Q1,DS04,٥,", f"2:value: '٥' {OTHER_DIGITS}"),
    ("HBBC,2025/26 Q1,DS04,５,", f"2:value: '５' {OTHER_DIGITS}"),
    ('HBBC,2025/26 Q1,DS04,"1,２34",', f"2:value: '1,２34' {OTHER_DIGITS}"),
    # a sign that does not fit the KPI's unit
    (
        "HBBC,2025/26 Q1,DS04,45%,",
        "2:value: '45%' has a % sign, but DS04 (Customer portal accounts) is a count, not a percentage; "
        "write the figure without it",
    ),
    (
        "HBBC,2025/26 Q1,ICT04,4.5%,",
        "2:value: '4.5%' has a % sign, but ICT04 (Average time to fix priority 1 incidents) is a number of "
        "hours, not a percentage; write the figure without it",
    ),
    (
        "HBBC,2025/26 Q1,FIN01,12%,",
        "2:value: '12%' has a % sign, but FIN01 (ICT cost per active user) is an amount of money, not a "
        "percentage; write the figure without it",
    ),
    (
        "HBBC,2025/26 Q1,DS01,£72,",
        "2:value: '£72' has a £ sign, but DS01 (Transactions completed online) is a percentage, not an amount "
        "of money; write the figure without it",
    ),
    # values out of range
    (
        "HBBC,2025/26 Q1,DS02,101,",
        "2:value: 101% is outside the range for DS02 (Services available end to end online): "
        "it must be between 0% and 100%",
    ),
    (
        "HBBC,2025/26 Q1,DS02,-0.5%,",
        "2:value: -0.5% is outside the range for DS02 (Services available end to end online): "
        "it must be between 0% and 100%",
    ),
    (
        "HBBC,2025/26 Q1,DS04,-3,",
        "2:value: -3 is outside the range for DS04 (Customer portal accounts): it must be at least 0",
    ),
    (
        "HBBC,2025/26 Q1,ICT09,0.5,",
        "2:value: 0.5 is outside the range for ICT09 (User satisfaction with the ICT service): "
        "it must be between 1 and 5",
    ),
    (
        "HBBC,2025/26 Q1,ICT04,-1.5,",
        "2:value: -1.5 hours is outside the range for ICT04 (Average time to fix priority 1 incidents): "
        "it must be at least 0 hours",
    ),
    # a blank value needs a note
    (
        "HBBC,2025/26 Q1,DS01,,",
        "2:value: the value is blank; give the figure, or say in the note column why there is none",
    ),
    (
        "HBBC,2025/26 Q1,DS01,  ,   ",
        "2:value: the value is blank; give the figure, or say in the note column why there is none",
    ),
]


@pytest.mark.parametrize(("row", "expected"), REFUSED, ids=[e.split(":", 2)[2][:50] for _, e in REFUSED])
def test_a_row_breaking_a_rule_is_refused_with_the_exact_message(cat: Catalogue, row: str, expected: str) -> None:
    assert problems(HEADER + row + "\n", cat) == [f"figures.csv:{expected}"]


ACCEPTED = [
    # partners by code or by name, in any case
    ("HBBC,2025/26 Q1,DS01,72.5,", ("HBBC", "2025/26 Q1", "DS01", 72.5, None)),
    ("hbbc,2025/26 Q1,ds01,72.5,", ("HBBC", "2025/26 Q1", "DS01", 72.5, None)),
    ("Blaby District Council,2025/26 Q1,DS01,72.5,", ("BDC", "2025/26 Q1", "DS01", 72.5, None)),
    ("  blaby DISTRICT council ,2025/26 Q1,DS01,72.5,", ("BDC", "2025/26 Q1", "DS01", 72.5, None)),
    # a former partner, up to the day it left; a partner from the day it joined
    ("OWBC,2021/22 Q3,DS01,61,", ("OWBC", "2021/22 Q3", "DS01", 61.0, None)),
    ("MBC,2013/14 Q1,DS01,40,", ("MBC", "2013/14 Q1", "DS01", 40.0, None)),
    # every spelling of a period
    ("HBBC,2025-26 Q1,DS01,1,", ("HBBC", "2025/26 Q1", "DS01", 1.0, None)),
    ("HBBC,Q1 2025/26,DS01,1,", ("HBBC", "2025/26 Q1", "DS01", 1.0, None)),
    ("HBBC,FY2025/26 Q1,DS01,1,", ("HBBC", "2025/26 Q1", "DS01", 1.0, None)),
    ("HBBC,2025/2026 Q1,DS01,1,", ("HBBC", "2025/26 Q1", "DS01", 1.0, None)),
    # the last quarter that is over; an annual KPI takes a whole year
    ("HBBC,2025/26 Q2,DS01,1,", ("HBBC", "2025/26 Q2", "DS01", 1.0, None)),
    ("HBBC,2024/25,FIN02,5000,", ("HBBC", "2024/25", "FIN02", 5000.0, None)),
    # values as officers write them
    ("HBBC,2025/26 Q1,DS01,72.5%,", ("HBBC", "2025/26 Q1", "DS01", 72.5, None)),
    ('HBBC,2025/26 Q1,DS04,"1,234",', ("HBBC", "2025/26 Q1", "DS04", 1234.0, None)),
    ('HBBC,2025/26 Q1,FIN01,"£1,234",', ("HBBC", "2025/26 Q1", "FIN01", 1234.0, None)),
    ('HBBC,2025/26 Q1,FIN01,"£1,234.50",', ("HBBC", "2025/26 Q1", "FIN01", 1234.5, None)),
    ("HBBC,2025/26 Q1,DS01, 72.5 ,", ("HBBC", "2025/26 Q1", "DS01", 72.5, None)),
    ("HBBC,2025/26 Q1,DS02,100,", ("HBBC", "2025/26 Q1", "DS02", 100.0, None)),
    ("HBBC,2025/26 Q1,DS02,0,", ("HBBC", "2025/26 Q1", "DS02", 0.0, None)),
    ("HBBC,2025/26 Q1,DS02,72.5 %,", ("HBBC", "2025/26 Q1", "DS02", 72.5, None)),
    ("HBBC,2025/26 Q1,DS01,.5,", ("HBBC", "2025/26 Q1", "DS01", 0.5, None)),
    ("HBBC,2025/26 Q1,DS01,+5%,", ("HBBC", "2025/26 Q1", "DS01", 5.0, None)),
    ('HBBC,2025/26 Q1,DS04,"12,345,678",', ("HBBC", "2025/26 Q1", "DS04", 12345678.0, None)),
    ('HBBC,2025/26 Q1,FIN01,"-£1,234",', ("HBBC", "2025/26 Q1", "FIN01", -1234.0, None)),
    ("HBBC,2025/26 Q1,ICT09,4.5,", ("HBBC", "2025/26 Q1", "ICT09", 4.5, None)),
    # a blank value with a note saying why
    (
        "HBBC,2025/26 Q1,DS01,,System being replaced",
        ("HBBC", "2025/26 Q1", "DS01", None, "System being replaced"),
    ),
]


@pytest.mark.parametrize(("row", "expected"), ACCEPTED, ids=[r for r, _ in ACCEPTED])
def test_a_good_row_is_read_as_the_officer_meant_it(cat: Catalogue, row: str, expected: tuple[object, ...]) -> None:
    assert figures(HEADER + row + "\n", cat) == [expected]


# --- the file as a whole -----------------------------------------------------------------------------


def test_every_problem_is_reported_at_once_in_row_order(cat: Catalogue) -> None:
    text = HEADER + (
        "HBBC,2025/26 Q1,DS01,72.5,\nXYZ,2025 Q1,DS99,lots,\nBDC,2025/26 Q1,DS01,70,\nMBC,2025/26 Q1,DS02,,\n"
    )
    assert problems(text, cat) == [
        "figures.csv:3:kpi: 'DS99' is not a KPI code; use one of " + ALL_KPIS,
        "figures.csv:3:partner: 'XYZ' is not a partner; use one of HBBC, BDC, MBC, OWBC",
        "figures.csv:3:period: '2025 Q1' is ambiguous: a single year does not say which financial year; "
        "write 2025/26 Q1 or 2024/25 Q1 (financial years run April to March)",
        f"figures.csv:3:value: 'lots' {NOT_A_NUMBER}",
        "figures.csv:5:value: the value is blank; give the figure, or say in the note column why there is none",
    ]


def test_one_figure_per_partner_period_and_kpi_names_the_first_row(cat: Catalogue) -> None:
    text = HEADER + (
        "HBBC,2025/26 Q1,DS01,72.5,\n"
        "HBBC,2025/26 Q1,DS02,50,\n"
        "hbbc,Q1 2025/26,ds01,73,\n"  # the same figure, spelt differently
        "Hinckley & Bosworth Borough Council,2025-26 Q1,DS01,74,\n"
        "BDC,2025/26 Q1,DS01,70,\n"  # another partner: fine
        "HBBC,2025/26 Q2,DS01,75,\n"  # another period: fine
    )
    again = "DS01 for HBBC in 2025/26 Q1 is already given on row 2; keep one figure per partner, period and KPI"
    assert problems(text, cat) == [f"figures.csv:4:kpi: {again}", f"figures.csv:5:kpi: {again}"]


def test_row_numbers_are_as_the_spreadsheet_shows_them_after_blank_rows(cat: Catalogue) -> None:
    text = ",,,,\n\npartner,period,kpi,value,note\nHBBC,2025/26 Q1,DS01,72.5,\n\nXYZ,2025/26 Q1,DS01,1,\n"
    assert problems(text, cat) == ["figures.csv:6:partner: 'XYZ' is not a partner; use one of HBBC, BDC, MBC, OWBC"]


def test_a_note_over_two_lines_is_still_one_row(cat: Catalogue) -> None:
    text = HEADER + 'HBBC,2025/26 Q1,DS01,72.5,"First line\nsecond line"\nXYZ,2025/26 Q1,DS02,1,\n'
    assert problems(text, cat) == ["figures.csv:3:partner: 'XYZ' is not a partner; use one of HBBC, BDC, MBC, OWBC"]
    good = HEADER + 'HBBC,2025/26 Q1,DS01,72.5,"First line\nsecond line"\n'
    assert figures(good, cat) == [("HBBC", "2025/26 Q1", "DS01", 72.5, "First line\nsecond line")]


def test_columns_in_any_order_and_case_with_helper_columns_ignored(cat: Catalogue) -> None:
    text = (
        "KPI Name,Value,kpi,Unit,NOTE,Period,Partner,Last value,Target\n"
        "Transactions completed online,72.5,DS01,%,Up,2025/26 Q1,HBBC,70,71\n"
        'Customer portal accounts,"1,234",DS04,count,,2025/26 Q1,HBBC,1200,\n'
    )
    assert figures(text, cat) == [
        ("HBBC", "2025/26 Q1", "DS01", 72.5, "Up"),
        ("HBBC", "2025/26 Q1", "DS04", 1234.0, None),
    ]


def test_text_split_off_by_an_unquoted_comma_is_refused_not_dropped(cat: Catalogue) -> None:
    text = "partner,period,kpi,value\nHBBC,2025/26 Q1,DS04,1,234\n"
    assert problems(text, cat) == [
        "figures.csv:2:column 5: '234' is under no column of the header row; put a figure or note that contains a "
        'comma in double quotes, e.g. "1,234"'
    ]
    text = HEADER + "HBBC,2025/26 Q1,DS01,72.5,Up on last quarter, thanks to new forms\n"
    assert problems(text, cat) == [
        "figures.csv:2:column 6: 'thanks to new forms' is under no column of the header row; put a figure or note "
        'that contains a comma in double quotes, e.g. "1,234"'
    ]
    # Empty cells past the header, as spreadsheets write them, are fine.
    assert figures(HEADER + "HBBC,2025/26 Q1,DS01,72.5,,,\n", cat) == [("HBBC", "2025/26 Q1", "DS01", 72.5, None)]


def test_the_note_column_is_optional(cat: Catalogue) -> None:
    assert figures("partner,period,kpi,value\nHBBC,2025/26 Q1,DS01,72.5\n", cat) == [
        ("HBBC", "2025/26 Q1", "DS01", 72.5, None)
    ]


def test_semicolon_separated_csv_is_read(cat: Catalogue) -> None:
    assert figures("partner;period;kpi;value\nHBBC;2025/26 Q1;DS01;72.5%\n", cat) == [
        ("HBBC", "2025/26 Q1", "DS01", 72.5, None)
    ]


HEADER_PROBLEMS = [
    (
        "partner,period,value,note\nHBBC,2025/26 Q1,72.5,\n",
        [f"figures.csv:1:kpi: the header row has no 'kpi' column; {NEED_COLUMNS}"],
    ),
    (
        "partner,period\nHBBC,2025/26 Q1\n",
        [f"figures.csv:1:kpi: the header row has no 'kpi' or 'value' columns; {NEED_COLUMNS}"],
    ),
    (
        "HBBC,2025/26 Q1,DS01,72.5\n",  # figures without a header row
        ["figures.csv:1:partner: the header row has no 'partner', 'period', 'kpi' or 'value' columns; " + NEED_COLUMNS],
    ),
    (
        "\n\nperiod,kpi,value\nHBBC,2025/26 Q1,72.5\n",  # the header is on row 3
        [f"figures.csv:3:partner: the header row has no 'partner' column; {NEED_COLUMNS}"],
    ),
    (
        "partner,period,kpi,value,Value\nHBBC,2025/26 Q1,DS01,72.5,73\n",
        ["figures.csv:1:Value: the column 'value' appears twice; keep only one"],
    ),
    ("", ["figures.csv:1:-: the file is empty; it needs a header row and at least one row of figures"]),
    (",,,\n\n  \n", ["figures.csv:1:-: the file is empty; it needs a header row and at least one row of figures"]),
    (HEADER, ["figures.csv:2:-: there are no figures under the header row"]),
    ("\n" + HEADER + ",,,,\n", ["figures.csv:3:-: there are no figures under the header row"]),
]


@pytest.mark.parametrize(("text", "expected"), HEADER_PROBLEMS)
def test_header_problems(cat: Catalogue, text: str, expected: list[str]) -> None:
    assert problems(text, cat) == expected


def test_a_file_of_the_wrong_type_is_refused(cat: Catalogue) -> None:
    assert problems(b"%PDF-1.4 figures", cat, "report.pdf") == [
        "report.pdf:1:-: a .pdf file cannot be read; save the figures as a CSV, XLSX or ODS file and send that"
    ]


def test_a_damaged_spreadsheet_is_refused(cat: Catalogue) -> None:
    [message] = problems(b"this is not a spreadsheet at all", cat, "figures.xlsx")
    assert message.startswith("figures.xlsx:1:-: the file cannot be opened as a spreadsheet (")
    assert message.endswith("); save it again as XLSX or ODS")


def test_a_binary_file_named_csv_is_refused(cat: Catalogue) -> None:
    assert problems(b"partner\x00period\x00", cat) == [
        "figures.csv:1:-: the file is not a text CSV file; save it from your spreadsheet as CSV, XLSX or ODS"
    ]


def test_an_oversized_file_is_refused(cat: Catalogue) -> None:
    small = replace(cat, max_bytes=1024)
    text = (HEADER + "HBBC,2025/26 Q1,DS01,72.5,\n").ljust(1536, "\n")
    assert problems(text, small) == [
        "figures.csv:1:-: the file is 1.5 KB, over the 1 KB limit; split it into smaller files"
    ]
    assert figures(text[:1024], small) == [("HBBC", "2025/26 Q1", "DS01", 72.5, None)]


def test_the_size_limit_is_the_configured_one(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_MAX_UPLOAD_MB", "1")
    with store.connect(demo_db, read_only=True) as con:
        limited = submissions.catalogue(con)
    text = (HEADER + "HBBC,2025/26 Q1,DS01,72.5,\n").ljust(1_572_864, "\n")
    assert problems(text, limited) == [
        "figures.csv:1:-: the file is 1.5 MB, over the 1 MB limit; split it into smaller files"
    ]


def test_an_officer_may_only_submit_for_their_own_council(cat: Catalogue) -> None:
    officer = replace(cat, allowed_partners={"HBBC"})
    text = HEADER + "HBBC,2025/26 Q1,DS01,72.5,\nBDC,2025/26 Q1,DS01,70,\nMelton Borough Council,2025/26 Q1,DS01,1,\n"
    assert problems(text, officer) == [
        "figures.csv:3:partner: you may only submit figures for HBBC, not BDC",
        "figures.csv:4:partner: you may only submit figures for HBBC, not MBC",
    ]
    assert figures(HEADER + "hbbc,2025/26 Q1,DS01,72.5,\n", officer) == [("HBBC", "2025/26 Q1", "DS01", 72.5, None)]
    two = replace(cat, allowed_partners={"HBBC", "BDC"})
    assert problems(HEADER + "MBC,2025/26 Q1,DS01,1,\n", two) == [
        "figures.csv:2:partner: you may only submit figures for BDC, HBBC, not MBC"
    ]


def test_a_blank_value_with_a_note_is_stored_as_no_figure(con: duckdb.DuckDBPyConnection) -> None:
    data = (HEADER + "HBBC,2025/26 Q3,DS01,,The system was being replaced\n").encode()
    result = check_file(data, "figures.csv", submissions.catalogue(con, date(2026, 1, 1)))  # the day Q3 is over
    [stored] = submissions.store_files(con, [(result, data)], by=Actor.administrator("officer"), source="test")
    assert con.execute(
        "SELECT value, note, approved FROM measurement WHERE partner_code = 'HBBC' AND kpi_code = 'DS01' "
        "AND period = '2025/26 Q3'"
    ).fetchall() == [(None, "The system was being replaced", False)]
    assert con.execute(
        "SELECT value, note FROM core.measurement WHERE submission_id = $s", {"s": stored.submission_id}
    ).fetchall() == [(None, "The system was being replaced")]


# --- encodings ---------------------------------------------------------------------------------------

NOTE = "Cost up by £1,200 – new licences"
TEXT = HEADER + f'HBBC,2025/26 Q1,FIN01,"£1,234","{NOTE}"\n'
EXPECTED = [("HBBC", "2025/26 Q1", "FIN01", 1234.0, NOTE)]


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("cp1252"),
        TEXT.replace("\n", "\r\n").encode("cp1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252", "windows-1252 CRLF"],
)
def test_encodings_as_excel_writes_them(cat: Catalogue, data: bytes) -> None:
    assert figures(data, cat) == EXPECTED


def test_a_bom_does_not_hide_the_first_column(cat: Catalogue) -> None:
    data = "partner,period,kpi,value\r\nHBBC,2025/26 Q1,DS01,72.5\r\n".encode("utf-8-sig")
    assert figures(data, cat) == [("HBBC", "2025/26 Q1", "DS01", 72.5, None)]


# --- spreadsheets, made by real LibreOffice ----------------------------------------------------------

SHEET_CSV = (
    "partner,period,kpi,value,note\n"
    'HBBC,2025/26 Q1,DS01,72.5%,"Up by 2.5 points – new forms, cost £1,200"\n'
    'HBBC,2025/26 Q1,DS04,"1,234",\n'
    'HBBC,2025/26 Q1,FIN01,"£1,234",\n'
    "HBBC,2025/26 Q1,ICT04,3.5,\n"
    "HBBC,2025/26 Q1,ICT09,4.1,\n"
    "HBBC,2024/25,FIN02,5000,\n"
    "HBBC,2025/26 Q1,DS02,,Not available: system migrated\n"
    "BDC,2025/26 Q1,DS07,12.25%,\n"
)
SHEET_FIGURES = [
    ("HBBC", "2025/26 Q1", "DS01", 72.5, "Up by 2.5 points – new forms, cost £1,200"),
    ("HBBC", "2025/26 Q1", "DS04", 1234.0, None),
    ("HBBC", "2025/26 Q1", "FIN01", 1234.0, None),
    ("HBBC", "2025/26 Q1", "ICT04", 3.5, None),
    ("HBBC", "2025/26 Q1", "ICT09", 4.1, None),
    ("HBBC", "2024/25", "FIN02", 5000.0, None),
    ("HBBC", "2025/26 Q1", "DS02", None, "Not available: system migrated"),
    ("BDC", "2025/26 Q1", "DS07", 12.25, None),
]
# Two blank rows and a blank column before the table, and a bad figure on spreadsheet row 5.
LATE_CSV = ",,,,\n,,,,\n,partner,period,kpi,value\n,HBBC,2025/26 Q1,DS01,72.5\n,XYZ,2025/26 Q1,DS01,70\n"


@pytest.fixture(scope="module")
def spreadsheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """CSV files turned into XLSX and ODS by LibreOffice (UTF-8, en-GB, numbers detected as a user types them)."""
    work = tmp_path_factory.mktemp("spreadsheets")
    profile = work / "lo-profile"
    sources = []
    for stem, text in (("figures", SHEET_CSV), ("late", LATE_CSV)):
        sources.append(work / f"{stem}.csv")
        sources[-1].write_text(text, encoding="utf-8")
    two = work / "two-sheets.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["Quarterly figures for Hinckley & Bosworth"])
    sheet = book.create_sheet("Figures")
    sheet.append(["partner", "period", "kpi", "value", "note"])
    sheet.append(["HBBC", "2025/26 Q1", "DS01", 72.5, None])
    sheet.append(["HBBC", "2025/26 Q1", "DS02", "61%", "typed as text"])
    book.save(two)
    options = "CSV:44,34,76,1,,2057,false,true,true"  # comma, quote, UTF-8, row 1, en-GB, detect special numbers
    out = {}
    for kind in ("xlsx", "ods"):
        for path in libreoffice(sources, kind, work / kind, profile, infilter=options):
            out[path.name] = path
    [two_ods] = libreoffice([two], "ods", work / "ods", profile)
    out[two.name], out[two_ods.name] = two, two_ods
    return out


@pytest.mark.parametrize("name", ["figures.xlsx", "figures.ods"])
def test_spreadsheets_from_libreoffice_give_the_same_figures_as_the_csv(
    cat: Catalogue, spreadsheets: dict[str, Path], name: str
) -> None:
    assert figures(SHEET_CSV, cat) == SHEET_FIGURES
    result = check(spreadsheets[name].read_bytes(), cat, name)
    assert [str(p) for p in result.problems] == []
    got = [(f.partner_code, str(f.period), f.kpi_code, f.value, f.note) for f in result.figures]
    # 72.5% typed into a cell is held as 0.725 in a percentage format: it must still be read as 72.5.
    assert got == SHEET_FIGURES
    assert result.notes == []


@pytest.mark.parametrize("name", ["late.xlsx", "late.ods"])
def test_spreadsheet_row_numbers_count_the_blank_rows_above(
    cat: Catalogue, spreadsheets: dict[str, Path], name: str
) -> None:
    assert problems(spreadsheets[name].read_bytes(), cat, name) == [
        f"{name}:5:partner: 'XYZ' is not a partner; use one of HBBC, BDC, MBC, OWBC"
    ]


@pytest.mark.parametrize("name", ["two-sheets.xlsx", "two-sheets.ods"])
def test_the_sheet_with_the_figures_is_read_and_named(cat: Catalogue, spreadsheets: dict[str, Path], name: str) -> None:
    result = check(spreadsheets[name].read_bytes(), cat, name)
    assert result.problems == []
    assert [(f.kpi_code, f.value, f.note, f.row) for f in result.figures] == [
        ("DS01", 72.5, None, 2),
        ("DS02", 61.0, "typed as text", 3),
    ]
    assert result.notes == [f"{name} has 2 sheets; read the sheet named 'Figures'."]


# --- hidden rows, merged cells, formulas, title rows (issue 4: nothing silently lost) ---------------


def _layout_book(path: Path) -> None:
    """As an officer might leave the template: a merged title, a header cell merged over two columns,
    a council merged down six rows (two past the figures), two rows hidden, and a formula in place of a figure."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Figures"
    sheet.append(["Quarterly figures for Hinckley & Bosworth"])
    sheet.append(["partner", "period", "kpi", "value", None, "note"])
    sheet.append(["HBBC", "2025/26 Q1", "DS01", "=70+2.5", None, "Worked out in the sheet"])
    sheet.append([None, "2025/26 Q1", "DS02", 61])
    sheet.append([None, "2025/26 Q1", "DS04", 1234])
    sheet.append([None, "2025/26 Q1", "DS07", 12.5])
    sheet.merge_cells("A1:F1")
    sheet.merge_cells("D2:E2")  # the header 'value' spans D and E; its text is in D, the figures are in D
    sheet.merge_cells("A3:A8")  # two rows further than the figures: those stay empty
    sheet.row_dimensions[5].hidden = True
    sheet.row_dimensions[6].hidden = True
    book.save(path)


def _errors_book(path: Path) -> None:
    """A formula that shows an error where a figure should be, and broken formulas in a column not read."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["partner", "period", "kpi", "value", "working"])
    sheet.append(["HBBC", "2025/26 Q1", "DS01", "=1/0", "=1/0"])
    sheet.append(["HBBC", "2025/26 Q1", "DS02", 61, "=NOSUCHFUNCTION()"])
    book.save(path)


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The books above as openpyxl writes them (no formula results) and as LibreOffice saves them."""
    import zipfile

    work = tmp_path_factory.mktemp("layouts")
    profile = work / "lo-profile"
    sources = [work / "layout.xlsx", work / "errors.xlsx"]
    _layout_book(sources[0])
    _errors_book(sources[1])
    out = {f"openpyxl-{p.name}": p for p in sources}
    for kind in ("xlsx", "ods"):
        for path in libreoffice(sources, kind, work / kind, profile):
            out[path.name] = path
    # An ODS whose rows are hidden by a filter rather than by hand.
    filtered = work / "filtered.ods"
    with zipfile.ZipFile(out["layout.ods"]) as src, zipfile.ZipFile(filtered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "content.xml":
                assert b'table:visibility="collapse"' in data
                data = data.replace(b'table:visibility="collapse"', b'table:visibility="filter"')
            dst.writestr(item, data)
    out[filtered.name] = filtered
    return out


LAYOUT_FIGURES = [
    ("HBBC", "2025/26 Q1", "DS01", 72.5, "Worked out in the sheet", 3),
    ("HBBC", "2025/26 Q1", "DS02", 61.0, None, 4),
    ("HBBC", "2025/26 Q1", "DS04", 1234.0, None, 5),
    ("HBBC", "2025/26 Q1", "DS07", 12.5, None, 6),
]


@pytest.mark.parametrize("name", ["layout.xlsx", "layout.ods", "filtered.ods"])
def test_hidden_rows_merged_cells_and_formula_results_are_read(
    cat: Catalogue, layouts: dict[str, Path], name: str
) -> None:
    result = check(layouts[name].read_bytes(), cat, name)
    assert [str(p) for p in result.problems] == []
    got = [(f.partner_code, str(f.period), f.kpi_code, f.value, f.note, f.row) for f in result.figures]
    # The formula =70+2.5 is read as its saved result; HBBC merged down rows 3 to 6 counts on each row;
    # the header 'value' merged over two columns is still found; the hidden rows 5 and 6 are read.
    assert got == LAYOUT_FIGURES
    assert result.notes == [
        f"{name}: the header row is row 2; row 1 above it was not read.",
        f"{name}: rows 5 and 6 are hidden in the spreadsheet; they were read like the others.",
    ]


def test_a_formula_without_a_saved_result_says_to_save_the_file(cat: Catalogue, layouts: dict[str, Path]) -> None:
    name = "openpyxl-layout.xlsx"
    assert problems(layouts[name].read_bytes(), cat, name) == [
        f"{name}:3:value: this cell has a formula whose result is not saved in the file; open the file in Excel "
        "or LibreOffice and save it, so that the results are saved, then send it again"
    ]
    # The rows are still found and noted, and the other figures pass (only the formula needs fixing).
    assert check(layouts[name].read_bytes(), cat, name).notes[1] == (
        f"{name}: rows 5 and 6 are hidden in the spreadsheet; they were read like the others."
    )


@pytest.mark.parametrize("name", ["openpyxl-errors.xlsx", "errors.xlsx", "errors.ods"])
def test_a_formula_showing_an_error_is_named_and_one_in_an_unread_column_is_not(
    cat: Catalogue, layouts: dict[str, Path], name: str
) -> None:
    found = problems(layouts[name].read_bytes(), cat, name)
    if name.startswith("openpyxl"):
        assert found == [f"{name}:2:value: " + ingest.UNSAVED_FORMULA]
    else:
        assert found == [
            f"{name}:2:value: the formula in this cell gives the error #DIV/0!; correct the formula or type the "
            "figure in, then save the file and send it again"
        ]


def test_a_row_with_only_an_unsaved_formula_is_not_dropped_as_empty(cat: Catalogue, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["partner", "period", "kpi", "value"])
    book.active.append(['="HB"&"BC"', '="2025/26 Q1"', '="DS01"', "=70+2.5"])
    book.save(tmp_path / "all-formulas.xlsx")
    assert problems((tmp_path / "all-formulas.xlsx").read_bytes(), cat, "all-formulas.xlsx") == [
        f"all-formulas.xlsx:2:{column}: {ingest.UNSAVED_FORMULA}" for column in ("kpi", "partner", "period", "value")
    ]


def test_a_hidden_xlsx_row_by_itself_is_named(cat: Catalogue, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for row in (
        ["partner", "period", "kpi", "value"],
        ["HBBC", "2025/26 Q1", "DS01", 70],
        ["HBBC", "2025/26 Q1", "DS02", 61],
    ):
        book.active.append(row)
    book.active.row_dimensions[3].hidden = True
    book.active.row_dimensions[9].hidden = True  # a hidden empty row is not worth a word
    book.save(tmp_path / "hidden.xlsx")
    result = check((tmp_path / "hidden.xlsx").read_bytes(), cat, "hidden.xlsx")
    assert [(f.kpi_code, f.value) for f in result.figures] == [("DS01", 70.0), ("DS02", 61.0)]
    assert result.notes == ["hidden.xlsx: row 3 is hidden in the spreadsheet; it was read like the others."]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([5], "row 5"),
        ([5, 6], "rows 5 and 6"),
        ([2, 4, 6], "rows 2, 4 and 6"),
        ([5, 6, 7, 9], "rows 5 to 7 and 9"),
        ([3, 4, 8, 9, 10, 11], "rows 3, 4 and 8 to 11"),
    ],
)
def test_rows_are_listed_as_people_write_them(rows: list[int], expected: str) -> None:
    assert ingest._row_list(rows) == expected


def test_a_title_row_above_the_header_is_left_out_and_said(cat: Catalogue) -> None:
    text = "Figures for Hinckley & Bosworth,,,,\n\n" + HEADER + "HBBC,2025/26 Q1,DS01,72.5,\n"
    result = check(text, cat)
    assert [(f.kpi_code, f.value, f.row) for f in result.figures] == [("DS01", 72.5, 4)]
    assert result.notes == ["figures.csv: the header row is row 3; row 1 above it was not read."]


def test_an_old_xls_file_is_refused_with_what_to_do(cat: Catalogue) -> None:
    # Percentages are lost in the old format: 72.5% would come through as 0.725, so it is not guessed at.
    assert problems(b"\xd0\xcf\x11\xe0 old excel", cat, "figures.xls") == [
        "figures.xls:1:-: a .xls file (Excel 97-2003) cannot be checked reliably; open it in Excel or LibreOffice, "
        "save it as XLSX and send that"
    ]


def test_a_cell_merged_down_past_the_figures_does_not_make_rows_of_its_own(cat: Catalogue, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    for row in (
        ["partner", "period", "kpi", "value"],
        ["HBBC", "2025/26 Q1", "DS01", 70],
        [None, "2025/26 Q1", "DS02", 61],
        [],
        [],
        ["BDC", "2025/26 Q1", "DS01", 65],
    ):
        book.active.append(row)
    book.active.merge_cells("A2:A5")  # over the two blank rows below the HBBC figures too
    book.save(tmp_path / "merged.xlsx")
    result = check((tmp_path / "merged.xlsx").read_bytes(), cat, "merged.xlsx")
    assert [str(p) for p in result.problems] == []
    assert [(f.partner_code, f.kpi_code, f.row) for f in result.figures] == [
        ("HBBC", "DS01", 2),
        ("HBBC", "DS02", 3),
        ("BDC", "DS01", 6),
    ]
