"""Issue 13's Done-when walk, in Debian's Chromium on the demo as of today (so the quarter the app opens on has
figures): for every role, every page offered passes axe with no serious or critical violation (nor a heading
out of order) and nothing excluded, says in the menu which page it is, and gives every chart its sentence, table
and download (the accessibility statement's promise); at 390 px no page scrolls sideways and choosing a page
from the menu closes the menu; the Overview at 1400 px names every off-track objective of the default quarter
above 1,200 px; and the Partner scorecard's button downloads the council's one-page scorecard (PDF).

One app is served for the module; each test walks it in its own browser profile, through the menu, as a person
does. A check fails with every page and problem it found listed, so one run shows all that is left to do.
"""

from __future__ import annotations

import re
import subprocess
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from metrics import accounts, demo, queries, store
from metrics.access import Actor
from metrics.periods import last_complete_quarter
from metrics.status import Status
from tests.browser import OVERFLOW, menu, offered, serve, settle, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"  # noqa: S105 - the test accounts' password, in the test database only
ACCOUNTS = {  # role: (e-mail, councils); the public signs in as nobody
    "viewer": ("viewer@example.org", []),
    "officer": ("officer@example.org", ["HBBC"]),
    "board": ("board@example.org", []),
    "admin": ("admin@example.org", []),
}
ROLES = ["public", *ACCOUNTS]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]  # every rule with these tags
FAILING = {"serious", "critical"}
ALWAYS_FAILING = {"heading-order"}  # moderate, but a screen reader's list of headings is the page's outline
DESKTOP, PHONE = {"width": 1400, "height": 900}, {"width": 390, "height": 844}
ABOVE = 1200  # px from the top of the Overview at 1400 px, within which each off-track objective is named
AXE = Axe()


@dataclass(frozen=True)
class Demo:
    url: str
    quarter: str  # the quarter the app opens on
    off_track: dict[str, str]  # the default quarter's off-track objectives (any council): code -> title
    councils: dict[str, str]  # code -> name
    folder: Path


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("walk")
    db = folder / "charter.duckdb"
    today = date.today()  # the served app's today: the demo's figures run to the quarter it opens on
    with store.connect(db) as con:
        store.migrate(con)
        demo.install(con, today=today, by="tests")
        for role, (email, partners) in ACCOUNTS.items():
            accounts.add_user(
                con, Actor.administrator("tests"), email=email, role=role, partners=partners, password=PASSWORD
            )
        quarter = queries.quarters(today, queries.first_figure_period(con))[0]
        assert quarter == last_complete_quarter(today)
        off_track = dict(
            con.execute(
                "SELECT DISTINCT p.objective_code, o.title FROM objective_progress p "
                "JOIN objective o ON o.code = p.objective_code WHERE p.period = $q AND p.status = $s ORDER BY 1",
                {"q": str(quarter), "s": Status.OFF_TRACK.word},
            ).fetchall()
        )
        councils = dict(con.execute("SELECT code, name FROM partner").fetchall())
    with serve(db) as url:
        yield Demo(url, str(quarter), off_track, councils, folder)


def _start(browser: Browser, app: Demo, role: str, viewport: dict[str, int]) -> Page:
    """A new browser profile on the app's opening page, signed in as `role` (the public is not)."""
    page = browser.new_context(viewport=viewport, accept_downloads=True).new_page()
    if role == "public":
        page.goto(app.url)
        settle(page)
    else:
        sign_in(page, app.url, ACCOUNTS[role][0], PASSWORD)
    return page


def _link(page: Page, title: str) -> None:
    """Choose `title` in the sidebar's menu."""
    menu(page).filter(has=page.get_by_text(title, exact=True)).click()
    settle(page)


def _violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations (and heading-order), one line per rule and element; no rule or
    element is left out."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    return [
        f"{rule['id']} ({rule['impact']}) at {' '.join(map(str, node['target']))}: {rule['help']} "
        f"[{node['html'][:140]}]"
        for rule in results.response["violations"]
        if rule["impact"] in FAILING or rule["id"] in ALWAYS_FAILING
        for node in rule["nodes"]
    ]


ALTERNATIVE = """(chart) => {
  const caption = chart.closest("[data-testid='stElementContainer']")?.nextElementSibling;
  const table = caption?.nextElementSibling?.querySelector("[data-testid='stExpander']");
  return {sentence: chart.getAttribute("aria-label") || "", caption: caption?.textContent.trim() || "",
          table: !!table?.querySelector("[data-testid='stDataFrame']"),
          download: table?.querySelector("[data-testid='stDownloadButton']")?.textContent || ""};
}"""


def _statement_broken(page: Page, title: str) -> list[str]:
    """What the accessibility statement (the About page) promises of every page: the menu says which page is shown
    (a screen reader hears it), quarters are chosen from a list rather than a date picker, and every chart has a
    sentence (its alt and its caption), a table and a download."""
    found = []
    current = page.get_by_test_id("stSidebar").locator(".st-key-charter-nav a[aria-current='page']")
    if current.count() != 1 or title not in current.inner_text():
        found.append(f"the menu marks {current.all_inner_texts()} as the page shown")
    if page.get_by_test_id("stDateInput").count():
        found.append("a date picker")
    return found + _charts_without_their_alternative(page)


