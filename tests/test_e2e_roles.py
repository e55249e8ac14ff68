"""Every page for each role, end to end in Debian's Chromium: the sidebar offers exactly the role's pages, each
page shows its own content and follows its partner, quarter or own select, and no status is shown by colour alone.

One browser context per role walks the pages by the sidebar, as a person does: loading an address afresh would
start a new session, and a new session is signed out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from dashboard.components import STATUS_STYLE
from metrics import accounts, store
from metrics.access import Actor
from metrics.status import Status
from tests.browser import menu, offered, open_page, serve, settle, sign_in

pytestmark = pytest.mark.browser
QUARTER = "2025/26 Q2"  # the demo's latest quarter with figures; the served app's "today" is the real date
PASSWORD = "a long test password"  # noqa: S105 - the test accounts' password, in the test database only
ACCOUNTS = {  # role: (e-mail, councils)
    "viewer": ("viewer@example.org", []),
    "officer": ("officer@example.org", ["HBBC"]),
    "board": ("board@example.org", []),
    "admin": ("admin@example.org", []),
}
COUNCILS = ["Hinckley & Bosworth Borough Council", "Blaby District Council", "Melton Borough Council"]
CORRECTION = "demo-BDC-2025-26-Q2-correction.csv"  # the demo's file awaiting the performance lead's approval

# What each role is offered, written out from docs/architecture.md and metrics/access.py rather than read from the app.
MEMBERS = ["Overview", "Charter", "Objective", "Partner scorecard", "KPIs", "About"]
BUSINESS = [
    "Money",
    "Options appraisal",
    "Risks",
    "Contracts",
]  # the Partnership section: signed-in members only, whatever CHARTER_PUBLIC
PAGES = {
    "public": [*MEMBERS, "Sign in"],
    "viewer": [*MEMBERS, *BUSINESS, "My notices", "Sign out"],
    "officer": [*MEMBERS, "Upload figures", "Data collection", "Submission history", "ICT service desk", *BUSINESS,
                "My notices", "Sign out"],
    "board": [*MEMBERS, "Data collection", "Submission history", "Board review", "Actions", *BUSINESS,
              "My notices", "Sign out"],
    "admin": [*MEMBERS, "Upload figures", "Data collection", "Approve figures", "Submission history",
              "ICT service desk", "Board review", "Actions", "Admin", *BUSINESS, "My notices", "Sign out"],
}  # fmt: skip


@dataclass(frozen=True)
class App:
    url: str
    submissions: int  # how many files the demo holds
    downloads: Path  # where a test keeps what it downloads


@pytest.fixture(scope="module")
def app(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    folder = tmp_path_factory.mktemp("roles")
    db = folder / "charter.duckdb"
    db.write_bytes(_demo_template.read_bytes())
    with store.connect(db) as con:
        for role, (email, partners) in ACCOUNTS.items():
            accounts.add_user(
                con, Actor.administrator("tests"), email=email, role=role, partners=partners, password=PASSWORD
            )
        submissions = con.execute("SELECT count(*) FROM core.submission").fetchall()[0][0]
    with serve(db) as url:
        yield App(url, submissions, folder)


# --- driving the page -----------------------------------------------------------------------------------------


def _start(page: Page, url: str, role: str) -> None:
    """Open the app as `role` on QUARTER: signed in through the Sign in page, or not at all."""
    query = f"?quarter={QUARTER.replace(' ', '+')}"
    if role == "public":
        page.goto(f"{url}/{query}")
        settle(page)
    else:
        sign_in(page, url, ACCOUNTS[role][0], PASSWORD, query)


def _select(page: Page, label: str, where: str = "stMain") -> Locator:
    return page.get_by_test_id(where).get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))


def _choose(page: Page, label: str, option: str, where: str = "stMain") -> None:
    """Pick an option in a select box as a person does: click it, type, press Enter; wait for the rerun."""
    _select(page, label, where).locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    settle(page)
    assert page.get_by_test_id("stException").count() == 0


def _options(page: Page, label: str) -> list[str]:
    """The options a select box offers, as its open list shows them (opened from the keyboard, or by a click if the
    key did not open it: a rerun still drawing the page can redraw the box and close its list)."""
    box, listbox = _select(page, label).locator("input"), page.get_by_role("listbox")
    settle(page)
    for attempt in range(4):  # on a loaded machine the first key can reach the box before its list is ready
        box.focus()
        if attempt % 2:
            box.click()
        else:
            page.keyboard.press("ArrowDown")
        try:
            listbox.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    expect(listbox).to_be_visible()
    found = listbox.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return found


def _main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def _table(page: Page, caption: str | re.Pattern[str]) -> Locator:
    """One of Charter's own HTML tables, found by its caption."""
    return _main(page).locator("table.charter-table").filter(has=page.locator("caption", has_text=caption))


