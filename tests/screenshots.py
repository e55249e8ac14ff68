"""Take desktop (1400 px) and phone (390 px) screenshots of every page into docs/screenshots/.

Run with `.venv/bin/python -m tests.screenshots [DB]`; the app is served on a free port for the run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from metrics.config import ROOT
from tests.browser import CHROMIUM, CHROMIUM_ARGS, serve, settle

PAGES = {
    "overview": "",
    "charter": "charter",
    "objective": "objective?objective=OBJ05",
    "scorecard": "scorecard?partner=MBC",
    "kpis": "kpis",
    "about": "about",
}
OUT = ROOT / "docs" / "screenshots"


def main(db: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with serve(db) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, label in ((1400, "desktop"), (390, "phone")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            for name, path in PAGES.items():
                page.goto(f"{url}/{path}")
                settle(page)
                height = page.evaluate(
                    "Math.max(...[...document.querySelectorAll('[data-testid=stMain], section')]"
                    ".map(e => e.scrollHeight), 900)"
                )
                page.set_viewport_size({"width": width, "height": min(int(height) + 40, 12000)})
                settle(page)
                page.screenshot(path=str(OUT / f"{name}-{label}.png"))
                page.set_viewport_size({"width": width, "height": 900})
                errors = page.locator("[data-testid='stException']").count()
                print(f"{name}-{label}: {height}px high, {errors} exceptions")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "charter.duckdb")
