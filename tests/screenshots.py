"""Take desktop (1400 px) and phone (390 px) screenshots of every page into docs/screenshots/.

Run with `.venv/bin/python -m tests.screenshots [DB]` (default data/charter.duckdb, made by `charter init --demo`).
The members' pages are shot without signing in; the officers' and board pages signed in as an officer, an admin
and a board member, whose accounts are added to a copy of the database (the database itself is not changed).
The app is served on a free port for the run.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from metrics import accounts, hosting, store
from metrics.access import Actor
from metrics.config import ROOT
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve, settle, sign_in

PAGES = {
    "overview": "",
    "charter": "charter",
    "objective": "objective?objective=OBJ05",
    "scorecard": "scorecard?partner=MBC",
    "kpis": "kpis",
    "about": "about",
}
PASSWORD = "screenshots-only-password"  # noqa: S105 (accounts on a throwaway copy of the database)
# Who signs in to shoot which pages: (e-mail, role, councils, {name: path}).
SIGNED_IN = [
    ("officer@example.org", "officer", ["HBBC"],
     {"upload": "upload", "collection": "collection", "ict": "ict"}),
    ("lead@example.org", "admin", [],
     {"approvals": "approvals", "money": "money", "options": "options", "risks": "risks", "contracts": "contracts"}),
    ("board@example.org", "board", [], {"board": "board", "actions": "actions"}),
]  # fmt: skip
OUT = ROOT / "docs" / "screenshots"


def add_accounts(db: Path) -> None:
    """The accounts that sign in for the screenshots, added as the database's administrator."""
    with store.connect(db) as con:
        for email, role, partners, _ in SIGNED_IN:
            accounts.add_user(
                con, Actor.administrator("screenshots"), email=email, role=role, partners=partners, password=PASSWORD
            )


def shoot(page: Page, url: str, name: str, path: str, width: int, label: str) -> None:
    """One page, as tall as its content, into docs/screenshots/NAME-LABEL.png; says how it went."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{url}/{path}")
    settle(page)
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], section')].map(e => e.scrollHeight), 900)"
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12000)})
    settle(page)
    page.screenshot(path=str(OUT / f"{name}-{label}.png"))
    errors = page.locator("[data-testid='stException']").count()
    print(f"{name}-{label}: {height}px high, {errors} exceptions")


def shoot_all(browser: Browser, url: str, width: int, label: str) -> None:
    """The members' pages signed out, then each role's pages signed in (a browser context each)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for name, path in PAGES.items():
        shoot(page, url, name, path, width, label)
    context.close()
    for email, _, _, pages in SIGNED_IN:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        sign_in(page, url, email, PASSWORD)  # on a wide window, where the sign-in form's sidebar check is seen
        for name, path in pages.items():
            shoot(page, url, name, path, width, label)
        context.close()


def main(db: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="charter-screenshots-") as tmp:
        copy = Path(tmp) / "charter.duckdb"
        shutil.copy(db, copy)
        if (hosted := hosting.folder(db)).is_dir():  # the partnerships it hosts, beside it (docs/hosting.md)
            shutil.copytree(hosted, hosting.folder(copy))
        add_accounts(copy)
        with serve(copy) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for width, label in ((1400, "desktop"), (390, "phone")):
                shoot_all(browser, url, width, label)
            browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "charter.duckdb")