def _charts_drawn(page: Page, least: int) -> Locator:
    """At least `least` charts, each an SVG with marks drawn and a sentence for its text alternative."""
    charts = _main(page).get_by_test_id("stVegaLiteChart")
    expect(charts.nth(least - 1)).to_be_visible()
    for chart in charts.all():
        marks = chart.locator("svg g.role-mark path, svg g.role-mark line, svg g.role-mark rect")
        expect(marks.first).to_be_attached()
        assert len(chart.get_attribute("aria-label") or "") > 20, chart.get_attribute("aria-label")
    return charts


HEADINGS: dict[str, str | re.Pattern[str]] = {
    "Overview": "Overview", "Charter": "The Partnership Charter",
    "Objective": re.compile(r"^OBJ01 "),  # the first objective, until one is chosen
    "Partner scorecard": "Hinckley & Bosworth Borough Council: scorecard",  # the lead authority, until one is chosen
    "KPIs": "KPIs", "About": "About Charter", "Upload figures": "Send quarterly figures",
    "Data collection": "Data collection", "Approve figures": "Approve figures",
    "Submission history": "Submission history", "ICT service desk": "ICT service desk",
    "Board review": "Board review", "Actions": "Actions", "Admin": "Administration", "Sign in": "Sign in",
    "Money": "Money", "Options appraisal": "Options appraisal", "Risks": "Risks", "Contracts": "Contracts",
    "My notices": "My notices",
}  # fmt: skip


def _go(page: Page, title: str, whole: bool = False) -> None:
    """Open a page by the sidebar and wait for its heading (the checks wait for what they look at), or, if `whole`,
    for its script to finish drawing the rest too."""
    open_page(page, title)
    expect(page.locator("h1").first).to_have_text(HEADINGS[title])
    if whole:
        settle(page)


def _shows(page: Page, locator: Locator) -> None:
    """Wait for what a rerun shows first, then for the rerun to finish (a page reads stale until it has)."""
    expect(locator).to_be_visible()
    settle(page)


def _grid(page: Page) -> Locator:
    """The accessible table behind the page's first st.dataframe (its cells are drawn on a canvas)."""
    return _main(page).get_by_test_id("stDataFrame").first.locator("table[role='grid']")


def _number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text[:500]!r}"
    return int(found.group(1))


# --- each page: what a person would notice if it broke ---------------------------------------------------------
# Every check gets the page (its heading already checked by `_go`), the role and the app. A `deep` visit (one role
# for each page) also changes a widget and sees the page follow it; the others only read, to keep the file quick.


