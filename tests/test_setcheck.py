"""A plain CSV checked as sets in DuckDB (metrics/setcheck.py) gives exactly the figures the row-by-row check gives,
and stages nothing for a file with any problem, so that `metrics.ingest.check_file` names the problems as always.

Each file here is checked both ways against the demo partnership as of AS_OF: a file that passes must give the
same figures (row, partner, KPI, period, value, note); a file with a problem, or one that is not plain, must
give no staged figures at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics import setcheck, store, submissions
from metrics.figures import Catalogue, CheckResult
from tests.conftest import AS_OF, charter

HEADER = "partner,period,kpi,value,note\r\n"

GOOD = {
    "codes and percentages": HEADER + "HBBC,2025/26 Q1,DS01,72.5%,\r\nBDC,2025/26 Q1,DS01,70,\r\n",
    "a name in another case, a loose period": "Partner,PERIOD,KPI,Value\nhinckley & bosworth borough council,"
    "q1 2025-26,ds04,1234\nMBC,FY2025/2026 Q2,DS04,+3\n",
    "signs and decimals": HEADER + "HBBC,2025/26 Q1,DS04,-0,\nHBBC,2025/26 Q2,DS04,.5,\nBDC,2025/26 Q1,DS01,0.5%,\n",
    "money and spaced forms read in Python": HEADER + "HBBC,2025/26 Q1,FIN01,£1234,\nBDC,2025/26 Q2,DS01,72.5 %,"
    "\nMBC,2025/26 Q1,FIN01,-£12.5,\n",
    "a blank value with a note": HEADER + "HBBC,2025/26 Q1,DS01,,Not collected this quarter\n",
    "a whole year for an annual KPI": HEADER + "HBBC,2024/25,FIN02,1000000,\n",
    "white space of every kind": HEADER + "\u00a0HBBC\u3000, 2025/26 Q1\u2003,DS01\x0b, 72\u2009,\x1c note \x85\r\n",
    "a tab-separated file": "partner\tperiod\tkpi\tvalue\nHBBC\t2025/26 Q1\tDS01\t72.5\n",
    "semicolons and a thousands comma": "partner;period;kpi;value\nHBBC;2025/26 Q1;DS04;1,234\n",
    "old Mac line ends and a BOM": "\ufeffpartner,period,kpi,value\rHBBC,2025/26 Q1,DS01,72.5\rBDC,2025/26 Q1,DS01,7",
    "rows of nothing between figures": HEADER + "HBBC,2025/26 Q1,DS01,1,\n , , , ,\nBDC,2025/26 Q1,DS01,2,\n",
    "extra columns, unused": "id,partner,period,kpi,value,note,by\n1,HBBC,2025/26 Q1,DS01,72.5,x,me\n2,BDC,"
    "2025/26 Q1,DS01,70,,\n",
    "short rows": HEADER + "HBBC,2025/26 Q1,DS01,72.5\n",
}

BAD = {
    "an unknown partner": HEADER + "HBBC,2025/26 Q1,DS01,72.5,\nXYZ,2025/26 Q1,DS01,70,\n",
    "a blank partner": HEADER + ",2025/26 Q1,DS01,72.5,\n",
    "an unreadable period": HEADER + "HBBC,2025 Q1,DS01,72.5,\n",
    "a quarter not over": HEADER + "HBBC,2025/26 Q3,DS01,72.5,\n",
    "an unknown KPI": HEADER + "HBBC,2025/26 Q1,ZZ99,72.5,\n",
    "a quarter for an annual KPI": HEADER + "HBBC,2025/26 Q1,FIN02,1000,\n",
    "out of range": HEADER + "HBBC,2025/26 Q1,DS01,100.5,\n",
    "out of range in Python's form": HEADER + "HBBC,2025/26 Q1,ICT09,£4,\n",
    "a percentage for a count": HEADER + "HBBC,2025/26 Q1,DS04,12%,\n",
    "money for a percentage": HEADER + "HBBC,2025/26 Q1,DS01,£12,\n",
    "not a number": HEADER + "HBBC,2025/26 Q1,DS01,seventy,\n",
    "other digits": HEADER + "HBBC,2025/26 Q1,DS01,\u0667\u0662,\n",
    "a blank value without a note": HEADER + "HBBC,2025/26 Q1,DS01,,\n",
    "twice the same figure": HEADER + "HBBC,2025/26 Q1,DS01,72.5,\nhbbc,2025/26 Q1,DS01,70,\n",
    "a partner that had left": HEADER + "OWBC,2025/26 Q1,DS01,72.5,\n",
    "a partner not yet joined": HEADER + "MBC,2012/13 Q1,DS01,72.5,\n",
    "a row wider than the header": HEADER + "HBBC,2025/26 Q1,DS01,1,234,note\n",
    "a header without the value column": "partner,period,kpi,note\nHBBC,2025/26 Q1,DS01,x\n",
    "the value column twice": "partner,period,kpi,value,value\nHBBC,2025/26 Q1,DS01,1,2\n",
    "no figures under the header": HEADER,
}

NOT_PLAIN = {
    "quote marks": HEADER + 'HBBC,2025/26 Q1,DS01,72.5,"late, sorry"\n',
    "a blank line": HEADER + "HBBC,2025/26 Q1,DS01,72.5,\n\nBDC,2025/26 Q1,DS01,70,\n",
    "a title above the header": "Figures\n" + HEADER + "HBBC,2025/26 Q1,DS01,72.5,\n",
    "a blank header cell": "partner,period,kpi,value,\nHBBC,2025/26 Q1,DS01,72.5,\n",
    "Windows-1252": HEADER + "HBBC,2025/26 Q1,DS01,72.5,caf\xe9\n",
}


def _catalogue(db: Path) -> Catalogue:
    with store.connect(db, read_only=True) as con:
        return submissions.catalogue(con, AS_OF)


def _both_ways(db: Path, data: bytes, name: str = "figures.csv") -> tuple[list[tuple[object, ...]] | None, CheckResult]:
    """(the staged figures, or None; the row-by-row result), each as (row, partner, KPI, period, value, note)."""
    cat = _catalogue(db)
    with store.connect(db, read_only=True) as con:
        staged = setcheck.stage(con, data, name, cat)  # in the table figure_stage
        rows = None
        if staged is not None:
            rows = con.execute(
                "SELECT row_no, partner_code, kpi_code, period, value, note FROM figure_stage ORDER BY row_no"
            ).fetchall()
            assert staged.rows == len(rows)
    return rows, submissions.check_file(data, name, cat)


@pytest.mark.parametrize("text", GOOD.values(), ids=GOOD.keys())
def test_a_plain_file_that_passes_gives_the_same_figures_both_ways(demo_db: Path, text: str) -> None:
    data = text.encode("cp1252" if "\xe9" in text else "utf-8")
    staged, checked = _both_ways(demo_db, data)
    assert checked.ok, checked.problems
    want = [(f.row, f.partner_code, f.kpi_code, str(f.period), f.value, f.note) for f in checked.figures]
    assert staged == want


@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_a_plain_file_with_a_problem_stages_nothing(demo_db: Path, text: str) -> None:
    staged, checked = _both_ways(demo_db, text.encode("utf-8"))
    assert checked.problems
    assert staged is None


@pytest.mark.parametrize("text", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_a_file_that_is_not_plain_is_left_to_the_row_by_row_check(demo_db: Path, text: str) -> None:
    data = text.encode("cp1252" if "\xe9" in text else "utf-8")
    staged, checked = _both_ways(demo_db, data)
    assert checked.ok, checked.problems
    assert staged is None


def test_the_council_a_sender_may_submit_for_is_held_both_ways(demo_db: Path) -> None:
    cat = _catalogue(demo_db)
    cat.allowed_partners = {"BDC"}
    data = (HEADER + "HBBC,2025/26 Q1,DS01,72.5,\n").encode()
    with store.connect(demo_db, read_only=True) as con:
        assert setcheck.stage(con, data, "figures.csv", cat) is None
    assert [p.message for p in submissions.check_file(data, "figures.csv", cat).problems] == [
        "you may only submit figures for BDC, not HBBC"
    ]


def test_the_characters_trimmed_are_those_python_strips() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == setcheck.WHITESPACE


def test_charter_ingest_stores_a_plain_file_as_the_row_by_row_check_reads_it(demo_db: Path, tmp_path: Path) -> None:
    text = GOOD["signs and decimals"] + GOOD["money and spaced forms read in Python"].removeprefix(HEADER)
    (tmp_path / "plain.csv").write_text(text, encoding="utf-8", newline="")
    done = charter(demo_db, "ingest", "plain.csv", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    sid = int(done.stdout.split()[-1])
    assert done.stdout == f"plain.csv: accepted 6 figures as submission {sid}\n"
    checked = submissions.check_file(text.encode(), "plain.csv", _catalogue(demo_db))
    with store.connect(demo_db, read_only=True) as con:
        stored = con.execute(
            "SELECT row_number, partner_code, kpi_code, period, period_index, is_annual, value, note "
            "FROM core.measurement WHERE submission_id = $s ORDER BY row_number",
            {"s": sid},
        ).fetchall()
        partners, periods, count, content = con.execute(
            "SELECT partners, periods, row_count, content FROM core.submission WHERE id = $s", {"s": sid}
        ).fetchall()[0]
    assert stored == [
        (f.row, f.partner_code, f.kpi_code, str(f.period), f.period.index, f.period.is_annual, f.value, f.note)
        for f in checked.figures
    ]
    assert (partners, periods, count, content) == (["BDC", "HBBC", "MBC"], ["2025/26 Q1", "2025/26 Q2"], 6,
                                                   text.encode())  # fmt: skip
