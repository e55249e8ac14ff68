"""The printable one-page scorecard per council (metrics/scorecard_pdf.py): in the default quarter its text names
the council and each of its objectives off track (read here from the public view objective_progress), before the
others, with actual against target, on one page; status in words with a symbol."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from metrics import queries, scorecard_pdf
from metrics.periods import Period
from metrics.status import Status
from tests.conftest import AS_OF


def pdf_lines(data: bytes, folder: Path) -> tuple[list[str], int]:
    """The PDF's lines as laid out on the page (pdftotext -layout) and its number of pages."""
    path = folder / "scorecard.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.splitlines(), text.count("\f")


def _row(lines: list[str], code: str, symbol: str) -> tuple[int, str, str]:
    """The line where `code`'s row starts, the objective's name as its cell reads (wrapped lines joined), and the
    rest of the row's first line from the status on."""
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{code} "))
    cut = lines[start].index(symbol)
    cell = [lines[start][:cut]]
    for line in lines[start + 1 :]:
        if not line[:cut].strip() or line.strip().startswith("OBJ"):
            break
        cell.append(line[:cut])
    return start, " ".join(" ".join(cell).split()), lines[start][cut:]


def _default_quarter(con: duckdb.DuckDBPyConnection) -> Period:
    """The quarter the app opens on (dashboard/app.py: the newest a reader may choose)."""
    return queries.quarters(AS_OF, queries.first_figure_period(con))[0]


def _in_view(con: duckdb.DuckDBPyConnection, partner: str, period: Period, status: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT p.objective_code, o.title FROM objective_progress p JOIN objective o ON o.code = p.objective_code "
        "WHERE p.partner_code = $p AND p.period = $q AND p.status = $s ORDER BY 1",
        {"p": partner, "q": str(period), "s": status},
    ).fetchall()


@pytest.mark.parametrize("partner", ["HBBC", "BDC", "MBC"])
def test_the_scorecard_names_the_council_and_each_of_its_off_track_objectives_first(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, partner: str
) -> None:
    period = _default_quarter(con)
    name = con.execute("SELECT name FROM partner WHERE code = $p", {"p": partner}).fetchall()[0][0]
    off_track = _in_view(con, partner, period, Status.OFF_TRACK.word)
    assert off_track, f"the demo has an off-track objective for {partner} in {period}: the check compares something"
    card = scorecard_pdf.gather(con, partner, period, AS_OF)
    lines, pages = pdf_lines(scorecard_pdf.pdf_bytes(card), tmp_path)
    assert pages == 1
    assert " ".join(" ".join(lines[:2]).split()).startswith(f"{name}: scorecard, {period}")  # the title may wrap
    others = next(i for i, line in enumerate(lines) if line.strip() == "The other running objectives")
    for code, title in off_track:
        start, named, rest = _row(lines, code, Status.OFF_TRACK.symbol)
        assert (named, start < others) == (f"{code} {title}", True)
        shown = re.match(r"✕ Off track\s+(.+?)\s{2,}(.+?)\s{2,}", rest)
        figures = con.execute(
            "SELECT actual, target FROM objective_progress "
            "WHERE partner_code = $p AND period = $q AND objective_code = $o",
            {"p": partner, "q": str(period), "o": code},
        ).fetchall()[0]
        assert shown, rest
        assert [float(re.sub(r"[^\d.]", "", g)) for g in shown.groups()] == pytest.approx(figures, abs=0.05)
    for code, title in _in_view(con, partner, period, Status.ON_TRACK.word):
        start, named, _ = _row(lines, code, Status.ON_TRACK.symbol)
        assert (named, start > others) == (f"{code} {title}", True)
    text = " ".join(" ".join(lines).split())
    assert "Last updated: the newest approved figure is for " in text
    assert "Illustrative demonstration data" in text


def test_a_council_that_does_not_exist_is_refused_in_words(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(scorecard_pdf.ScorecardError) as refused:
        scorecard_pdf.gather(con, "XYZ", Period(2025, 2), AS_OF)
    assert str(refused.value) == "there is no council 'XYZ': choose one of HBBC, BDC, MBC, OWBC"