def overview(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page).get_by_test_id("stMetric")).to_have_count(len(STATUS_STYLE))  # a count for every status
    metrics = {
        m.get_by_test_id("stMetricLabel").inner_text(): int(m.get_by_test_id("stMetricValue").inner_text())
        for m in _main(page).get_by_test_id("stMetric").all()
    }
    said_as = {s.word: s.said for s in Status}  # members read Figure overdue and No figure yet (docs/progress-rules.md)
    assert list(metrics) == [f"{symbol} {said_as[status]}" for status, (symbol, *_) in STATUS_STYLE.items()], metrics
    said = _main(page).get_by_text(re.compile(r"^Across \d+ objectives")).inner_text()
    assert _number(r"there are (\d+) targets", said) == sum(metrics.values()) > 0, (said, metrics)
    for label, n in metrics.items():
        status = label.split(" ", 1)[1].lower()
        assert bool(re.search(rf"\b{n} {status}\b", said)) == (n > 0), (said, label, n)
    commitments = _table(page, f"Objectives' status by commitment and partner council, {QUARTER}")
    expect(commitments.locator("tbody tr")).to_have_count(5)
    expect(commitments.locator("thead th")).to_have_text(["Commitment", *COUNCILS, "Partnership (worst named)"])
    if deep:  # one council: its own caption, counts and columns
        _choose(page, "Partner", "Melton Borough Council", "stSidebar")
        expect(_main(page).get_by_text(f"Leicestershire ICT Partnership · {QUARTER} · Melton")).to_be_visible()
        _shows(page, _main(page).get_by_text(re.compile(r"^Across \d+ objectives and 1 council,")))
        said = _main(page).get_by_text(re.compile(r"^Across \d+ objectives")).inner_text()
        objectives = _number(r"^Across (\d+) objectives and 1 council,", said)
        values = [int(v) for v in _main(page).get_by_test_id("stMetricValue").all_inner_texts()]
        assert sum(values) == objectives == _number(r"there are (\d+) targets", said), (said, values)
        expect(commitments.locator("thead th")).to_have_text(["Commitment", "Melton Borough Council"])
        _choose(page, "Partner", "All partners", "stSidebar")


def charter(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page).get_by_test_id("stExpander")).to_have_count(5 + 7)
    labels = [
        s.strip().split("\n")[-1] for s in _main(page).locator("[data-testid='stExpander'] summary").all_inner_texts()
    ]
    commitments = [label for label in labels if re.match(r"[CX]\d · ", label)]
    assert len(commitments) == 5, labels  # the charter's five commitments, two of them cross-cutting
    assert len([c for c in commitments if c.endswith("(cross-cutting)")]) == 2, commitments
    assert len([label for label in labels if re.match(r"P\d · ", label)]) == 7, labels  # and seven principles
    expect(_main(page).get_by_text("Our commitment:")).to_have_count(5)
    objective = _main(page).get_by_role("link", name=re.compile(r"^OBJ01 "))
    expect(objective).to_have_attribute("href", re.compile(r"objective\?objective=OBJ01&quarter=2025%2F26\+Q2"))
    if deep:  # the search narrows the charter to what mentions the word
        box = _main(page).get_by_role("textbox", name="Search the charter")
        box.fill("cloud")
        box.press("Enter")
        settle(page)
        said = _main(page).get_by_text(re.compile("of the charter's commitments and principles mention")).inner_text()
        hits = _number(r"^(\d+) of the charter's commitments and principles mention “cloud”", said)
        expect(_main(page).get_by_test_id("stExpander")).to_have_count(hits)
        assert 0 < hits < len(labels)


def objective(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page).locator("h2", has_text=f"In {QUARTER}")).to_be_visible()
    rows = _table(page, f"OBJ01 by partner in {QUARTER}").locator("tbody tr")
    expect(rows.locator("th")).to_have_text(COUNCILS)
    expect(rows.locator(".charter-chip")).to_have_count(len(COUNCILS))  # each council's status this quarter
    charts = _charts_drawn(page, least=len(COUNCILS))
    # each chart: the council's figures as points shaped by status, and the target as a line
    expect(charts.first.locator("g.mark-symbol.role-mark path").first).to_be_attached()
    expect(charts.first.locator("g.mark-line.role-mark path").first).to_be_attached()
    if deep:
        _choose(page, "Objective", "OBJ07")
        expect(page.locator("h1").first).to_have_text(re.compile(r"^OBJ07 "))
        expect(_table(page, f"OBJ07 by partner in {QUARTER}")).to_be_visible()
        expect(page).to_have_url(re.compile(r"objective=OBJ07"))


