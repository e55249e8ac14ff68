"""The Board review page in real headless Chromium: record the meeting and a review, then download the pack."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from metrics import accounts, store
from metrics.access import Actor
from tests.browser import open_page, serve, settle, sign_in

pytestmark = pytest.mark.browser
LEAD, PASSWORD = "lead@example.org", "a long test password"  # a local account, created in the test database


def _choose(page: Page, label: str, option: str) -> None:
    """Pick an option in a select box the way a person does: click it, type, press Enter."""
    box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    expect(box.locator("input")).to_have_value(re.compile(re.escape(option)))


def _said(page: Page, message: str) -> None:
    """Wait (as a person would) for the page to say `message`; on failure, show what it said instead."""
    try:
        expect(page.get_by_text(message)).to_be_visible(timeout=30_000)
    except AssertionError as exc:
        errors = page.locator("[data-testid='stAlertContentError']").all_inner_texts()
        raise AssertionError(f"the page did not say {message!r}; its errors: {errors}") from exc


def _form(page: Page, button: str) -> Locator:
    return page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name=button))


def test_a_review_recorded_in_the_browser_reaches_the_board_pack(
    browser: Browser, _demo_template: Path, tmp_path: Path
) -> None:
    db = tmp_path / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    with store.connect(db) as con:
        accounts.add_user(con, Actor.administrator("tests"), email=LEAD, role="admin", password=PASSWORD)
    with serve(db) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        sign_in(page, url, LEAD, PASSWORD, "?quarter=2025/26+Q2")
        open_page(page, "Board review")
        assert page.locator("h1").first.inner_text() == "Board review"
        assert "quarter=2025%2F26+Q2" in page.url  # the quarter reviewed, chosen when the session began
        assert page.locator("[data-testid='stException']").count() == 0

        meeting = _form(page, "Record the meeting")
        meeting.get_by_role("textbox", name="Date of the meeting").fill("18/11/2025")
        meeting.get_by_role("textbox", name="Who attended").fill("Chief Executive (HBBC)\nDirector (MBC)")
        meeting.get_by_role("button", name="Record the meeting").click()
        settle(page)
        _said(page, "Meeting recorded for the 2025/26 Q2 review.")

        _choose(page, "Objective", "OBJ07")
        settle(page)
        _choose(page, "The board's assessment", "Off track")
        _choose(page, "Decision", "action agreed")
        review = _form(page, "Record the review")
        review.get_by_role("textbox", name="Comment").fill("Blaby to explain the fall in online payments.")
        review.get_by_role("textbox", name="What is to be done").fill("Report on the payment portal")
        review.get_by_role("textbox", name="Action owner").fill("Head of Digital (BDC)")
        review.get_by_role("textbox", name="Due date").fill("27/02/2036")
        review.get_by_role("button", name="Record the review").click()
        settle(page)
        _said(page, "The board's review of OBJ07 is recorded.")
        record = page.get_by_text(re.compile(r"Action \(open\): Report on the payment portal")).first
        expect(record).to_be_visible()

        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name="Board pack (PDF)").click()
        pdf = tmp_path / "pack.pdf"
        download.value.save_as(pdf)
        page.close()
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT objective_code, decision, recorded_by FROM core.board_review").fetchall() == [
            ("OBJ07", "action agreed", LEAD)
        ]
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert "decision: action agreed. Blaby to explain the fall in online payments." in text
