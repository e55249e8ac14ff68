"""The Partnership pages in real headless Chromium (issue 15): Money and Options appraisal render for every
signed-in role with no serious or critical axe violation, at 1400 px and at 390 px with no sideways scroll;
anonymous visitors are never offered them, even with CHARTER_PUBLIC on; the board records a realised saving
through the form, and a viewer sees no form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from metrics import accounts, store
from metrics.access import Actor
from tests.browser import menu, offered, serve, settle, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"  # noqa: S105 - the test accounts' password, in the test database only
ROLES = ["viewer", "officer", "board", "admin"]
PAGES = ["Money", "Options appraisal"]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE = Axe()


@pytest.fixture(scope="module")
def app(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("money-browser") / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    with store.connect(db) as con:
        for role in ROLES:
            accounts.add_user(
                con,
                Actor.administrator("tests"),
                email=f"{role}@example.org",
                role=role,
                partners=["HBBC"] if role == "officer" else [],
                password=PASSWORD,
            )
    with serve(db, env={"CHARTER_PUBLIC": "true"}) as url:
        yield url, db


def _serious(page: Page) -> list[str]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {n['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical") or v["id"] == "heading-order"
        for n in v["nodes"]
    ]


def _open(page: Page, title: str) -> None:
    if page.get_by_test_id("stExpandSidebarButton").count():  # on a narrow window the sidebar folds away
        page.get_by_test_id("stExpandSidebarButton").click()
    menu(page).filter(has_text=title).last.click()
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0, title


def test_anonymous_visitors_are_never_offered_the_partnership_pages(browser: Browser, app: tuple[str, Path]) -> None:
    url, _ = app
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{url}/")
    settle(page)
    assert "Overview" in offered(page)  # the public setting is on: members' pages are open
    assert not set(PAGES) & set(offered(page))
    page.goto(f"{url}/money")  # a page left out of the navigation cannot be reached by its address
    settle(page)
    expect(page.get_by_role("heading", name="Money")).to_have_count(0)
    assert "£" not in page.get_by_test_id("stMain").inner_text()
    page.close()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_the_partnership_pages_accessibly(browser: Browser, app: tuple[str, Path], role: str) -> None:
    url, _ = app
    problems: dict[str, list[str]] = {}
    for width in (1400, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, url, f"{role}@example.org", PASSWORD)
        assert [t for t in offered(page) if t in PAGES] == PAGES
        for title in PAGES:
            _open(page, title)
            found = _serious(page)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                found.append(f"the page is {wide} px wide at {width} px")
            if found:
                problems[f"{title} at {width} px"] = found
        _open(page, "Money")
        forms = page.get_by_role("button", name="Record the amount").count()
        assert forms == (1 if role in ("board", "admin") else 0), role
        context.close()
    assert not problems, problems


def test_money_page_says_the_seed_figures_and_flags_invented_ones(browser: Browser, app: tuple[str, Path]) -> None:
    url, _ = app
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, url, "viewer@example.org", PASSWORD)
    _open(page, "Money")
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("runs from 1 January 2022 to 31 December 2026")
    expect(main).to_contain_text("7 objectives fall due after the agreement ends")
    expect(main).to_contain_text("MBC is charged £314,902, £3,902 over its budget of £311,000")
    expect(main).to_contain_text("£277k service + £34k web budget")
    expect(main).to_contain_text(
        "MBC: £52,000 in all (£10,000 capital in 2020/21, £7,000 capital in 2021/22, £35,000 revenue in 2021/22)."
    )
    expect(main.get_by_role("cell", name="Illustrative").first).to_be_visible()
    _open(page, "Options appraisal")
    expect(main).to_contain_text("b) Lead authority, insourced scores highest (49)")
    expect(main).to_contain_text("Illustrative scores.")
    page.close()


def test_the_board_records_a_realised_saving_through_the_form(browser: Browser, app: tuple[str, Path]) -> None:
    url, db = app
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    sign_in(page, url, "board@example.org", PASSWORD)
    _open(page, "Money")
    box = page.get_by_role("combobox", name="Saving", exact=True)
    box.click()
    page.keyboard.type("SV4 Shared cyber security tooling (2022/23)")
    page.keyboard.press("Enter")
    expect(box).to_have_value("SV4 Shared cyber security tooling (2022/23)")
    page.get_by_label("Realised (£)").fill("21000")
    page.get_by_role("button", name="Record the amount").click()
    settle(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("Recorded £21,000 realised for SV4 in 2022/23.")
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT realised FROM saving WHERE code = 'SV4' AND financial_year = '2022/23'").fetchall()
        audit = con.execute("SELECT actor, action FROM audit ORDER BY id DESC LIMIT 1").fetchall()
    assert rows == [(21000.0,)]
    assert audit == [("board@example.org", "record realised saving")]
    page.close()
