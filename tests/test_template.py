"""The quarterly template (docs/file-contract.md): what it holds, and that it comes back as it goes out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from metrics import store
from metrics.template import COLUMNS
from tests.conftest import AS_OF, charter, libreoffice, table_contents

TITLES = [title for title, _ in COLUMNS]

Q3_OVER = ("--as-of", "2026-01-05")  # figures for the quarter in progress at AS_OF are sent once it is over


def query(db: Path, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        return con.execute(sql, params or {}).fetchall()


def read_rows(path: Path) -> list[dict[str, object]]:
    """The Figures sheet as one dict per row, keyed by the header."""
    sheet = openpyxl.load_workbook(path, read_only=True)["Figures"]
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == TITLES
    return [dict(zip(TITLES, row, strict=True)) for row in rows]


def make(db: Path, folder: Path, partner: str, period: str, name: str = "template.xlsx") -> Path:
    done = charter(db, "template", "--partner", partner, "--period", period, "--out", name, cwd=folder)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return folder / name


def test_a_quarter_s_template_has_one_row_per_quarterly_kpi_with_its_helpers(demo_db: Path, tmp_path: Path) -> None:
    done = charter(demo_db, "template", "--partner", "HBBC", "--period", "2025/26 Q2", "--out", "x.xlsx", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "Wrote x.xlsx: the 2025/26 Q2 template for Hinckley & Bosworth Borough Council (HBBC).\n"
    rows = read_rows(tmp_path / "x.xlsx")
    kpis = query(demo_db, "SELECT code, name, unit FROM core.kpi WHERE frequency = 'quarterly' ORDER BY sort_order")
    assert [(r["kpi"], r["kpi_name"], r["unit"]) for r in rows] == kpis
    assert {(r["partner"], r["period"]) for r in rows} == {("HBBC", "2025/26 Q2")}
    # The last figure before the quarter, as the officer last sent it.
    for row in rows:
        last = query(
            demo_db,
            "SELECT period, value FROM measurement WHERE partner_code = 'HBBC' AND kpi_code = $k AND value IS NOT NULL "
            "AND period < '2025/26 Q2' AND period LIKE '% Q_' ORDER BY period DESC LIMIT 1",
            {"k": row["kpi"]},
        )
        assert [(row["last_period"], row["last_value"])] == last
    # The target for the quarter, as the progress rules set it.
    targets = dict(
        query(
            demo_db,
            "SELECT o.kpi_code, min(p.target) FROM objective_progress p JOIN objective o ON o.code = p.objective_code "
            "WHERE p.partner_code = 'HBBC' AND p.period = '2025/26 Q2' GROUP BY ALL",
        )
    )
    assert len(targets) >= 10
    assert {r["kpi"]: r["target"] for r in rows if r["target"] is not None} == targets
    # Figures already sent for the quarter are filled in, to correct; the text is the figure exactly.
    sent = dict(
        query(demo_db, "SELECT kpi_code, value FROM measurement WHERE partner_code = 'HBBC' AND period = '2025/26 Q2'")
    )
    assert {r["kpi"]: float(str(r["value"])) for r in rows if r["value"] is not None} == {
        k: v for k, v in sent.items() if v is not None
    }


def test_a_q4_template_also_asks_for_the_annual_kpis_for_the_whole_year(demo_db: Path, tmp_path: Path) -> None:
    rows = read_rows(make(demo_db, tmp_path, "bdc", "Q4 2024/25"))
    quarterly = [
        k for (k,) in query(demo_db, "SELECT code FROM core.kpi WHERE frequency = 'quarterly' ORDER BY sort_order")
    ]
    annual = [k for (k,) in query(demo_db, "SELECT code FROM core.kpi WHERE frequency = 'annual' ORDER BY sort_order")]
    assert annual == ["FIN02"]
    assert [(r["kpi"], r["period"]) for r in rows] == [(k, "2024/25 Q4") for k in quarterly] + [("FIN02", "2024/25")]
    [fin02] = [r for r in rows if r["kpi"] == "FIN02"]
    assert fin02["unit"] == "GBP"
    assert fin02["last_period"] == "2023/24"
    other = read_rows(make(demo_db, tmp_path, "BDC", "2024/25 Q3", "q3.xlsx"))
    assert "FIN02" not in [r["kpi"] for r in other]


@pytest.mark.parametrize(
    ("partner", "period", "message"),
    [
        ("XYZ", "2025/26 Q2", "charter template: there is no partner 'XYZ'; use one of HBBC, BDC, MBC, OWBC\n"),
        (
            "OWBC",
            "2025/26 Q2",
            "charter template: Oadby & Wigston Borough Council was not a partner in 2025/26 Q2 "
            "(it left on 31 December 2021)\n",
        ),
    ],
)
def test_a_template_for_no_partner_is_refused(
    demo_db: Path, tmp_path: Path, partner: str, period: str, message: str
) -> None:
    done = charter(demo_db, "template", "--partner", partner, "--period", period, "--out", "x.xlsx", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)
    assert not (tmp_path / "x.xlsx").exists()


def test_large_and_precise_figures_go_out_exactly_as_they_came_in(demo_db: Path, tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_text(
        "partner,period,kpi,value\nHBBC,2025/26 Q3,DS04,1234567\nHBBC,2025/26 Q3,FIN01,123456.78\n", encoding="utf-8"
    )
    assert charter(demo_db, *Q3_OVER, "ingest", "big.csv", cwd=tmp_path).returncode == 0
    rows = {r["kpi"]: r["value"] for r in read_rows(make(demo_db, tmp_path, "HBBC", "2025/26 Q3"))}
    assert (rows["DS04"], rows["FIN01"]) == ("1234567", "123456.78")


# --- filled in and sent back -------------------------------------------------------------------------


def fill(template: Path, out: Path, blank: str | None = None) -> dict[str, tuple[float | None, str | None]]:
    """Type a figure into every row as an officer would (text, %, thousands); return what each KPI should get."""
    book = openpyxl.load_workbook(template)
    sheet = book["Figures"]
    value_col, note_col = TITLES.index("value") + 1, TITLES.index("note") + 1
    expected: dict[str, tuple[float | None, str | None]] = {}
    for r in range(2, sheet.max_row + 1):
        kpi, unit, last = sheet.cell(r, 3).value, sheet.cell(r, 5).value, sheet.cell(r, 9).value
        figure = round(float(last), 1)
        if kpi == blank:
            continue
        if kpi == "DS02":
            sheet.cell(r, value_col).value = None
            sheet.cell(r, note_col).value = "Not available: the service catalogue is being rebuilt"
            expected[kpi] = (None, "Not available: the service catalogue is being rebuilt")
            continue
        if unit == "%":
            sheet.cell(r, value_col).value = f"{figure}%"
        elif unit == "count":
            sheet.cell(r, value_col).value = f"{int(figure):,}"
            figure = float(int(figure))
        elif unit == "GBP":
            sheet.cell(r, value_col).value = f"£{figure:,}"
        else:
            sheet.cell(r, value_col).value = figure  # a number, typed over the text format
        note = "Up – thanks to the new forms" if kpi == "DS01" else None
        sheet.cell(r, note_col).value = note
        expected[kpi] = (figure, note)
    book.save(out)
    return expected


@dataclass(frozen=True)
class SentBack:
    template: Path
    expected: dict[str, tuple[float | None, str | None]]
    files: dict[str, Path]


@pytest.fixture(scope="module")
def sent_back(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> SentBack:
    """HBBC's template for the quarter in progress, filled in, and the same file after LibreOffice saved it."""
    work = tmp_path_factory.mktemp("sent-back")
    template = make(_demo_template, work, "HBBC", "2025/26 Q3")
    expected = fill(template, work / "filled.xlsx")
    profile = work / "lo-profile"
    [ods] = libreoffice([work / "filled.xlsx"], "ods", work / "ods", profile)
    [xlsx] = libreoffice([work / "filled.xlsx"], "xlsx", work / "xlsx", profile)
    return SentBack(
        template, expected, {"openpyxl": work / "filled.xlsx", "libreoffice xlsx": xlsx, "libreoffice ods": ods}
    )