def scorecard(page: Page, role: str, app: App, deep: bool) -> None:
    said = _main(page).get_by_text(re.compile(r"^\d+ objectives this quarter")).inner_text()
    objectives = _table(page, f"Hinckley & Bosworth Borough Council's objectives in {QUARTER}")
    expect(objectives.locator("tbody tr")).to_have_count(_number(r"^(\d+) objectives", said))
    expect(_main(page).get_by_test_id("stDataFrame")).to_have_count(3)  # digital, ICT and finance KPIs
    if deep:
        _choose(page, "Partner", "Blaby District Council", "stSidebar")
        expect(page.locator("h1").first).to_have_text("Blaby District Council: scorecard")
        _shows(page, _table(page, f"Blaby District Council's objectives in {QUARTER}"))
        _choose(page, "Partner", "All partners", "stSidebar")


def kpis(page: Page, role: str, app: App, deep: bool) -> None:
    charts = _charts_drawn(page, least=3)  # digital and ICT small multiples, then one KPI by partner
    expect(charts.nth(0)).to_have_attribute("aria-label", re.compile(r"^Digital strategy: 10 KPIs for 3 partners"))
    expect(charts.nth(1)).to_have_attribute("aria-label", re.compile(r"^ICT service performance: 10 KPIs"))
    if deep:
        _choose(page, "KPI", "ICT03")
        expect(charts.nth(2)).to_have_attribute(
            "aria-label", re.compile(rf"^Fixed first time: the partnership figure was [\d.]+% in {QUARTER}")
        )
        expect(page).to_have_url(re.compile(r"kpi=ICT03"))


def about(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page).locator("h2")).to_contain_text(["How a status is worked out", "Accessibility statement"])
    expect(_main(page).get_by_text(re.compile(r"Guidelines \(WCAG\) 2\.2 at level AA"))).to_be_visible()
    due = f"Figures for {QUARTER} (the quarter chosen in the sidebar) were due by 30 October 2025"
    expect(_main(page).get_by_text(due)).to_be_visible()
    if deep:
        _choose(page, "Quarter", "2025/26 Q1", "stSidebar")
        due = "Figures for 2025/26 Q1 (the quarter chosen in the sidebar) were due by 30 July 2025"
        expect(_main(page).get_by_text(due)).to_be_visible()
        _choose(page, "Quarter", QUARTER, "stSidebar")


def my_notices(page: Page, role: str, app: App, deep: bool) -> None:
    """The kinds of notice by e-mail offered to the role (metrics/notice_sources.py), every one ticked at first."""
    kinds = {"officer": 4, "board": 4, "admin": 6}.get(role, 1)  # a viewer is offered their board actions only
    expect(_main(page).get_by_role("checkbox")).to_have_count(kinds)
    expect(_main(page).get_by_role("button", name="Save my choices")).to_be_visible()


def upload(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page).get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached()
    assert _options(page, "Council") == (COUNCILS[:1] if role == "officer" else COUNCILS)  # an officer: own only
    button = _main(page).get_by_role("button", name=f"Download the {QUARTER} template for HBBC (XLSX)")
    if role == "officer":
        with page.expect_download(timeout=30_000) as download:
            button.click()
        path = app.downloads / download.value.suggested_filename
        download.value.save_as(path)
        assert path.name == "charter-HBBC-2025-26-Q2.xlsx"
        sheet = openpyxl.load_workbook(path)["Figures"]
        header = [c.value for c in sheet[1]]
        rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
        assert rows and {(r["partner"], r["period"]) for r in rows} == {("HBBC", QUARTER)}, rows[:3]
    else:
        expect(button).to_be_visible()
    if deep:
        _choose(page, "Council", "Melton Borough Council")
        melton = _main(page).get_by_role("button", name=f"Download the {QUARTER} template for MBC (XLSX)")
        expect(melton).to_be_visible()