def _charts_without_their_alternative(page: Page) -> list[str]:
    """Every chart's sentence (its alt and its caption), table and download, or what is missing."""
    found = []
    for chart in page.get_by_test_id("stMain").get_by_test_id("stVegaLiteChart").all():
        alt = chart.evaluate(ALTERNATIVE)
        if not (alt["sentence"] and alt["caption"] == alt["sentence"] and alt["table"]
                and alt["download"].endswith("Download these figures (CSV)")):  # fmt: skip
            found.append(f"a chart without its sentence, table or download: {alt}")
    return found


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{title}:\n  " + "\n  ".join(found) for title, found in problems.items())


@pytest.mark.parametrize("role", ROLES)
def test_axe_finds_no_serious_or_critical_violation_on_any_page(browser: Browser, app: Demo, role: str) -> None:
    page = _start(browser, app, role, DESKTOP)
    titles = [t for t in offered(page) if t != "Sign out"]
    assert len(titles) >= 6, titles
    hrefs = [link.get_attribute("href") or "" for link in menu(page).all()]  # a link keeps the quarter shown
    keep = "?quarter=" + urllib.parse.quote_plus(app.quarter)
    assert all(h.endswith(keep) for h in hrefs), hrefs
    problems: dict[str, list[str]] = {}
    for title in titles:
        _link(page, title)
        found = [f"{n} Python exception(s)" for n in [page.get_by_test_id("stException").count()] if n]
        if found := found + _violations(page) + _statement_broken(page, title):
            problems[title] = found
    page.context.close()
    assert not problems, f"axe-core or the statement's checks found, for {role}:\n{_report(problems)}"


def _open_menu(page: Page, title: str = "Overview") -> Locator:
    """Unfold the menu with the sidebar's own button, once it has finished sliding in or out (or leave it open);
    the link to `title`, scrolled into view."""
    opener = page.get_by_test_id("stExpandSidebarButton")
    link = menu(page).filter(has=page.get_by_text(title, exact=True))
    for _ in range(20):
        if opener.is_visible():
            opener.click()
            break
        box = link.bounding_box()
        if box is not None and box["x"] >= 0:
            break
        page.wait_for_timeout(250)
    link.scroll_into_view_if_needed()
    expect(link).to_be_in_viewport()
    return link


@pytest.mark.parametrize("role", ROLES)
def test_on_a_phone_choosing_a_page_closes_the_menu_and_no_page_scrolls_sideways(
    browser: Browser, app: Demo, role: str
) -> None:
    page = _start(browser, app, role, PHONE)
    _open_menu(page)
    titles = [t for t in offered(page) if t != "Sign out"]
    problems: dict[str, list[str]] = {}
    for title in titles:
        link = _open_menu(page, title)
        link.click()
        settle(page)
        found = []
        try:
            expect(link).not_to_be_in_viewport(timeout=5_000)
        except AssertionError:
            found.append("the menu stays open over the page after choosing it")
        width, seen = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
        if width > seen:
            found.append(f"the page scrolls sideways: {width} px wide in a {seen} px window")
        if cut := page.evaluate(OVERFLOW):
            found.append(f"cut off at the right edge: {cut}")
        if found:
            problems[title] = found
    page.context.close()
    assert not problems, f"at 390 px, for {role}:\n{_report(problems)}"


def test_the_overview_names_every_off_track_objective_near_its_top(browser: Browser, app: Demo) -> None:
    assert app.off_track, "the demo has off-track objectives in the quarter the app opens on: the check compares"
    page = _start(browser, app, "public", DESKTOP)
    expect(page.locator("h1").first).to_be_visible()
    main = page.get_by_test_id("stMain")
    missing = []
    for code, title in app.off_track.items():
        named = main.get_by_text(f"{code} {title}", exact=True)
        tops = [box["y"] + box["height"] for box in (n.bounding_box() for n in named.all()) if box]
        if not tops or min(tops) > ABOVE:
            missing.append(f"{code} {title}: " + (f"first named at {min(tops):.0f} px" if tops else "not named"))
    page.context.close()
    assert not missing, "named below 1,200 px or not at all on the Overview:\n  " + "\n  ".join(missing)


def test_the_scorecard_page_downloads_the_councils_one_page_scorecard(browser: Browser, app: Demo) -> None:
    page = _start(browser, app, "public", DESKTOP)
    _link(page, "Partner scorecard")
    lead = page.locator("h1").first.inner_text().removesuffix(": scorecard")
    assert lead in app.councils.values()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name=f"Printable scorecard for {lead} (PDF)").click()
    pdf = app.folder / download.value.suggested_filename
    download.value.save_as(pdf)
    page.context.close()
    code = next(c for c, n in app.councils.items() if n == lead)
    assert re.fullmatch(rf"scorecard-{code.lower()}-\d{{4}}-\d{{2}}-Q\d\.pdf", pdf.name)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("\f") == 1
    assert text.lstrip().startswith(lead)
