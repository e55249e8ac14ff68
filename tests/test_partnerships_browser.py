"""Several partnerships in one install, in Debian's Chromium (docs/architecture.md): a viewer granted one
partnership sees only it on every page and in every download, and a person with accounts in two switches between
them and sees only the chosen one's councils and figures (Hinckley & Bosworth, HBBC, is in both, with other figures
in each).

One served app for the module (CHARTER_PUBLIC=false), walked through the sidebar as a person does.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from metrics import hosting, store
from tests import partnership_fixture as two
from tests.browser import menu, offered, open_page, serve, settle
from tests.conftest import AS_OF
from tests.test_members_walk import _violations

pytestmark = pytest.mark.browser
QUARTER = "2025/26 Q2"
START = f"?quarter={QUARTER.replace(' ', '+')}"
PASSWORD = "a long test password"  # noqa: S105 - the test accounts' password, in the test database only
ONE, BOTH = "one@example.org", "both@example.org"
HOME_NAME = "Leicestershire ICT Partnership"
NOT_SHOWN = "There is no partnership {code} that you can see here, so {name} is shown. Choose another in the sidebar, or sign in to see more."  # fmt: skip  # noqa: E501


@dataclass(frozen=True)
class App:
    url: str
    db: Path
    folder: Path


@pytest.fixture(scope="module")
def app(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    folder = tmp_path_factory.mktemp("partnerships")
    db = two.install(_demo_template, folder, AS_OF)
    two.add_account(db, None, ONE, PASSWORD)
    two.add_account(db, None, BOTH, PASSWORD)
    two.add_account(db, two.OTHER, BOTH, PASSWORD)
    with serve(db, env={"CHARTER_PUBLIC": "false"}) as url:
        yield App(url, db, folder)


def _sign_in(page: Page, email: str, code: str | None = None) -> None:
    """Sign in on the Sign in page shown (the front page while nothing is public), to the partnership it names."""
    if code:
        expect(page.get_by_role("textbox", name="Partnership code")).to_have_value(code)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {email}")


def _picker(page: Page) -> list[str]:
    """The partnerships the sidebar's picker offers ([] when it is not drawn: one partnership to see)."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has=page.get_by_text("Partnership"))
    if box.count() == 0:
        return []
    box.locator("input").focus()
    page.keyboard.press("ArrowDown")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    found = listbox.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return found


def _pick(page: Page, name: str) -> None:
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has=page.get_by_text("Partnership"))
    box.locator("input").click()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    settle(page)


def _absent(text: str, words: list[str], codes: list[str], where: str) -> None:
    for word in words:
        assert word not in text, f"{where} names {word!r}"
    for code in codes:
        assert not re.search(rf"\b{code}\b", text), f"{where} names {code}"


def _downloads(page: Page, title: str, folder: Path) -> list[str]:
    """The text of every CSV the page offers (each chart's figures, an objective's) and of its PDF scorecard."""
    main, found = page.get_by_test_id("stMain"), []
    closed = main.locator("[data-testid='stExpander'] details:not([open]) > summary:visible")
    for _ in range(40):  # the tables behind the charts, each with its CSV
        if closed.count() == 0:
            break
        closed.first.click()
    buttons = main.get_by_test_id("stDownloadButton").locator("button")
    for i in range(buttons.count()):
        path = _download(page, buttons.nth(i), folder / f"{title}-{i}")
        if path.suffix == ".pdf":
            found.append(
                subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            )
        else:
            found.append(path.read_text(encoding="utf-8-sig"))
    return found


def _download(page: Page, button: Locator, stem: Path) -> Path:
    """Click a download button and keep the file; once more if a rerun swallowed the first click (a loaded machine)."""
    for attempt in (1, 2):
        settle(page)
        try:
            with page.expect_download(timeout=30_000) as download:
                button.click()
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            continue
        path = stem.with_name(f"{stem.name}-{download.value.suggested_filename}")
        download.value.save_as(path)
        return path
    raise AssertionError("unreachable")


def _walk(page: Page, words: list[str], codes: list[str], folder: Path) -> dict[str, list[str]]:
    """Every page offered, and every download on it: none names the other partnership's councils."""
    csvs: dict[str, list[str]] = {}
    for title in offered(page):
        if title == "Sign out":
            continue
        open_page(page, title)
        text = page.get_by_test_id("stMain").inner_text() + page.get_by_test_id("stSidebar").inner_text()
        _absent(text, words, codes, title)
        csvs[title] = _downloads(page, title, folder)
        for n, content in enumerate(csvs[title]):
            _absent(content, words, codes, f"{title}'s download {n}")
    return csvs


def _hbbc_figure(csvs: dict[str, list[str]]) -> float:
    """HBBC's DS01 figure for QUARTER in the KPIs page's digital-strategy table (its CSV)."""
    for content in csvs["KPIs"]:
        for row in csv.DictReader(io.StringIO(content)):
            if (
                row.get("Council", "").startswith("Hinckley")
                and row["KPI"].startswith("DS01")
                and row["Quarter"] == QUARTER
            ):
                return float(re.sub(r"[^0-9.]", "", row["Figure"]))
    raise AssertionError("no HBBC DS01 figure in the KPIs page's downloads")


