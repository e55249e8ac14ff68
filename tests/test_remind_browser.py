"""The links in the e-mails open the right page, and "My notices" works and reads well, in real headless Chromium.

One app is served for the module; the notices are gathered as `charter remind` gathers them, with the served app's
address as the base URL, and each link is opened in a signed-in browser as its recipient would.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics import accounts, board, remind, store
from metrics.access import Actor
from metrics.board import ActionInput
from metrics.notices import RemindSettings
from tests.browser import menu, open_page, serve, settle, sign_in
from tests.conftest import AS_OF
from tests.test_members_walk import _violations

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account's password
ADMIN = Actor.administrator("tests")
MO, CHAIR = "mo@melton.example", "chair@lictp.example"
OBJ01 = "Nine in ten staff and councillors trained in digital skills by March 2026"
SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def app(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("remind") / "charter.duckdb"
    shutil.copy(_demo_template, db)
    with store.connect(db, as_of=AS_OF) as con:
        accounts.add_user(con, ADMIN, email=MO, role="officer", partners=["MBC"], name="Mo Officer", password=PASSWORD)
        accounts.add_user(con, ADMIN, email=CHAIR, role="board", name="Chris Chair", password=PASSWORD)
        board.record_action(
            con, objective="OBJ05", action=ActionInput("Publish a guide", CHAIR, date(2025, 11, 1)), by=ADMIN
        )
        board.record_action(
            con, objective="OBJ01", action=ActionInput("Check the forms", MO, date(2025, 11, 25)), by=ADMIN
        )
    with serve(db) as url:
        yield url, db


def _links(db: Path, url: str, email: str) -> list[tuple[str, str]]:
    with store.connect(db, read_only=True, as_of=AS_OF) as con:
        plan = remind.gather(con, AS_OF, RemindSettings(base_url=url))
    [letter] = [letter for letter in plan.letters if letter.email == email]
    return [link for notice in letter.notices for link in notice.links]


def _heading(page: Page) -> str:
    return page.get_by_test_id("stMain").locator("h1").first.inner_text().strip()


@pytest.mark.parametrize(
    ("email", "headings"),
    [
        (MO, ["Send quarterly figures", "Data collection", f"OBJ01 {OBJ01}"]),
        (CHAIR, None),  # Actions, and the Risks and Contracts pages of the business's notices: each link's own name
    ],
)
def test_each_link_in_an_email_opens_its_page_for_its_recipient(
    browser: Browser, app: tuple[str, Path], email: str, headings: list[str] | None
) -> None:
    url, db = app
    links = _links(db, url, email)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    sign_in(page, url, email, PASSWORD)
    seen = []
    for _label, href in links:
        page.goto(href)  # a new session, kept signed in by the cookie, as a click in the e-mail opens it
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0, href
        seen.append(_heading(page))
        if "quarter=" in href:  # the quarter and council of the link are the page's selection, kept in the menu
            kept = "?quarter=2025%2F26+Q2" + ("&partner=MBC" if "partner=MBC" in href else "")
            assert (menu(page).first.get_attribute("href") or "").endswith(kept), href
    context.close()
    assert seen == (headings if headings is not None else [label for label, _ in links])
    assert email != CHAIR or {"Actions", "Risks", "Contracts"} <= set(seen)


def test_my_notices_saves_a_choice_passes_axe_and_fits_a_phone(browser: Browser, app: tuple[str, Path]) -> None:
    url, db = app
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    sign_in(page, url, MO, PASSWORD, query="?quarter=2025/26+Q2")
    open_page(page, "My notices")
    assert _heading(page) == "My notices"
    assert _violations(page) == []
    page.screenshot(path=str(SHOTS / "my-notices.png"), full_page=True)
    page.get_by_test_id("stMain").get_by_text("Figures for my councils due soon").click()
    page.get_by_role("button", name="Save my choices").click()
    settle(page)
    expect(page.get_by_text("Saved: you get 3 of the 4 kinds of notice.")).to_be_visible()
    with store.connect(db, read_only=True) as con:
        saved = con.execute(
            "SELECT kind, wanted FROM core.notice_preference WHERE email = $e ORDER BY kind", {"e": MO}
        ).fetchall()
    assert saved == [
        ("board_actions", True), ("figures_due", False), ("figures_overdue", True), ("submission_reviewed", True),
    ]  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.screenshot(path=str(SHOTS / "my-notices-phone.png"), full_page=True)
    context.close()
