"""Signing in and out of the served app in real headless Chromium, with the members' pages private."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from metrics import accounts, store
from metrics.access import Actor
from tests.browser import serve, settle

pytestmark = pytest.mark.browser
EMAIL = "officer@hinckley-bosworth.example"
PASSWORD = "correct horse battery staple"  # noqa: S105 - a test account\'s password


def test_sign_in_then_sign_out(browser: Browser, demo_db: Path) -> None:
    with store.connect(demo_db) as con:
        accounts.add_user(con, Actor.administrator("tests"), email=EMAIL, role="officer", partners=["HBBC"],
                          password=PASSWORD)  # fmt: skip
    with serve(demo_db, env={"CHARTER_PUBLIC": "false"}) as url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        settle(page)
        expect(page.locator("h1").first).to_have_text("Sign in")
        links = page.locator("[data-testid='stSidebarNavLink']")
        expect(links).to_have_count(0)  # one page, Sign in, so no navigation: nothing else is public
        page.get_by_label("E-mail").fill(EMAIL)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        settle(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar).to_contain_text(f"Signed in as {EMAIL} (officer for HBBC)")
        expect(page.locator("h1").first).to_have_text("Overview")
        expect(links.filter(has_text="Upload figures")).to_be_visible()
        assert PASSWORD not in page.content()

        links.filter(has_text="Sign out").click()
        settle(page)
        expect(page.locator("h1").first).to_have_text("Sign in")
        expect(page.get_by_text("You have signed out.")).to_be_visible()
        expect(sidebar).not_to_contain_text("Signed in as")
        expect(links).to_have_count(0)
        assert page.locator("[data-testid='stException']").count() == 0
        page.close()
