"""User text as plain text in real Chromium: with every name, note, comment and file name a Markdown image, link
or HTML pointing at a local server that counts requests, no page makes the browser fetch it or link to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import open_page, serve, settle, sign_in
from tests.test_plaintext import ADMIN, PASSWORD, hostile, hostile_database

pytestmark = pytest.mark.browser

PAGES = ["Overview", "Charter", "Objective", "Partner scorecard", "KPIs", "About", "Upload figures", "Data collection",
         "Approve figures", "Submission history", "ICT service desk", "Board review", "Actions", "Admin"]  # fmt: skip
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


class _Pixel(BaseHTTPRequestHandler):
    """Answers anything with a 1x1 GIF and remembers the path asked for."""

    def do_GET(self) -> None:  # http.server's name
        self.server.asked.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(GIF)

    do_HEAD = do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def pixel() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that counts requests: the address the hostile text points at, and what it was asked."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pixel)
    server.asked = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pixel", server.asked  # type: ignore[attr-defined]
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def app_url(
    _demo_template: Path, tmp_path_factory: pytest.TempPathFactory, pixel: tuple[str, list[str]]
) -> Iterator[str]:
    """One served app for the module, on a demo database whose user text is hostile."""
    db = tmp_path_factory.mktemp("plaintext") / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    hostile_database(db, pixel[0])
    with serve(db) as url:
        yield url


def _links_and_images(page: Page, target: str) -> list[str]:
    """Every link, image, frame or source in the page (the sidebar too) that points at `target` or runs script."""
    return page.evaluate(
        """target => [...document.querySelectorAll('a[href], img[src], iframe[src], source[src], [srcset]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('srcset'))
            .filter(v => v.includes(target) || v.trim().toLowerCase().startsWith('javascript:'))""",
        target,
    )


def test_no_page_fetches_or_links_what_users_wrote(
    browser: Browser, app_url: str, pixel: tuple[str, list[str]]
) -> None:
    url, asked = pixel
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    tried: list[str] = []
    page.on("request", lambda r: tried.append(r.url) if r.url.startswith(url) else None)
    sign_in(page, app_url, ADMIN.email, PASSWORD, "?quarter=2025/26+Q2")
    for title in PAGES:
        open_page(page, title)
        settle(page)
        assert _links_and_images(page, url) == [], title
        if title == "Objective":  # the title is shown as written, brackets and all
            heading = page.locator("h1").first.inner_text().replace("\u2060", "")
            assert heading == f"OBJ01 {hostile('objective-OBJ01', url)}"
    page.wait_for_timeout(1000)  # time for any late image request to arrive
    assert (tried, asked) == ([], [])
    page.close()


def test_the_tables_offer_no_download_of_their_own(browser: Browser, app_url: str) -> None:
    # Their "Download as CSV" writes cells as they are, formulas included; Charter's own downloads neutralise them.
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    sign_in(page, app_url, ADMIN.email, PASSWORD, "?quarter=2025/26+Q2")
    open_page(page, "Actions")
    table = page.locator("[data-testid='stDataFrame']").first
    table.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    toolbar.wait_for(state="attached")
    assert toolbar.get_by_role("button", name="Search").count() == 1  # the toolbar is there...
    assert toolbar.get_by_role("button", name="Download as CSV").count() == 0  # ...without its download
    assert page.get_by_role("button", name="Download these actions (CSV)").count() == 1
    page.close()
