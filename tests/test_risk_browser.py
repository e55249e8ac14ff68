"""The Risks and Contracts pages in real headless Chromium: each renders for each role with no serious or critical
axe violation and fits a phone; a board member re-scores a risk and sees it in the next board pack."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics import accounts, store
from metrics.access import Actor
from tests.browser import OVERFLOW, open_page, serve, settle, sign_in
from tests.test_members_walk import _charts_without_their_alternative, _violations

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"  # noqa: S105 - the test accounts' password, in the test database only
ROLES = ["viewer", "officer", "board", "admin"]


@pytest.fixture(scope="module")
def app(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One served app for the module, with an account for each role."""
    db = tmp_path_factory.mktemp("risks") / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    with store.connect(db) as con:
        for role in ROLES:
            accounts.add_user(con, Actor.administrator("tests"), email=f"{role}@example.org", role=role,
                              partners=["MBC"] if role == "officer" else [], password=PASSWORD)  # fmt: skip
    with serve(db) as url:
        yield url, db


def _page(browser: Browser, url: str, role: str, width: int = 1400) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True).new_page()
    sign_in(page, url, f"{role}@example.org", PASSWORD, "?quarter=2025/26+Q2")
    return page


@pytest.mark.parametrize("role", ROLES)
def test_the_risks_and_contracts_pages_have_no_serious_or_critical_violation(
    browser: Browser, app: tuple[str, Path], role: str
) -> None:
    page = _page(browser, app[0], role)
    problems = {}
    for title in ("Risks", "Contracts"):
        open_page(page, title)
        expect(page.locator("h1").first).to_have_text(title)
        found = _violations(page) + _charts_without_their_alternative(page)
        if found:
            problems[title] = found
    page.context.close()
    assert not problems, problems


def test_the_heat_map_names_its_risks_in_words(browser: Browser, app: tuple[str, Path]) -> None:
    page = _page(browser, app[0], "viewer")
    open_page(page, "Risks")
    table = page.locator("table.charter-table").filter(has=page.locator("caption", has_text="Heat map now"))
    row = table.locator("tbody tr").filter(has=page.locator("th", has_text="4 Significant"))
    expect(row.locator("td").nth(2)).to_contain_text("Risks 2, 8")
    expect(row.locator("td").nth(2)).to_contain_text("score 12, Medium Risk")
    page.context.close()


@pytest.mark.parametrize("title", ["Risks", "Contracts"])
def test_the_pages_fit_a_phone(browser: Browser, app: tuple[str, Path], title: str, tmp_path: Path) -> None:
    page = _page(browser, app[0], "board", width=390)
    page.get_by_test_id("stExpandSidebarButton").click()  # on a narrow window the sidebar folds away
    open_page(page, title)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    overflowing = page.evaluate(OVERFLOW)
    page.context.close()
    assert wide <= 390
    assert overflowing == []


def test_a_board_member_rescores_a_risk_and_sees_it_in_the_next_board_pack(
    browser: Browser, app: tuple[str, Path], tmp_path: Path
) -> None:
    url, db = app
    page = _page(browser, url, "board")
    open_page(page, "Risks")
    form = page.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="Record the scoring"))
    for label, option in (("Risk", "4 ·"), ("Likelihood now", "5 High"), ("Impact now", "4 Catastrophic")):
        box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True))
        box.locator("input").click()
        page.keyboard.type(option)
        page.keyboard.press("Enter")
        expect(box.locator("input")).to_have_value(re.compile(re.escape(option)))
        settle(page)
    form.get_by_role("textbox", name="Note (optional)").fill("Two key staff have given notice.")
    form.get_by_role("button", name="Record the scoring").click()
    settle(page)
    expect(page.get_by_text("Risk 4 scored 20 (5 High × 4 Catastrophic).")).to_be_visible()
    open_page(page, "Board review")
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Board pack (PDF)").click()
    pdf = tmp_path / "pack.pdf"
    download.value.save_as(pdf)
    page.context.close()
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout)
    assert "7. Risks and contracts falling due" in text
    assert "4 Ensuring the partnership has the right level of skills" in text
    assert "5 High × 4 Catastrophic = 20 High Risk" in text
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT recorded_by, source FROM core.risk_score ORDER BY id DESC LIMIT 1").fetchall() == [
            ("board@example.org", "form")
        ]