def collection(page: Page, role: str, app: App, deep: bool) -> None:
    rows = _table(page, f"Figures for {QUARTER} by partner").locator("tbody tr")
    expect(rows.locator("th")).to_have_text(COUNCILS)
    expect(rows.nth(1)).to_contain_text("2 corrections awaiting approval")  # the demo's correction from Blaby
    expect(rows.locator(".charter-chip", has_text="approved").first).to_be_visible()
    if role == "board":  # notes are the councils' own
        expect(_main(page).get_by_text("Notes are added by each council's officers.")).to_be_visible()
    else:
        assert _options(page, "Council") == (["HBBC"] if role == "officer" else ["HBBC", "BDC", "MBC"])


def approvals(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page).get_by_text("1 submission is waiting.")).to_be_visible()
    waiting = rf"^Submission {app.submissions}: {re.escape(CORRECTION)} — 2 figures for BDC, {QUARTER}; sent by"
    expect(_main(page).get_by_text(re.compile(waiting))).to_be_visible()
    expect(_main(page).get_by_role("button", name="Approve")).to_be_visible()
    expect(_main(page).get_by_role("button", name="Return to the officer")).to_be_visible()


def history(page: Page, role: str, app: App, deep: bool) -> None:
    grid = _grid(page)
    expect(grid).to_have_attribute("aria-rowcount", str(app.submissions + 1))  # a header and every file
    newest = grid.locator("tbody tr").first.locator("td").all_text_contents()
    assert newest[:3] == [str(app.submissions), "submitted", CORRECTION], newest
    expect(_main(page).get_by_text("2 figures: 0 new, 2 changed an earlier figure, 0 repeated one.")).to_be_visible()
    download = _main(page).get_by_role("button", name=re.compile(r"^Download the original file"))
    expect(download).to_have_text(re.compile(re.escape(f"({CORRECTION})")))
    if deep:
        _choose(page, "Submission", f"{app.submissions - 1}: ")
        expect(page).to_have_url(re.compile(rf"submission={app.submissions - 1}\b"))
        expect(download).not_to_have_text(re.compile(re.escape(CORRECTION)))


def ict(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page).get_by_text(f"No service desk tickets in the eight quarters to {QUARTER} yet")).to_be_visible()
    expect(_main(page).locator("h2")).to_have_text(["Imports so far", "Import a service desk export"])
    expect(_main(page).get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached()
    councils = COUNCILS[:1] if role == "officer" else COUNCILS  # an officer imports for their own council only
    assert _options(page, "Council") == ["From the file's partner column", *councils]


def board(page: Page, role: str, app: App, deep: bool) -> None:
    said = _main(page).get_by_text(re.compile(r"objectives need the board's decision")).inner_text()
    listed = _number(rf"^(\d+) of \d+ objectives need the board's decision in {re.escape(QUARTER)}", said)
    reviews = _main(page).get_by_role("button", name=re.compile(r"^Review OBJ\d\d$"))
    expect(reviews).to_have_count(listed)  # one card for each objective that needs a decision
    expect(_table(page, f"OBJ07 by partner in {QUARTER}")).to_contain_text("Off track")
    expect(_main(page).get_by_role("button", name="Board pack (PDF)")).to_be_visible()
    if deep:  # the review form opens in the objective's own card
        _main(page).get_by_role("button", name="Review OBJ07").click()
        settle(page)
        expect(page.locator(".st-key-objective-OBJ07").get_by_role("button", name="Record the review")).to_be_visible()


def actions(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page).get_by_text("The board has not agreed any actions yet.")).to_be_visible()
    state = _main(page).get_by_test_id("stMultiSelect").filter(has=page.get_by_text("State", exact=True))
    expect(state.locator("[data-tag]")).to_have_text(["overdue", "open"])
    expect(_main(page).get_by_role("button", name="Add the action")).to_be_visible()
    expect(_main(page).get_by_text("No action is open.")).to_be_visible()