def _held(db: Path) -> float:
    with store.connect(db, read_only=True) as con:
        rows = con.execute(
            "SELECT value FROM measurement WHERE partner_code = 'HBBC' AND kpi_code = 'DS01' AND period = $p",
            {"p": QUARTER},
        ).fetchall()
    return float(rows[0][0])


def test_a_viewer_of_one_partnership_sees_only_it(browser: Browser, app: App) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app.url}/{START}")
    settle(page)
    expect(page.get_by_role("textbox", name="Partnership code")).to_have_value("LICTP")
    _absent(page.get_by_test_id("stApp").inner_text(), two.OTHER_ONLY, two.OTHER_CODES, "the Sign in page")
    _sign_in(page, ONE)
    assert _picker(page) == []  # one partnership to see: no picker
    csvs = _walk(page, two.OTHER_ONLY, two.OTHER_CODES, app.folder)
    assert sum(len(c) for c in csvs.values()) >= 4, {t: len(c) for t, c in csvs.items()}
    assert _hbbc_figure(csvs) == pytest.approx(_held(app.db), abs=0.06)
    for code in (two.OTHER, "nope", "<b>X</b>"):  # another partnership's code, an unknown one, a hostile one
        page.goto(f"{app.url}/{START}&partnership={code}")
        settle(page)
        said = NOT_SHOWN.format(code=code.upper(), name=HOME_NAME)
        warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="There is no partnership")
        expect(warning.get_by_test_id("stMarkdownContainer")).to_have_text(said)
        expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {ONE}")
        _absent(page.get_by_test_id("stApp").inner_text(), two.OTHER_ONLY, two.OTHER_CODES, f"?partnership={code}")
        assert page.locator("[data-testid='stException']").count() == 0
        assert "partnership=LICTP" in page.url
    context.close()


def test_a_person_in_two_partnerships_switches_and_sees_only_the_chosen_one(browser: Browser, app: App) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app.url}/{START}")
    settle(page)
    _sign_in(page, BOTH)
    assert _picker(page) == [HOME_NAME, two.OTHER_NAME]
    _pick(page, two.OTHER_NAME)  # signed in at LICTP with a password: KTIP asks for its own
    expect(page.locator("h1").first).to_have_text("Sign in")
    expect(page.get_by_test_id("stMain")).to_contain_text(f"Signing in to {two.OTHER_NAME}.")
    _absent(page.get_by_test_id("stApp").inner_text(), two.HOME_ONLY + two.OTHER_ONLY[:-1], [], "KTIP's Sign in page")
    assert offered(page) == [] or "Overview" not in offered(page)
    _sign_in(page, BOTH, two.OTHER)
    assert "partnership=KTIP" in page.url
    other = _walk(page, two.HOME_ONLY, two.HOME_CODES, app.folder)
    assert _hbbc_figure(other) == pytest.approx(_held(hosting.path_for(app.db, two.OTHER)), abs=0.06)
    _pick(page, HOME_NAME)  # still signed in there
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {BOTH}")
    home = _walk(page, two.OTHER_ONLY, two.OTHER_CODES, app.folder)
    assert _hbbc_figure(home) == pytest.approx(_held(app.db), abs=0.06)
    assert _hbbc_figure(home) != pytest.approx(_hbbc_figure(other), abs=0.5)
    assert sorted(c["name"] for c in context.cookies() if c["name"].startswith("charter_signin")) == [
        "charter_signin",
        "charter_signin_KTIP",
    ]
    menu(page).filter(has_text="Sign out").click()  # ends the sign-ins in both partnerships
    settle(page)
    expect(page.locator("h1").first).to_have_text("Sign in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert page.get_by_text("There is no partnership").count() == 0  # the session's own choice falls back quietly
    assert _picker(page) == []
    page.wait_for_function("!/charter_signin[^=]*=[^;]/.test(document.cookie)")  # the script clears both
    page.goto(f"{app.url}/{START}&partnership={two.OTHER}")  # a new session: nothing is kept
    settle(page)
    expect(page.locator("h1").first).to_have_text("Sign in")
    assert [c["name"] for c in context.cookies() if c["name"].startswith("charter_signin") and c["value"]] == []
    context.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_the_picker_passes_axe(browser: Browser, app: App, width: int, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{app.url}/{START}")
    settle(page)
    _sign_in(page, BOTH)
    if width < 768:  # on a phone the sidebar starts folded away
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_timeout(500)
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has=page.get_by_text("Partnership"))
    expect(box).to_be_visible()
    page.screenshot(path=str(Path("/tmp") / f"partnership-picker-{width}.png"), full_page=False)
    assert _violations(page) == []
    width_used = page.evaluate("document.documentElement.scrollWidth")
    assert width_used <= width, f"the page scrolls sideways at {width} px ({width_used} px wide)"
    context.close()


def test_menu_links_carry_the_partnership(browser: Browser, app: App) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{app.url}/{START}")
    settle(page)
    _sign_in(page, BOTH)
    hrefs = [link.get_attribute("href") or "" for link in menu(page).all()]
    assert hrefs and all("partnership=LICTP" in h for h in hrefs), hrefs
    context.close()
