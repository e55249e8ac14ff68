"""Serve the app on 127.0.0.1 for a test and drive it with Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from metrics.config import ROOT

# A loaded 2-core machine can take longer than Playwright's default 5 s to show a rerun's result.
expect.set_options(timeout=30_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(db: Path, port: int | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve the app as `make run` does (dashboard/serve.py) on its own port and database; yield its base URL."""
    with serve_process(db, port, env) as (url, _proc):
        yield url


@contextmanager
def serve_process(
    db: Path, port: int | None = None, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As `serve`, and yield the server process too (its pid is the app's, for memory figures)."""
    port = port or free_port()
    environ = {**os.environ, "CHARTER_DB": str(db), **(env or {})}
    cmd = [
        sys.executable, "-m", "dashboard.serve",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310
                    if r.read().decode() == "ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"the app did not start:\n{out}")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def settle(page: Page, timeout: float = 30_000) -> None:
    """Wait as Streamlit's own end-to-end tests do: connected, script finished, no skeletons."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_function("!document.querySelector(\"[data-testid='stSkeleton']\")", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def sign_in(page: Page, url: str, email: str, password: str, query: str = "") -> None:
    """Sign in on the app's Sign in page; the browser context then stays signed in (a cookie), reloads included.

    `query` (e.g. "?quarter=2025/26+Q2") sets what the session keeps from its first page."""
    page.goto(f"{url}/signin{query}")
    settle(page)
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    settle(page)  # may return before the rerun the click starts has begun, on a loaded machine
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Signed in as {email}")).to_be_visible()
    settle(page)  # the rerun that says so also fills the menu, after it


def menu(page: Page) -> Locator:
    """The links to pages in the sidebar's menu (dashboard/sidebar.py)."""
    return page.get_by_test_id("stSidebar").locator(".st-key-charter-nav").get_by_role("link")


def offered(page: Page) -> list[str]:
    """The titles of the pages in the sidebar's menu (a link's text also holds its icon's name, on a line before).

    The menu is filled last in a run (dashboard/sidebar.py), so it is read once the run has finished, and read
    again until two readings a settle apart agree: a rerun that starts late on a loaded machine redraws it."""

    def titles() -> list[str]:
        settle(page)
        return [t.strip().split("\n")[-1].strip() for t in menu(page).all_inner_texts()]

    found, before = titles(), None
    for _ in range(5):
        if found == before:
            break
        before, found = found, titles()
    return found


def open_page(page: Page, title: str) -> None:
    """Go to a page through the sidebar, as a person does (loading its address afresh starts a new session)."""
    menu(page).filter(has_text=title).click()
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0


# Elements of the main area that reach past the window's right edge (wide tables scroll in their own box).
OVERFLOW = """() => { const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("[data-testid='stMain'] *")].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !e.closest(".charter-scroll, [data-testid='stDataFrame']");
  }).map((e) => e.outerHTML.slice(0, 120)); }"""
