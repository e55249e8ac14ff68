"""An officer's quarter, end to end in headless Chromium: template, upload, preview, submit, approve, and the
new figures on the members' pages."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import openpyxl
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from metrics import accounts, demo, store
from metrics.access import Actor
from metrics.periods import last_complete_quarter
from metrics.status import Status
from tests.browser import open_page, serve, settle, sign_in

pytestmark = pytest.mark.browser
PARTNER, COUNCIL = "MBC", "Melton Borough Council"
OBJECTIVE, KPI = "OBJ11", "DS10"  # running to 2027/28 Q4 (higher is better); the officer sends a new DS10 figure
LEAD, PASSWORD = "lead@example.org", "a long test password"  # the performance lead's local account


@pytest.fixture
def today_db(tmp_path: Path) -> Path:
    """The demo as of the real date: the served app's "today" is the real one, so the quarters must line up."""
    path = tmp_path / "charter.duckdb"
    with store.connect(path) as con:
        store.migrate(con)
        demo.install(con, today=date.today(), by="tests")
        accounts.add_user(con, Actor.administrator("tests"), email=LEAD, role="admin", password=PASSWORD)
        con.execute("CHECKPOINT")
    return path


def goto(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0


def choose(select: Locator, text: str) -> None:
    """Pick an option in a Streamlit select box by typing it, as a keyboard user would."""
    select.locator("input").click()
    select.page.keyboard.type(text)
    select.page.keyboard.press("Enter")
    settle(select.page)


def fill_template(path: Path, new_figure: float) -> list[str]:
    """Fill the template as an officer would: `new_figure` for KPI (a correction if sent), blanks at their target."""
    book = openpyxl.load_workbook(path)
    sheet = book["Figures"]
    header = [cell.value for cell in sheet[1]]
    kpi, value, last, target = (header.index(c) + 1 for c in ("kpi", "value", "last_value", "target"))
    filled = []
    for row in range(2, sheet.max_row + 1):
        code = str(sheet.cell(row, kpi).value)
        if code != KPI and sheet.cell(row, value).value not in (None, ""):
            continue
        other = sheet.cell(row, target).value
        figure = new_figure if code == KPI else float(other if other is not None else sheet.cell(row, last).value)
        sheet.cell(row, value).value = f"{figure:g}"  # typed into the template's text-formatted column
        filled.append(code)
    book.save(path)
    return filled


def metric(page: Page, status: str) -> int:
    card = page.get_by_test_id("stMetric").filter(has_text=status)
    return int(card.get_by_test_id("stMetricValue").inner_text())


def test_an_officer_sends_the_template_back_and_members_see_the_approved_figure(
    browser: Browser, today_db: Path, tmp_path: Path
) -> None:
    quarter = str(last_complete_quarter(date.today()))
    with store.connect(today_db, read_only=True) as con:
        # Figures not yet sent (Overdue once the quarter's due date has passed, "no data" before it): the
        # officer fills them in too.
        missing = con.execute(
            "SELECT count(*) FROM objective_progress WHERE partner_code = $p AND period = $q "
            "AND status IN ('Overdue', 'No data')",
            {"p": PARTNER, "q": quarter},
        ).fetchall()[0][0]
        target = con.execute(
            "SELECT target FROM objective_progress WHERE objective_code = $o AND partner_code = $p AND period = $q",
            {"o": OBJECTIVE, "p": PARTNER, "q": quarter},
        ).fetchall()[0][0]
    new_figure = round(target * 1.07, 1)  # better than the target (higher is better): on track

    with serve(today_db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(30_000)

        # --- the officer: sign in, choose council and quarter, download the template ------------------
        sign_in(page, url, LEAD, PASSWORD)
        open_page(page, "Upload figures")
        main = page.get_by_test_id("stMain")
        choose(main.get_by_test_id("stSelectbox").filter(has_text="Council"), COUNCIL)
        choose(main.get_by_test_id("stSelectbox").filter(has_text="Quarter"), quarter)
        button = main.get_by_role("button", name=f"Download the {quarter} template for {PARTNER} (XLSX)")
        with page.expect_download(timeout=30_000) as download:
            button.click()
        template = tmp_path / download.value.suggested_filename
        download.value.save_as(template)
        assert template.suffix == ".xlsx"

        # --- fill it in, send it, see the preview, submit ---------------------------------------------
        filled = fill_template(template, new_figure)
        assert KPI in filled
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(template)
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        expect(main.get_by_test_id("stAlert").filter(has_text=f"{template.name} passed every check")).to_be_visible()
        expect(main.get_by_text(re.compile(rf"^{len(filled)} of \d+ figures are new or different"))).to_be_visible()
        expect(main.get_by_test_id("stDataFrame")).to_be_visible()
        main.get_by_role("button", name="Submit these figures").click()
        settle(page)
        sent = main.get_by_test_id("stAlert").filter(has_text="accepted").inner_text()
        found = re.search(rf"{re.escape(template.name)}: accepted \d+ figures as submission (\d+)", sent)
        assert found, sent
        submission = found.group(1)

        # --- the performance lead approves it ---------------------------------------------------------
        open_page(page, "Approve figures")
        page.locator(f".st-key-approve-{submission} button").click()
        settle(page)
        expect(main.get_by_text(f"Submission {submission} approved")).to_be_visible()

        # --- members see it: Overview and Objective ---------------------------------------------------
        where = urlencode({"quarter": quarter, "partner": PARTNER})
        goto(page, f"{url}/?{where}")
        figure_missing = metric(page, Status.OVERDUE.said) + metric(page, Status.NO_DATA.said)  # the words members read
        assert figure_missing == 0, f"{missing} without a figure before"
        goto(page, f"{url}/objective?{urlencode({'objective': OBJECTIVE, 'quarter': quarter, 'partner': PARTNER})}")
        table = page.locator("table.charter-table", has_text=f"{OBJECTIVE} by partner in {quarter}")
        row = table.locator("tr", has_text=COUNCIL).inner_text()
        assert "On track" in row and f"{new_figure:.1f}%" in row, row
        page.close()
    with store.connect(today_db, read_only=True) as con:
        recorded = con.execute(
            "SELECT submitted_by, reviewed_by FROM core.submission WHERE id = $i", {"i": int(submission)}
        ).fetchall()
    assert recorded == [(LEAD, LEAD)]  # the signed-in person is recorded, not a name typed on the page
