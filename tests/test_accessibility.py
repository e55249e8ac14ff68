"""Accessibility in real headless Chromium: the upload and board review forms reachable by Tab alone, every chart
read as its sentence and each point as its quarter, figure and status, status colours told apart, pages that fit a
phone and 200% zoom, and the About page's accessibility statement kept true. axe-core on every page offered to each
role, with the statement's promises of every page, is tests/test_members_walk.py's walk."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.components import STATUS_STYLE
from metrics import accounts, store
from metrics.access import Actor
from tests.browser import OVERFLOW, menu, serve, settle
from tests.colours import APART, BLINDNESS, contrast, distance, seen
from tests.test_members_walk import TAGS  # the rules the walk runs

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"  # noqa: S105 - the test accounts' password, in the test database only
ACCOUNTS = {  # role: (e-mail, councils)
    "officer": ("officer@example.org", ["HBBC"]),
    "board": ("board@example.org", []),
    "admin": ("admin@example.org", []),
}


@pytest.fixture(scope="module")
def app_url(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("accessibility") / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    with store.connect(db) as con:
        for role, (email, partners) in ACCOUNTS.items():
            accounts.add_user(
                con, Actor.administrator("tests"), email=email, role=role, partners=partners, password=PASSWORD
            )
    with serve(db) as url:
        yield url


def _sign_in(page: Page, url: str, role: str) -> None:
    """Sign in on the Sign in page; the session stays signed in while the page is not reloaded."""
    page.goto(f"{url}/signin?quarter=2025/26+Q2")
    settle(page)
    if role == "public":
        return
    email = ACCOUNTS[role][0]
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Signed in as {email}")).to_be_visible()


def _open(page: Page, title: str) -> None:
    """Go to a page through the sidebar, as a person does (loading its address afresh starts a new session)."""
    menu(page).filter(has_text=title).last.click()
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0, title


FOCUSED = """() => { const e = document.activeElement;
  return e ? (e.getAttribute('aria-label') || e.innerText || e.tagName).trim().split('\\n').pop() : ''; }"""


def _tab_until(page: Page, done: Callable[[], bool], path: list[str], what: str, limit: int = 80) -> None:
    """Press Tab until `done()`; the label of every element focused on the way is added to `path`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        path.append(page.evaluate(FOCUSED))
        if done():
            return
    raise AssertionError(f"Tab did not reach {what} in {limit} presses; focus went through {path}")


def _focus_in(page: Page, selector: str) -> bool:
    return bool(page.evaluate("(s) => !!document.activeElement?.closest(s)", selector))