def admin(page: Page, role: str, app: App, deep: bool) -> None:
    tabs = ["People and roles", "Framework file", "Objectives", "Audit trail"]
    expect(_main(page).get_by_role("tab")).to_have_text(tabs)
    people = _grid(page)
    expect(people).to_have_attribute("aria-rowcount", str(len(ACCOUNTS) + 1))
    for who, (email, councils) in ACCOUNTS.items():
        cells = people.locator("tbody tr").filter(has_text=email).locator("td").all_text_contents()
        assert [cells[0], *cells[2:5]] == [email, who, ", ".join(councils), "password"], cells
    expect(_main(page).get_by_role("button", name="Save the person")).to_be_visible()


def money(page: Page, role: str, app: App, deep: bool) -> None:
    """The agreement's term and Melton's budget; only the board and admins are given the forms."""
    expect(_main(page)).to_contain_text("runs from 1 January 2022 to 31 December 2026")
    expect(_main(page)).to_contain_text("£277k service + £34k web budget")
    forms = _main(page).get_by_role("button", name="Record the amount")
    expect(forms).to_have_count(1 if role in ("board", "admin") else 0)


def options(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page)).to_contain_text("b) Lead authority, insourced scores highest")


def risks(page: Page, role: str, app: App, deep: bool) -> None:
    """The register's heat map; only the board and admins are given the re-scoring form."""
    expect(_main(page)).to_contain_text("Current outsourced provider is unwilling to extend contract")
    forms = _main(page).get_by_role("button", name="Record the scoring")
    expect(forms).to_have_count(1 if role in ("board", "admin") else 0)


def contracts(page: Page, role: str, app: App, deep: bool) -> None:
    expect(_main(page)).to_contain_text("Sopra Steria")
    forms = _main(page).get_by_role("button", name="Record the contract")
    expect(forms).to_have_count(1 if role in ("board", "admin") else 0)


CHECKS: dict[str, Callable[[Page, str, App, bool], None]] = {
    "Overview": overview, "Charter": charter, "Objective": objective, "Partner scorecard": scorecard, "KPIs": kpis,
    "About": about, "Upload figures": upload, "Data collection": collection, "Approve figures": approvals,
    "Submission history": history, "ICT service desk": ict, "Board review": board, "Actions": actions, "Admin": admin,
    "Money": money, "Options appraisal": options, "Risks": risks, "Contracts": contracts,
    "My notices": my_notices,
}  # fmt: skip
DEEP = {"public": set(MEMBERS), "board": {"Board review"}, "admin": {"Upload figures", "Submission history"}}


@pytest.mark.parametrize("role", list(PAGES))
def test_each_role_is_offered_its_pages_and_every_page_works(browser: Browser, app: App, role: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    _start(page, app.url, role)
    expect(menu(page)).to_have_count(len(PAGES[role]), timeout=30_000)  # the sidebar drawn whole before it is read
    shown = offered(page)
    missing, not_theirs = [t for t in PAGES[role] if t not in shown], [t for t in shown if t not in PAGES[role]]
    assert shown == PAGES[role], f"{role}: {missing} missing, {not_theirs} offered but not theirs"
    # A viewer reads the same pages as the public, walked as "public": what is theirs is the offer and signing out.
    for title in shown[:-1] if role != "viewer" else []:
        _go(page, title)
        CHECKS[title](page, role, app, title in DEEP.get(role, set()))
        assert page.get_by_test_id("stException").count() == 0, title
    if role == "public":
        _public_ends(page, app)
    else:
        _signs_out(page)
    context.close()


def _signs_out(page: Page) -> None:
    """Sign out leaves the public pages, and no trace of the person, in the same session."""
    open_page(page, "Sign out")
    expect(page.locator("h1").first).to_have_text("Overview")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).not_to_contain_text("Signed in as")
    assert offered(page) == PAGES["public"]


