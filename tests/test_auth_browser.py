"""Signing in and out of the served app in real headless Chromium, with the members' pages private: a sign-in kept
across a reload and a new tab, eight browsers failing at once, and an account changed while its tab is open.

One app is served for the module; each test signs in as its own account in its own browser context.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from metrics import accounts, store
from metrics.access import Actor
from tests.browser import menu, open_page, serve, settle
from tests.conftest import table_contents

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account\'s password
ADMIN = Actor.administrator("tests")
EMAIL = "officer@hinckley-bosworth.example"
KEEPS, LOCKED, LEAVER, DEMOTED = (
    f"{name}@hinckley-bosworth.example" for name in ("keeps", "locked", "leaver", "demoted")
)
COOKIE = "charter_signin"
WRONG = "The e-mail or password is wrong, or the account may not sign in."
LOCKED_OUT = re.compile(
    r"^Too many failed attempts: this account is locked until \d\d:\d\d; try again then, or ask an administrator\.$"
)
DISABLED = (
    "Your account has been disabled, so you were signed out. "
    "Ask the partnership's performance lead if this is a mistake."
)


@pytest.fixture(scope="module")
def app(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("auth") / "charter.duckdb"
    shutil.copy(_demo_template, db)
    with store.connect(db) as con:
        for email in (EMAIL, KEEPS, LOCKED, LEAVER, DEMOTED):
            accounts.add_user(con, ADMIN, email=email, role="officer", partners=["HBBC"], password=PASSWORD)
    with serve(db, env={"CHARTER_PUBLIC": "false"}) as url:
        yield url, db


def _sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def _signed_out(page: Page) -> None:
    expect(page.locator("h1").first).to_have_text("Sign in")
    expect(_sidebar(page)).not_to_contain_text("Signed in as")
    expect(menu(page)).to_have_count(0)


def sign_in(page: Page, url: str, email: str, password: str, query: str = "") -> None:
    """Sign in on the Sign in page, which is the app's front page while the members' pages are private."""
    page.goto(f"{url}/{query}")
    settle(page)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(_sidebar(page)).to_contain_text(f"Signed in as {email}")


def _error(page: Page) -> Locator:
    """The words of the page's error message (without its icon's name)."""
    return page.get_by_test_id("stAlertContentError").get_by_test_id("stMarkdownContainer")


def _cookie(context: BrowserContext, count: int = 1) -> list[str]:
    """The sign-in cookie's values once there are `count` of them: the page's script sets or clears it just after
    the run that signed in or out has drawn, so a loaded machine may show the page a moment before."""
    deadline = time.monotonic() + 15
    while True:
        found = [c["value"] for c in context.cookies() if c["name"] == COOKIE]
        if len(found) == count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_sign_in_then_sign_out(app: tuple[str, Path], context: BrowserContext) -> None:
    url, _ = app
    page = context.new_page()
    page.goto(url)
    settle(page)
    expect(page.locator("h1").first).to_have_text("Sign in")
    links = menu(page)
    expect(links).to_have_count(0)  # one page, Sign in, so no navigation: nothing else is public
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(_sidebar(page)).to_contain_text(f"Signed in as {EMAIL} (officer for HBBC)")
    expect(page.locator("h1").first).to_have_text("Overview")
    expect(links.filter(has_text="Upload figures")).to_be_visible()
    assert PASSWORD not in page.content()

    links.filter(has_text="Sign out").click()
    settle(page)
    _signed_out(page)
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_sign_in_survives_a_reload_and_a_new_tab_until_sign_out_or_disable(
    app: tuple[str, Path], context: BrowserContext
) -> None:
    url, db = app
    page = context.new_page()
    sign_in(page, url, KEEPS, PASSWORD, "?quarter=2025/26+Q2")
    [token] = _cookie(context)
    [cookie] = [c for c in context.cookies() if c["name"] == COOKIE]
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    page.reload()
    settle(page)
    expect(_sidebar(page)).to_contain_text(f"Signed in as {KEEPS} (officer for HBBC)")
    assert token not in page.url and "quarter=" in page.url  # the URL keeps the view, never the sign-in
    tab = context.new_page()  # a new tab, opened at a copied link
    tab.goto(page.url)
    settle(tab)
    expect(_sidebar(tab)).to_contain_text(f"Signed in as {KEEPS} (officer for HBBC)")
    assert token not in tab.url

    open_page(page, "Sign out")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert _cookie(context, count=0) == []  # the browser forgets it...
    context.add_cookies([{**cookie}])  # ...and a copy kept from before is refused: it was revoked
    page.reload()
    settle(page)
    _signed_out(page)

    sign_in(page, url, KEEPS, PASSWORD)
    [token] = _cookie(context)
    with store.connect(db) as con:
        accounts.set_disabled(con, ADMIN, KEEPS)
    tab.reload()
    settle(tab)
    _signed_out(tab)
    with store.connect(db, read_only=True) as con:
        assert accounts.resume(con, token) is None


def test_eight_browsers_failing_at_once_lock_the_account(app: tuple[str, Path], browser: Browser) -> None:
    url, db = app
    contexts = [browser.new_context(viewport={"width": 1400, "height": 900}) for _ in range(8)]
    pages = [c.new_page() for c in contexts]
    for page in pages:
        page.goto(url)  # the Sign in page
        settle(page)
        page.get_by_label("E-mail").fill(LOCKED)
        page.get_by_label("Password", exact=True).fill("not the password")
    for page in pages:  # each click returns at once; the eight checks run together on the server
        page.get_by_role("button", name="Sign in").click(no_wait_after=True)
    said = []
    for page in pages:
        settle(page)
        expect(_error(page)).to_be_visible(timeout=60_000)  # eight password checks share two cores
        said.append(_error(page).inner_text().strip())
    assert sorted(s for s in said if not LOCKED_OUT.match(s)) == [WRONG] * 4, said
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT failed_attempts FROM core.account WHERE email = $e", {"e": LOCKED}).fetchall() == [
            (8,)
        ]
    page = pages[0]
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(_error(page)).to_have_text(LOCKED_OUT)
    _signed_out(page)
    for c in contexts:
        c.close()


def test_a_disabled_officers_open_tab_can_no_longer_submit(
    app: tuple[str, Path], context: BrowserContext, tmp_path: Path
) -> None:
    url, db = app
    page = context.new_page()
    sign_in(page, url, LEAVER, PASSWORD, "?quarter=2025/26+Q2")
    open_page(page, "Upload figures")
    figures = tmp_path / "figures.csv"
    figures.write_text("partner,period,kpi,value\nHBBC,2025/26 Q2,DS01,63.0\n", encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(figures)
    settle(page)
    expect(page.get_by_text("figures.csv passed every check")).to_be_visible()
    with store.connect(db) as con:
        accounts.set_disabled(con, ADMIN, LEAVER)
    before = table_contents(db)
    page.get_by_role("button", name="Submit these figures").click()
    settle(page)
    expect(page.get_by_text(DISABLED)).to_be_visible()
    _signed_out(page)
    assert table_contents(db) == before
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_downgraded_account_loses_the_pages_at_its_next_action(
    app: tuple[str, Path], context: BrowserContext
) -> None:
    url, db = app
    page = context.new_page()
    sign_in(page, url, DEMOTED, PASSWORD)
    open_page(page, "Upload figures")
    with store.connect(db) as con:
        accounts.add_user(con, ADMIN, email=DEMOTED, role="viewer")
    open_page(page, "KPIs")
    expect(_sidebar(page)).to_contain_text(f"Signed in as {DEMOTED} (viewer)")
    links = menu(page)
    expect(links.filter(has_text="KPIs")).to_be_visible()
    for title in ("Upload figures", "Data collection", "Submission history", "ICT service desk"):
        expect(links.filter(has_text=title)).to_have_count(0)