@pytest.mark.parametrize("which", ["openpyxl", "libreoffice xlsx", "libreoffice ods"])
def test_a_filled_in_template_is_accepted_as_it_is(demo_db: Path, sent_back: SentBack, which: str) -> None:
    path, expected = sent_back.files[which], sent_back.expected
    assert len(expected) == len(read_rows(sent_back.template))
    done = charter(demo_db, *Q3_OVER, "ingest", str(path))
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.startswith(f"{path} has 2 sheets; read the sheet named 'Figures'.\n")
    assert f"accepted {len(expected)} figures as submission" in done.stdout
    got = query(
        demo_db,
        "SELECT kpi_code, value, note FROM measurement WHERE partner_code = 'HBBC' AND period = '2025/26 Q3'",
    )
    assert {k: (v, n) for k, v, n in got} == expected


def test_a_row_left_blank_without_a_note_is_refused_by_its_row(
    demo_db: Path, sent_back: SentBack, tmp_path: Path
) -> None:
    template = sent_back.template
    rows = read_rows(template)
    row = next(i for i, r in enumerate(rows, start=2) if r["kpi"] == "ICT05")
    fill(template, tmp_path / "partly.xlsx", blank="ICT05")
    before = table_contents(demo_db)
    done = charter(demo_db, *Q3_OVER, "ingest", "partly.xlsx", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        f"partly.xlsx:{row}:value: the value is blank; give the figure, or say in the note column why there is none\n"
        "Rejected: 1 problem to fix; nothing was loaded.\n"
    )
    assert table_contents(demo_db) == before