def _public_ends(page: Page, app: App) -> None:
    """The Sign in page asks for an e-mail and password; a members' page is not reached by its address."""
    _go(page, "Sign in")
    expect(_main(page).get_by_role("textbox", name="E-mail")).to_be_visible()
    expect(_main(page).get_by_role("textbox", name="Password")).to_be_visible()
    expect(_main(page).get_by_role("button", name="Sign in")).to_be_visible()
    page.goto(f"{app.url}/admin")  # a new session, not signed in
    settle(page)
    expect(page.get_by_role("dialog")).to_contain_text("Page not found")
    expect(page.locator("h1").first).to_have_text("Overview")
    assert offered(page) == PAGES["public"]


# --- status never by colour alone ------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


FILLS = {_rgb(fill): status for status, (_, fill, _) in STATUS_STYLE.items()}
COLOURED = """(fills) => [...document.querySelectorAll("[data-testid='stMain'] *")].flatMap((e) => {
  const style = getComputedStyle(e);
  const colour = [style.backgroundColor, style.color].find((c) => c in fills);
  if (!colour) return [];
  const spoken = e.cloneNode(true);
  spoken.querySelectorAll("[aria-hidden='true']").forEach((h) => h.remove());
  return [{colour, shown: e.textContent.trim(), spoken: spoken.textContent.trim(), html: e.outerHTML.slice(0, 200)}];
})"""
POINTS = """(chart) => [...chart.querySelectorAll("g.mark-symbol.role-mark path")].map(
  (p) => ({fill: p.getAttribute("fill"), shape: p.getAttribute("d"), label: p.getAttribute("aria-label") || ""}))"""


def _coloured_elements_say_their_status(page: Page) -> int:
    """Every element in a status colour says that status in words to a reader and shows its symbol; how many."""
    found = page.evaluate(COLOURED, FILLS)
    for element in found:
        status = FILLS[element["colour"]]
        assert status.lower() in element["spoken"].lower(), f"{status} by colour alone: {element}"
        assert element["shown"].startswith(STATUS_STYLE[status][0]), f"{status} without its symbol: {element}"
    return len(found)


def _points_say_their_status(page: Page) -> int:
    """Every status-coloured point in a chart is named with its status, and each status has its own shape."""
    shapes: dict[str, set[str]] = {}
    points = 0
    for chart in _main(page).get_by_test_id("stVegaLiteChart").all():
        for point in chart.evaluate(POINTS):
            named = re.search(r"Status: ([A-Za-z ]+?)(;|$)", point["label"])
            assert named and named.group(1) in STATUS_STYLE, point
            assert point["fill"].lower() == STATUS_STYLE[named.group(1)][1], point
            shapes.setdefault(named.group(1), set()).add(point["shape"])
            points += 1
    assert len(shapes) >= 2, shapes  # shapes that tell statuses apart need statuses to tell apart
    for status, drawn in shapes.items():
        others = set().union(*(s for other, s in shapes.items() if other != status))
        assert not drawn & others, f"{status} is drawn in the same shape as another status"
    return points


def test_no_status_is_shown_by_colour_alone(browser: Browser, app: App) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _start(page, app.url, "public")
    seen = {}
    for title in ("Overview", "Charter", "Partner scorecard", "Objective"):
        _go(page, title, whole=True)
        seen[title] = _coloured_elements_say_their_status(page)
    _charts_drawn(page, least=len(COUNCILS))
    seen["Objective's charts"] = _points_say_their_status(page)
    page.close()
    assert all(n >= 3 for n in seen.values()), seen  # each page showed statuses: the check above saw them