def test_an_officer_reaches_the_file_chooser_and_submit_by_keyboard(
    browser: Browser, app_url: str, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _sign_in(page, app_url, "officer")
    _open(page, "Upload figures")
    path: list[str] = []
    _tab_until(page, lambda: _focus_in(page, "[data-testid='stFileUploaderDropzone']"), path, "the file chooser")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON", path  # the chooser's own button
    # The operating system's file dialog is outside the page: give the chooser its file as that dialog would.
    figures = tmp_path / "figures.csv"
    figures.write_text("partner,period,kpi,value\nHBBC,2025/26 Q2,DS01,63.0\n", encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(figures)
    settle(page)
    expect(page.get_by_text("figures.csv passed every check")).to_be_visible()
    _tab_until(page, lambda: path[-1] == "Submit these figures", path, "the Submit button")
    page.keyboard.press("Enter")
    settle(page)
    expect(page.get_by_text("figures.csv: accepted 1 figure as submission")).to_be_visible()
    context.close()


def test_a_board_member_reaches_the_review_form_by_keyboard(browser: Browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _sign_in(page, app_url, "board")
    _open(page, "Board review")
    path: list[str] = []
    _tab_until(page, lambda: path[-1].startswith("Review OBJ"), path, "the first objective's Review button")
    page.keyboard.press("Enter")  # the objective's review form opens in its card, in the button's place
    settle(page)
    _tab_until(page, lambda: path[-1] == "Record the review", path, "the review's Record button", limit=120)
    fields = ["The board's assessment", "Decision", "Comment", "What is to be done", "Action owner", "Due date",
              "New final target", "Applies from", "Reason for the revision"]  # fmt: skip
    reached = [f for f in fields if any(f in p for p in path)]
    assert reached == fields, path
    context.close()


# --- the accessibility statement on the About page stays true ------------------------------------------------------

# The axe-core tags that test a WCAG version and level (axe-core 4.12 has no rule tagged wcag22a).
STANDARDS = {("2.2", "AA"): ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}


@pytest.fixture(scope="module")
def statement(browser: Browser, app_url: str) -> tuple[str, list[str]]:
    """The About page's accessibility statement (from its heading to the end of the page) and the status symbols
    the page shows in its chips."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{app_url}/about?quarter=2025/26+Q2")
    settle(page)
    main = page.get_by_test_id("stMain")
    expect(main.locator("h2", has_text="Accessibility statement")).to_be_visible()
    text = re.sub(r"\s+", " ", main.inner_text().split("Accessibility statement", 1)[1])
    symbols = main.locator(".charter-chip [aria-hidden='true']").all_text_contents()
    page.close()
    return text, symbols


def test_the_statement_names_the_standard_that_axe_checks_and_the_symbols_shown(
    statement: tuple[str, list[str]],
) -> None:
    text, shown = statement
    named = re.search(r"WCAG\) (\d\.\d) at level (A+)\b", text)
    assert named, text
    assert named.groups() in STANDARDS, f"the statement names WCAG {named.groups()}; axe is run for {STANDARDS}"
    assert set(STANDARDS[named.groups()]) <= set(TAGS)
    symbols = re.search(r"a word and a symbol \(([^)]*)\)", text)
    assert symbols, text
    assert sorted(symbols.group(1).split()) == sorted(set(shown)) == sorted(s for s, *_ in STATUS_STYLE.values())


def test_the_status_colours_are_told_apart_with_colour_blindness_and_their_words_pass_contrast() -> None:
    fills = {status: fill for status, (_, fill, _) in STATUS_STYLE.items()}
    for kind in BLINDNESS:
        looks = {s: seen(f, kind) for s, f in fills.items()}
        for a, b in combinations(looks, 2):
            apart = distance(looks[a], looks[b])
            assert apart >= APART, f"with {kind}, {a} and {b} look alike (ΔE {apart:.1f})"
    for status, (_, fill, ink) in STATUS_STYLE.items():
        assert contrast(fill, ink) >= 4.5, f"the word {status} on its colour: {contrast(fill, ink):.1f} : 1"


@dataclass(frozen=True)
class Charts:
    """The Objective page's charts of OBJ07, one per council: as Chromium gives them to a screen reader, as drawn."""

    names: list[str]  # each chart's accessible name
    captions: list[str]  # the sentence shown under each chart
    points: list[str]  # the accessible name of every point in them
    marks: list[dict[str, str]]  # every point as drawn: its label, fill, stroke and stroke width


MARKS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart'] g.mark-symbol.role-mark path")].map(
  (p) => ({label: p.getAttribute("aria-label") || "", fill: p.getAttribute("fill") || "",
           stroke: p.getAttribute("stroke") || "", width: p.getAttribute("stroke-width") || "0"}))"""


@pytest.fixture(scope="module")
def charts(browser: Browser, app_url: str) -> Charts:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{app_url}/objective?objective=OBJ07&quarter=2025/26+Q2")
    settle(page)
    drawn = page.get_by_test_id("stVegaLiteChart")
    expect(drawn.nth(2)).to_be_visible()  # a chart per council with figures: the current three and a former one
    for chart in drawn.all():
        expect(chart.locator("g.mark-symbol.role-mark path").first).to_be_attached()
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    read = [(n.get("role", {}).get("value"), n.get("name", {}).get("value", "")) for n in tree if not n["ignored"]]
    captions = page.get_by_test_id("stCaptionContainer").filter(has_text=": latest figure").all_inner_texts()
    found = Charts(
        names=[name for role, name in read if role == "graphics-document"],
        captions=captions,
        points=[name for role, name in read if role == "graphics-symbol" and name.startswith("period: ")],
        marks=page.evaluate(MARKS),
    )
    page.close()
    return found


def test_a_chart_reads_as_its_sentence_and_each_point_as_its_quarter_figure_and_status(charts: Charts) -> None:
    assert charts.names == charts.captions and len(charts.names) >= 3, (charts.names, charts.captions)
    for caption in charts.captions:
        latest = re.fullmatch(r".+: latest figure ([\d.]+)% in (\d{4}/\d\d Q\d) against a target of ([\d.]+)% "
                              r"\(([a-z ]+)\)\.", caption)  # fmt: skip
        assert latest, caption
        figure, quarter, target, status = latest.groups()
        # Each point reads its tooltip: the figures as the one formatter writes them, the status in members' words.
        said = [f"Quarter: {quarter}", f"Actual: {figure}%", f"Target: {target}%", f"Status: {status.capitalize()}"]
        found = [p for p in charts.points if all(part in p for part in said)]
        assert found, (said, [p for p in charts.points if quarter in p])
    assert len(charts.points) > 8 * len(charts.names), charts.points  # every quarter's point, not only the latest


def _seen_against_white(mark: dict[str, str]) -> float:
    """How well a point stands out from the chart's white: by its fill, or by an outline if it has one."""
    colours = [mark["fill"]] + ([mark["stroke"]] if float(mark["width"] or 0) >= 1 else [])
    return max(contrast(c, "#ffffff") if re.fullmatch(r"#[0-9a-fA-F]{6}", c) else 0.0 for c in colours)


def test_every_status_point_on_a_chart_stands_out_from_its_white_background(charts: Charts) -> None:
    weakest: dict[str, float] = {}
    for mark in charts.marks:
        status = re.search(r"Status: ([A-Za-z ]+?);", mark["label"])
        assert status, mark
        weakest[status.group(1)] = min(weakest.get(status.group(1), 21.0), _seen_against_white(mark))
    assert "At risk" in weakest, weakest  # the palest status colour is among the points checked
    low = {status: round(ratio, 2) for status, ratio in weakest.items() if ratio < 3}
    assert not low, f"points under 3 : 1 against the chart's white: {low}"


def test_the_statements_known_limitations_are_still_real(statement: tuple[str, list[str]], charts: Charts) -> None:
    text, _ = statement
    if "the charts themselves are images to a screen reader" in text:
        assert not charts.points, f"a screen reader is given each point of a chart, e.g. {charts.points[0]!r}"


ZOOMED = {"width": 640, "height": 400}  # a 1280 x 800 window at 200% zoom, in CSS pixels


@pytest.mark.parametrize("path", ["", "charter", "objective", "scorecard", "kpis", "about"])
def test_a_members_page_at_200_percent_zoom_fits_the_window(browser: Browser, app_url: str, path: str) -> None:
    page = browser.new_page(viewport=ZOOMED)
    page.goto(f"{app_url}/{path}?quarter=2025/26+Q2")
    settle(page)
    assert page.get_by_test_id("stException").count() == 0
    expect(page.locator("h1").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= ZOOMED["width"]  # no sideways scrolling
    assert page.evaluate(OVERFLOW) == []  # nothing cut off at the edge (wide tables scroll in their own box)
    page.get_by_test_id("stExpandSidebarButton").click()  # the quarter and partner are still to hand
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Quarter")).to_be_visible()
    page.close()


OWN_PAGES = ["Upload figures", "Data collection", "Approve figures", "Submission history", "ICT service desk",
             "Board review", "Actions", "Admin"]  # fmt: skip


def test_the_officers_board_and_admin_pages_fit_200_percent_zoom(browser: Browser, app_url: str) -> None:
    """At 390 px (a phone) every role's pages are walked by tests/test_members_walk.py."""
    viewport = ZOOMED
    page = browser.new_page(viewport={"width": viewport["width"], "height": viewport["height"]})
    _sign_in(page, app_url, "admin")  # an administrator is offered every page
    for title in OWN_PAGES:
        if page.get_by_test_id("stExpandSidebarButton").count():  # on a narrow window the sidebar folds away
            page.get_by_test_id("stExpandSidebarButton").click()
        _open(page, title)
        expect(page.locator("h1").first).to_be_visible()
        expect(menu(page).first).not_to_be_in_viewport()  # choosing a page folds the menu away, as on a phone
        expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], title
        assert page.evaluate(OVERFLOW) == [], title
    page.close()
