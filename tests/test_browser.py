"""The served app in real headless Chromium: every page renders, on desktop and phone, and links reproduce views."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import Browser, Page

from metrics import queries, store
from metrics.periods import parse_period
from metrics.status import Status
from tests.browser import serve, settle
from tests.conftest import AS_OF

pytestmark = pytest.mark.browser
PAGES = {
    "": "Overview",
    "charter": "The Partnership Charter",
    "objective?objective=OBJ05": "OBJ05 Cut service desk tickets",
    "scorecard": "Hinckley & Bosworth Borough Council: scorecard",
    "kpis": "KPIs",
    "about": "About Charter",
}
# The default quarter on the day the demo was made (AS_OF); the served app's "today" is the real date, whose
# default quarter the demo has no figures for, so the page is opened on this one.
DEMO_QUARTER = "2025/26 Q2"


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


def test_every_off_track_objective_is_named_high_on_the_overview(
    browser: Browser, app_url: str, _demo_template: Path, tmp_path: Path
) -> None:
    with store.connect(_demo_template, read_only=True, as_of=AS_OF) as con:
        rows = queries.running(queries.progress_for_period(con, parse_period(DEMO_QUARTER)))
    off = rows[rows["status"] == Status.OFF_TRACK.word]
    assert len(off) >= 5
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    page.goto(f"{app_url}/?quarter={DEMO_QUARTER}")
    settle(page)
    for r in off.itertuples():
        # each council's block in the one piece of Markdown that lists them (dashboard/attention.py)
        council = page.locator(".charter-attention > div").filter(has=page.get_by_role("heading", name=r.partner_name))
        link = council.get_by_role("link", name=f"{r.objective_code} {r.objective_title}", exact=True)
        box = link.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 1200, (r.partner_code, r.objective_code, box)
        item = link.locator("xpath=..")
        assert item.evaluate("e => e.scrollWidth <= e.clientWidth"), f"{r.objective_code}'s name is cut off"
    page.screenshot(path=tmp_path / "overview-1400.png")
    page.set_viewport_size({"width": 390, "height": 1200})
    settle(page)
    page.screenshot(path=tmp_path / "overview-390.png")
    page.close()
