"""Chromium on the demo: members' pages read as people write figures, in the page text and in the screen-reader
tables behind `st.dataframe` (no `None`, `nan`, or a figure with more decimals than its KPI's), and at 390 px
every chart's title and legend lie within the chart."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from metrics import accounts, demo, demo_tickets, store
from metrics.access import Actor
from metrics.framework import read_framework
from tests.browser import serve, settle, sign_in
from tests.conftest import AS_OF

pytestmark = pytest.mark.browser
QUARTER = "2025/26+Q2"
PASSWORD = "a long test password"  # noqa: S105 - the test account's password, in the test database only
PAGES = [  # the members' pages; OBJ04 and ICT09 are the demo's one KPI written to two decimals (a score of 1 to 5)
    "",
    "charter",
    "objective?objective=OBJ05",
    "objective?objective=OBJ04",
    "scorecard?partner=BDC",
    "scorecard?partner=HBBC",
    "kpis?kpi=ICT09",
    "kpis?kpi=FIN01",
    "about",
]
SIGNED_IN = ("Board review", "Actions", "Data collection")  # the board's and an officer's pages, as the board
CHARTS = ["objective?objective=OBJ05", "objective?objective=OBJ04", "kpis?kpi=ICT01"]
# Raw values: pandas' and Python's words for nothing. "None of …" is a sentence, not a cell.
RAW = re.compile(r"\b(?:nan|NaN|NaT|<NA>)\b|\bNone\b(?! of)")
VIEW_WORDS = re.compile(r"\bOverdue\b|\bNo data\b")  # the view's words; members read "Figure overdue", "No figure yet"
DECIMALS = re.compile(r"(?<![\w.])-?[£]?\d[\d,]*\.(\d{2,})(?!\d)")


def too_precise(text: str) -> list[str]:
    """Figures with more decimals than any KPI shown allows: three or more anywhere; two only for a score of 1 to
    5 (ICT09, `decimals: 2`); every other KPI of the demo is written to one decimal or none."""
    found = []
    for match in DECIMALS.finditer(text):
        value = float(match.group(0).replace(",", "").replace("£", ""))
        if len(match.group(1)) > 2 or not 1 <= value <= 5 or "£" in match.group(0):
            found.append(match.group(0))
    return found


@pytest.fixture(scope="module")
def app_url(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("members_text") / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    with store.connect(db) as con:
        accounts.add_user(con, Actor.administrator("tests"), email="board@example.org", role="board", password=PASSWORD)
        accounts.add_user(con, Actor.administrator("tests"), email="admin@example.org", role="admin", password=PASSWORD)
        fw = read_framework(demo.FRAMEWORK)  # a year of the demo's service desk tickets, for the ICT page
        demo_tickets.install(con, demo.desk_plans(fw, AS_OF), fw, AS_OF)
    with serve(db) as url:
        yield url


def _open(page: Page, url: str, path: str) -> None:
    join = "&" if "?" in path else "?"
    page.goto(f"{url}/{path}{join}quarter={QUARTER}")
    settle(page, 120_000)
    assert page.locator("[data-testid='stException']").count() == 0, path
    for summary in page.locator("[data-testid='stMain'] [data-testid='stExpander'] summary").all():
        summary.click()  # the charts' tables are in expanders: open them, so their grids are drawn
    settle(page, 120_000)


def _read(page: Page) -> tuple[str, list[str]]:
    """The main area's text, and the text of each cell of every dataframe's screen-reader table."""
    text = page.locator("[data-testid='stMain']").inner_text()
    cells = page.locator("[data-testid='stDataFrame'] table").evaluate_all(
        "tables => tables.flatMap(t => [...t.querySelectorAll('th, td')].map(c => c.textContent))"
    )
    return text, cells


def _problems(path: str, text: str, cells: list[str], members: bool = True) -> list[str]:
    """What reads wrong on a page; `members`: an objective's status in the view's words too (on the Actions page,
    "Overdue" is an action past its due date)."""
    problems = [f"{path}: page says {m.group(0)!r}" for m in RAW.finditer(text)]
    words = VIEW_WORDS.finditer(text) if members else iter(())
    problems += [f"{path}: page says {m.group(0)!r} (members' words instead)" for m in words]
    problems += [f"{path}: page shows {f}" for f in too_precise(text)]
    problems += [f"{path}: a table's cell reads {c!r}" for c in cells if RAW.search(c) or too_precise(c)]
    return problems


def test_members_pages_and_their_tables_read_as_people_write_figures(browser: Browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems, tables = [], 0
    for path in PAGES:
        _open(page, app_url, path)
        text, cells = _read(page)
        tables += bool(cells)
        assert "Last updated " in text or path == "about", path
        problems += _problems(path or "overview", text, cells)
    page.close()
    assert problems == []
    assert tables >= 6  # the walk read the grids (Overview, Objective, scorecard, KPIs), not nothing


def test_the_board_and_officers_pages_read_the_same(browser: Browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{app_url}/signin?quarter={QUARTER}")
    settle(page, 120_000)
    page.get_by_role("textbox", name="E-mail").fill("board@example.org")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page, 120_000)
    problems = []
    for title in SIGNED_IN:
        link = page.get_by_test_id("stSidebar").get_by_role("link", name=re.compile(title))
        if not link.count():
            continue
        link.first.click()
        settle(page, 120_000)
        text, cells = _read(page)
        problems += _problems(title, text, cells, members=False)
    page.close()
    assert problems == []


def test_at_390_px_each_charts_title_and_legend_lie_within_the_chart(browser: Browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 900})
    outside, seen = [], 0
    for path in CHARTS:
        _open(page, app_url, path)
        for chart in page.locator("[data-testid='stVegaLiteChart']").all():
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            assert box is not None
            parts = chart.locator("svg .role-title, svg .role-legend").evaluate_all(
                "gs => gs.map(g => { const r = g.getBoundingClientRect();"
                " return [g.getAttribute('class'), r.left, r.right, r.width]; })"
            )
            left, right = chart.evaluate("e => [e.getBoundingClientRect().left, e.getBoundingClientRect().right]")
            seen += len(parts)
            outside += [
                f"{path}: {kind} spans {a:.0f}–{b:.0f} px, the chart {left:.0f}–{right:.0f}"
                for kind, a, b, width in parts
                if width and (a < left - 1 or b > right + 1)
            ]
    page.close()
    assert outside == []
    assert seen >= 8  # titles and legends were found and measured


def test_at_390_px_the_service_desks_charts_per_council_are_whole(browser: Browser, app_url: str) -> None:
    """Each council's panel is a chart of its own, one under another on a phone: a facet of fixed-width panels
    three across was cut off at the screen's edge."""
    page = browser.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, app_url, "admin@example.org", PASSWORD)
    page.goto(f"{app_url}/ict?quarter={QUARTER}")
    settle(page, 120_000)
    charts = page.locator("[data-testid='stMain'] [data-testid='stVegaLiteChart']").all()
    cut = []
    for chart in charts:
        chart.scroll_into_view_if_needed()
        inner = chart.locator("svg").first.evaluate(
            "s => [s.getBoundingClientRect().left, s.getBoundingClientRect().right]"
        )
        if inner[0] < -1 or inner[1] > 391:
            cut.append(f"{chart.get_attribute('aria-label') or '?'}: {inner[0]:.0f}–{inner[1]:.0f} px")
    page.close()
    assert cut == []
    assert len(charts) == 9  # three charts, each a panel for each of the demo's three councils with tickets
