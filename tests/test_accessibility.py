"""Accessibility in real headless Chromium: axe-core (WCAG 2.2 A/AA and best practice) on every page offered to
each role, with no serious or critical violation; and the upload and board review forms reachable by Tab alone."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from metrics import accounts, store
from metrics.access import Actor
from tests.browser import serve, settle

pytestmark = pytest.mark.browser
PASSWORD = "a long test password"  # noqa: S105 - the test accounts' password, in the test database only
ACCOUNTS = {  # role: (e-mail, councils)
    "officer": ("officer@example.org", ["HBBC"]),
    "board": ("board@example.org", []),
    "admin": ("admin@example.org", []),
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = {"serious", "critical"}
# Violations that come from Streamlit's own widgets and cannot be fixed in the app: (rule id, the element it is
# found in, as a CSS selector) -> why. Streamlit's class names are generated, so the element is named by its test id.
NAV = "[data-testid='stSidebarNavItems']"
EXCLUDED: dict[tuple[str, str], str] = {
    ("list", NAV): "Streamlit's sidebar navigation puts each section's heading and its own <li>s in a <div> inside "
    "the <ul> (st.navigation with sections); the app cannot change that markup",
    ("listitem", NAV): "the same: the <li>s of a section sit in that <div>, not directly in the <ul>",
}
AXE = Axe()


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


def _links(page: Page) -> Iterator[str]:
    """The titles of the pages in the sidebar (a link's text also holds its icon's name, on a line before)."""
    return (
        t.strip().split("\n")[-1] for t in page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
    )


def _open(page: Page, title: str) -> None:
    """Go to a page through the sidebar, as a person does (loading its address afresh starts a new session)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link").filter(has_text=title).last.click()
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0, title


def _within(page: Page, target: list[str], inside: str) -> bool:
    """Whether the element axe-core names by `target` (a CSS selector, outside any frame) is in or is `inside`."""
    if len(target) != 1:
        return False
    script = "([t, c]) => { const e = document.querySelector(t); return !!(e && e.closest(c)); }"
    return bool(page.evaluate(script, [target[0], inside]))


def _violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per rule and element, less EXCLUDED."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    found = []
    for rule in results.response["violations"]:
        if rule["impact"] not in FAILING:
            continue
        for node in rule["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            if any(rule["id"] == r and _within(page, node["target"], inside) for r, inside in EXCLUDED):
                continue
            found.append(f"{rule['id']} ({rule['impact']}) at {target}: {rule['help']} [{node['html'][:160]}]")
    return found


@pytest.mark.parametrize("role", ["public", "officer", "board", "admin"])
def test_every_page_has_no_serious_or_critical_violation(browser: Browser, app_url: str, role: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    _sign_in(page, app_url, role)
    titles = [t for t in _links(page) if t != "Sign out"]
    assert len(titles) >= 6, titles
    problems: dict[str, list[str]] = {}
    for title in titles:
        _open(page, title)
        found = _violations(page)
        if found:
            problems[title] = found
    context.close()
    report = "\n".join(f"{title}:\n  " + "\n  ".join(lines) for title, lines in problems.items())
    assert not problems, f"axe-core found serious or critical violations for {role}:\n{report}"


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
    _tab_until(page, lambda: path[-1] == "Record the review", path, "the review's Record button", limit=120)
    fields = ["The board's assessment", "Decision", "Comment", "What is to be done", "Action owner", "Due date",
              "New final target", "Applies from", "Reason for the revision"]  # fmt: skip
    reached = [f for f in fields if any(f in p for p in path)]
    assert reached == fields, path
    context.close()
