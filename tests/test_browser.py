"""The served app in real headless Chromium: the Overview renders with no exception, on desktop and phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve, settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_overview_renders_in_chromium(browser: Browser, demo_db: Path, width: int) -> None:
    with serve(demo_db) as url:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{url}/?quarter=2024/25+Q3&partner=BDC")
        settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.get_by_role("heading", name="Overview").is_visible()
        assert "Blaby District Council" in page.locator("[data-testid='stCaptionContainer']").first.inner_text()
        table = page.locator("table.charter-table").first
        assert "Digital Councils" in table.inner_text()
        assert "quarter=2024/25 Q3&partner=BDC" in unquote_plus(page.url)
        page.close()
