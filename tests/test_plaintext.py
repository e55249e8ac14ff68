"""User text is shown as plain text on every page: a framework, figures, board records and an account whose
names, notes, comments and file names are Markdown images and links, HTML and Streamlit directives.

`hostile_database` builds such a database through the real entry points; the browser test reuses it.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components import plain
from metrics import accounts, board, boardpack, exports, ingest, queries, store, submissions, template
from metrics.access import Actor, Role
from metrics.config import ROOT
from metrics.framework import parse_framework
from metrics.loader import load_framework
from metrics.periods import parse_period
from tests.conftest import AS_OF, FRAMEWORK
from tests.test_boardpack import pdf_text

APP = str(ROOT / "dashboard" / "app.py")
ADMIN = Actor("lead@example.org", Role.ADMIN)
PASSWORD = "plain text only 2025"  # noqa: S105 (a test account's)
PIXEL = "http://127.0.0.1:9/pixel"  # nothing listens here; the browser test serves a counting one
PAGES = ["overview", "charter", "objective", "scorecard", "kpis", "about", "upload", "collection", "approvals",
         "history", "ict", "board", "actions", "admin"]  # fmt: skip
# Each kind of user text that a page shows in Markdown (the rest are in tables, whose cells are plain text).
SHOWN = ["partnership", "partner-HBBC", "objective-OBJ07", "owner-OBJ07", "kpi-DS01", "definition-DS01",
         "commitment-C1", "statement-C1", "outcome-C1.1", "note", "waiting", "comment", "action", "owner",
         "reason", "about"]  # fmt: skip


def hostile(what: str, url: str = PIXEL) -> str:
    """Text that would fetch `url`, link to it or change the page if it were read as Markdown or HTML."""
    return (
        f'{what} ![pic]({url}?i={what}) [click]({url}?l={what}) <img src="{url}?h={what}"> <{url}?a={what}> '
        f"{url}?b={what} www.example.invalid :red[red] :material/home: $x^2$ **bold** [js](javascript:alert(1))"
    )


def _framework(url: str) -> Any:
    """The demo framework with every name, title and description made hostile."""
    fw = parse_framework(FRAMEWORK.read_text(encoding="utf-8"), "framework.yaml")

    def each(items: list[Any], **fields: str) -> list[Any]:
        return [i.model_copy(update={f: hostile(f"{w}-{i.code}", url) for f, w in fields.items()}) for i in items]

    return fw.model_copy(
        update={
            "partnership": fw.partnership.model_copy(
                update={"name": hostile("partnership", url), "description": hostile("about", url)}
            ),
            "partners": each(fw.partners, name="partner"),
            "commitments": each(fw.commitments, title="commitment", commitment="statement", description="theme"),
            "principles": each(fw.principles, strapline="principle"),
            "outcomes": each(fw.outcomes, text="outcome"),
            "kpis": each(fw.kpis, name="kpi", definition="definition"),
            "objectives": each(fw.objectives, title="objective", owner="owner", description="what"),
        }
    )


def _send(con: Any, name: str, rows: list[list[str]]) -> int:
    """Submit a figures file called `name` for HBBC; its id."""
    out = io.StringIO()
    csv.writer(out).writerows([["partner", "period", "kpi", "value", "note"], *rows])
    data = out.getvalue().encode()
    result = submissions.check_file(data, name, submissions.catalogue(con, AS_OF, {"HBBC"}))
    assert result.ok, result.problems
    return submissions.store_files(con, [(result, data)], by=ADMIN, source="upload")[0].submission_id


def hostile_database(db: Path, url: str = PIXEL) -> None:
    """Load the hostile framework over the demo one; send, approve and return files with hostile names and
    notes; record a board meeting, review, action and revision, and an account, all with hostile text."""
    q2 = parse_period("2025/26 Q2")
    with store.connect(db, as_of=AS_OF) as con:
        load_framework(con, _framework(url), by=ADMIN, sha256="hostile")
        approved = _send(
            con, hostile("file", url) + ".csv", [["HBBC", "2025/26 Q2", "DS01", "71", hostile("note", url)]]
        )
        submissions.review(con, approved, approve=True, by=ADMIN)
        returned = _send(con, hostile("returned", url) + ".csv", [["HBBC", "2025/26 Q2", "DS01", "72", ""]])
        submissions.review(con, returned, approve=False, by=ADMIN, comment=hostile("rejection", url))
        _send(con, hostile("waiting", url) + ".csv", [["HBBC", "2025/26 Q2", "DS01", "73", hostile("pending", url)]])
        meeting = board.record_meeting(
            con, held_on="18/11/2025", period=q2, attendees=hostile("attendees", url), by=ADMIN, today=AS_OF,
            notes=hostile("minutes", url),
        )  # fmt: skip
        board.record_review(
            con, meeting_id=meeting, objective="OBJ07", assessment="Off track", decision="action agreed",
            comment=hostile("comment", url), by=ADMIN,
            action=board.ActionInput(hostile("action", url), hostile("owner", url), date(2026, 2, 27)),
        )  # fmt: skip
        board.revise_target(
            con, objective="OBJ07", by=ADMIN,
            revision=board.RevisionInput(70, parse_period("2025/26 Q3"), hostile("reason", url)),
        )  # fmt: skip
        accounts.add_user(
            con, ADMIN, email="lead@example.org", role="admin", password=PASSWORD, name=hostile("account", url)
        )


@pytest.fixture
def app(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    hostile_database(demo_db)
    monkeypatch.setenv("CHARTER_DB", str(demo_db))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["actor"] = ADMIN
    at.session_state["objective"] = "OBJ07"  # the objective the board reviewed and revised
    return at


def markdown_text(node: Any) -> list[str]:
    """Every text under `node` that Streamlit reads as Markdown: bodies (markdown, captions, titles, alerts)
    and labels and help (widgets, expanders, tabs, metrics, buttons, page links). Options are plain text."""
    found: list[str] = []

    def walk(message: Any) -> None:
        for field, value in message.ListFields():
            if field.name in ("body", "label", "help") and isinstance(value, str):
                found.append(value)
            elif field.message_type is not None:
                for item in [value] if hasattr(value, "ListFields") else value:  # one message, or repeated
                    if hasattr(item, "ListFields"):
                        walk(item)

    def visit(n: Any) -> None:
        proto = getattr(n, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            walk(proto)
        for child in getattr(n, "children", {}).values():
            visit(child)

    visit(node)
    return found


def test_no_page_renders_a_link_an_image_or_markup_from_user_text(app: AppTest) -> None:
    app.run()
    shown: list[str] = []
    for page in PAGES:
        app.switch_page(f"app_pages/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
        texts = markdown_text(app._tree)
        live = [t for t in texts if PIXEL in t or "<img" in t or ":red[" in t or "](" in t or "**bold**" in t]
        assert not live, (page, live)
        shown += texts
    everything = "\n".join(shown)
    missing = [what for what in SHOWN if plain(hostile(what)) not in everything]
    assert not missing  # each kind of text is shown, as itself, rather than left out


# --- downloads: a formula in user text comes out of every file as text ----------------------------------------

FORMULA = '=HYPERLINK("http://example.invalid/x","y")'


def _cells_csv(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")) for cell in row]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _downloads(con: Any) -> dict[str, bytes]:
    """What the pages and the board pack offer for download, made as the pages make them."""
    pack = boardpack.gather(con, parse_period("2025/26 Q2"), AS_OF)
    progress = queries.objective_progress(con, "OBJ06")
    files = {
        "objective figures (Objective page)": exports.csv_bytes(
            progress[["partner_code", "period", "actual", "target", "status", "direction", "direction_year", "note"]]
        ),
        "a chart's figures (Objective page)": exports.csv_bytes(
            progress[["period", "actual", "target", "status", "direction", "note"]]
        ),
        "actions (Actions page)": exports.csv_bytes(board.actions(con, AS_OF)),
        "audit trail (Admin page)": exports.csv_bytes(queries.audit_trail(con)),
        "board pack tables (XLSX)": boardpack.xlsx_bytes(pack),
    }
    return files | {f"board pack {name}": data for name, data in boardpack.csv_files(pack).items()}


def test_a_formula_comes_out_of_every_download_as_text(demo_db: Path) -> None:
    with store.connect(demo_db, as_of=AS_OF) as con:
        sent = _send(con, "figures.csv", [["HBBC", "2025/26 Q2", "DS01", "71", FORMULA]])
        submissions.review(con, sent, approve=True, by=ADMIN)
        meeting = board.record_meeting(
            con, held_on="18/11/2025", period=parse_period("2025/26 Q2"), attendees="+44 Chair", by=ADMIN, today=AS_OF
        )
        board.record_review(
            con, meeting_id=meeting, objective="OBJ06", assessment="Off track", decision="action agreed",
            comment=FORMULA, by=ADMIN, action=board.ActionInput(FORMULA, "@owner", date(2026, 2, 27)),
        )  # fmt: skip
        downloads = _downloads(con)
        template_file = template.build(con, "HBBC", parse_period("2025/26 Q2"))
    carrying = []
    for name, data in downloads.items():
        if name.endswith("(XLSX)"):
            book = openpyxl.load_workbook(io.BytesIO(data))
            cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
            assert all(c.data_type != "f" for c in cells), name
            text = [str(c.value) for c in cells if c.data_type == "s"]
        else:
            text = [c for c in _cells_csv(data) if not _number(c)]
        assert not [t for t in text if t.startswith(exports.FORMULA_STARTS)], name  # no cell is a formula...
        carrying += [name] if "'" + FORMULA in text or "'+44 Chair" in text else []  # ...and the text is there
    assert sorted(carrying) == [
        "a chart's figures (Objective page)", "actions (Actions page)",
        "board pack board-pack-2025-26-Q2-exceptions.csv", "board pack board-pack-2025-26-Q2-meetings.csv",
        "board pack board-pack-2025-26-Q2-open-actions.csv", "board pack board-pack-2025-26-Q2-reviews.csv",
        "board pack tables (XLSX)", "objective figures (Objective page)",
    ]  # fmt: skip
    assert any("HYPERLINK" in c for c in _cells_csv(downloads["audit trail (Admin page)"]))  # as JSON, in quotes

    # The template: the note is written as itself with Excel's quote prefix (text even when the cell is edited),
    # so that a template sent back keeps the note as it was.
    sheet = openpyxl.load_workbook(io.BytesIO(template_file))["Figures"]
    header = [c.value for c in sheet[1]]
    [note] = [
        row[header.index("note")] for row in sheet.iter_rows(min_row=2) if row[header.index("kpi")].value == "DS01"
    ]
    assert (note.value, note.data_type, note.quotePrefix) == (FORMULA, "s", True)
    back = ingest.read_sheet(template_file, "charter-HBBC-2025-26-Q2.xlsx")  # as an upload is read
    kpi_at, note_at = back.header.index("kpi"), back.header.index("note")
    assert [cells[note_at] for _, cells in back.rows if cells[kpi_at] == "DS01"] == [FORMULA]


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["=1+1", "+44", "-3 on last year", "@owner", "\tx", "\rx", "\nx", "＝1+1", "ok\r=1+1"]),
        pd.Series(
            ["=1+1", "+44", "-3 on last year", "@owner", "\tx", "\rx", "\nx", "＝1+1", "ok\r=1+1"], dtype="category"
        ),
        pd.Series(
            ["=1+1", "+44", "-3 on last year", "@owner", "\tx", "\rx", "\nx", "＝1+1", "ok\r=1+1"], dtype="string"
        ),
    ],
    ids=["text", "category", "string"],
)
def test_every_kind_of_text_column_is_neutralised(column: pd.Series) -> None:
    frame = pd.DataFrame({"note": column, "value": [-1.5] * len(column), "=name": ["x"] * len(column)})
    cells = [row for row in csv.reader(io.StringIO(exports.csv_bytes(frame).decode("utf-8-sig"), newline=""))]
    assert cells[0] == ["note", "value", "'=name"]
    assert [row[0] for row in cells[1:]] == [
        "'=1+1", "'+44", "'-3 on last year", "'@owner", "'\tx", "'\rx", "'\nx", "'＝1+1", "ok\r=1+1"
    ]  # fmt: skip
    assert {row[1] for row in cells[1:]} == {"-1.5"}  # a number is left a number
    sheet = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes({"t": frame})))["t"]
    # XLSX stores a carriage return as _x000D_ (Excel shows it as one; openpyxl reads it as written).
    assert [c.value.replace("_x000D_", "\r") for c in sheet["A"]][1:] == [row[0] for row in cells[1:]]
    assert {c.data_type for c in sheet["A"][1:]} == {"s"} and {c.value for c in sheet["B"][1:]} == {-1.5}


def test_the_board_pack_prints_user_text_as_written(demo_db: Path, tmp_path: Path) -> None:
    # reportlab's paragraphs read <a href>, <img src> and <font> tags: text is escaped, so none is a link or a
    # picture (an <img> pointing at PIXEL, where nothing listens, would fail the build).
    hostile_database(demo_db)
    with store.connect(demo_db, read_only=True, as_of=AS_OF) as con:
        pack = boardpack.gather(con, parse_period("2025/26 Q2"), AS_OF)
    out = tmp_path / "pack.pdf"
    out.write_bytes(boardpack.pdf_bytes(pack))
    assert b"/URI" not in out.read_bytes() and b"/Annot" not in out.read_bytes()
    text = pdf_text(out)
    assert f"OBJ07 {hostile('objective-OBJ07')}" in text
    assert hostile("comment") in text and hostile("action") in text and hostile("reason") in text
