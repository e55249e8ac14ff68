"""The served app in real headless Chromium: every page renders, on desktop and phone, and links reproduce views."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import serve, settle

pytestmark = pytest.mark.browser
PAGES = {
    "": "Overview",
    "charter": "The Partnership Charter",
    "objective?objective=OBJ05": "OBJ05 Cut service desk tickets",
    "scorecard": "Hinckley & Bosworth Borough Council: scorecard",
    "kpis": "KPIs",
    "about": "About Charter",
}


@pytest.fixture(scope="module")
def app_url(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    with serve(db) as url:
        yield url


def _assert_rendered(page: Page, heading: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert heading in page.locator("h1").first.inner_text()
    for chart in page.locator("[data-testid='stVegaLiteChart']").all():
        chart.scroll_into_view_if_needed()
        box = chart.locator("canvas, svg").first.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 30, "an empty chart"


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders(browser: Browser, app_url: str, path: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{app_url}/{path}")
    settle(page)
    _assert_rendered(page, PAGES[path])
    page.close()


def test_a_copied_link_opens_the_same_partner_quarter_and_objective(browser: Browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{app_url}/objective?objective=OBJ07&quarter=2024/25+Q3&partner=MBC")
    settle(page)
    assert page.locator("h1").first.inner_text().startswith("OBJ07")
    # Change the quarter in the sidebar, as a reader would, then copy the address.
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.locator("input").click()
    page.keyboard.type("2023/24 Q2")
    page.keyboard.press("Enter")
    settle(page)
    copied = page.url
    assert "quarter=2023/24 Q2" in unquote_plus(copied)
    fresh = browser.new_page(viewport={"width": 1400, "height": 900})
    fresh.goto(copied)
    settle(fresh)
    assert fresh.locator("h1").first.inner_text().startswith("OBJ07")
    assert "In 2023/24 Q2" in fresh.locator("h2").all_inner_texts()
    caption = fresh.locator("table.charter-table caption").first.inner_text()
    assert caption == "OBJ07 by partner in 2023/24 Q2"
    assert "Melton Borough Council" in fresh.locator("table.charter-table").first.inner_text()
    assert "Blaby District Council" not in fresh.locator("table.charter-table").first.inner_text()
    page.close()
    fresh.close()
