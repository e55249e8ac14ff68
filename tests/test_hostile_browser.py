"""Hostile files (issue 12) uploaded to one served app in Chromium: each refused with its message, the server
still answers, and the page still takes a good file afterwards (a reader that aborted would end the server)."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metrics import accounts, store
from metrics.access import Actor
from tests.browser import open_page, serve, settle, sign_in
from tests.perf import hostile
from tests.test_hostile_files import BEYOND, SPLIT_FIGURES, SPLIT_TICKETS, TICKETS

pytestmark = pytest.mark.browser
ADMIN, PASSWORD = "lead@example.org", "a long test password"

FIGURES = [  # (file, its bytes, the problem shown)
    ("last-cell.xlsx", hostile.last_cell(),
     f"The sheet 'Figures' reaches row 1,048,576 (XFD1048576), over the limit of 200,000 rows for a figures file; "
     f"{BEYOND}{SPLIT_FIGURES}"),
    ("stray-cell.xlsx", hostile.stray_cell(),
     "The sheet 'Figures' spans 200,000 rows by 100 columns (20,000,000 cells, up to CV200000), over the limit of "
     f"2,000,000 cells for a figures file; {BEYOND}{SPLIT_FIGURES}"),
    ("bomb.xlsx", hostile.bomb(),
     f"Xl/worksheets/sheet1.xml inside the file unpacks to 2 GB, over the limit of 256 MB for a figures file; "
     f"{SPLIT_FIGURES}"),
    ("repeated.ods", hostile.repeated_row(),
     "The sheet 'Figures' spans 100,001 rows by 60 columns (6,000,060 cells, up to BH100001; a row repeated 100,000 "
     f"times), over the limit of 2,000,000 cells for a figures file; {BEYOND}{SPLIT_FIGURES}"),
]  # fmt: skip
EXPORTS = [
    ("last-cell.xlsx", hostile.last_cell(),
     "last-cell.xlsx: the sheet 'Figures' reaches column XFD (16,384 columns), over the limit of 1,000 columns for a "
     f"ticket export; {BEYOND}{SPLIT_TICKETS}"),
    ("bomb.xlsx", hostile.bomb(),
     "bomb.xlsx: xl/worksheets/sheet1.xml inside the file unpacks to 2 GB, over the limit of 1 GB for a ticket "
     f"export; {SPLIT_TICKETS}"),
]  # fmt: skip


@pytest.fixture(scope="module")
def app(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    with store.connect(db) as con:
        accounts.add_user(con, Actor.administrator("tests"), email=ADMIN, role="admin", password=PASSWORD)
    with serve(db) as url:
        yield url, folder


def healthy(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:  # noqa: S310 - our own test server
        return bool(answer.read().decode() == "ok")


def upload(page: Page, path: Path) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(path)
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0


def test_hostile_files_are_refused_on_both_upload_pages_and_the_app_goes_on(
    browser: Browser, app: tuple[str, Path]
) -> None:
    url, folder = app
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    sign_in(page, url, ADMIN, PASSWORD)
    main = page.get_by_test_id("stMain")

    open_page(page, "Upload figures")
    for name, data, shown in FIGURES:
        (folder / name).write_bytes(data)
        upload(page, folder / name)
        expect(
            main.get_by_test_id("stAlert").filter(has_text=f"{name} was not loaded: 1 problem needs fixing")
        ).to_be_visible()
        expect(main.get_by_test_id("stDataFrame")).to_contain_text(shown)
        assert healthy(url)
    (folder / "good.csv").write_text("partner,period,kpi,value,note\nHBBC,2025/26 Q2,DS01,71.5%,\n")
    upload(page, folder / "good.csv")
    expect(main.get_by_test_id("stAlert").filter(has_text="good.csv passed every check: 1 figures")).to_be_visible()

    open_page(page, "ICT service desk")
    for name, data, shown in EXPORTS:
        (folder / name).write_bytes(data)
        upload(page, folder / name)
        expect(main.get_by_test_id("stAlert").filter(has_text=shown)).to_be_visible()
        assert healthy(url)
    (folder / "incident.csv").write_text(TICKETS)
    upload(page, folder / "incident.csv")
    expect(main.get_by_text("incident.csv: ServiceNow export · 2 rows · 2 tickets can be imported")).to_be_visible()
    assert healthy(url)
