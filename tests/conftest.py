"""Fixtures: a fresh database per test, copied from one built once from the demo framework and figures."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from metrics import demo, store
from metrics.config import DEMO_DIR, ROOT
from tests.browser import CHROMIUM, CHROMIUM_ARGS

AS_OF = date(2025, 11, 20)  # a fixed "today" so that every test sees the same quarters
FRAMEWORK = DEMO_DIR / "framework.yaml"


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    with store.connect(path, as_of=AS_OF) as con:
        store.migrate(con)
        demo.install(con, today=AS_OF, by="tests")
        con.execute("CHECKPOINT")
    return path


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    with store.connect(path) as con:
        store.migrate(con)
        con.execute("CHECKPOINT")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (one per test process)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser profile of its own (its own cookies), closed after the test."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def demo_db(_demo_template: Path, tmp_path: Path) -> Path:
    """A database holding the demo partnership and its figures as of AS_OF (a fresh copy per test)."""
    path = tmp_path / "charter.duckdb"
    shutil.copy(_demo_template, path)
    return path


@pytest.fixture
def empty_db(_empty_template: Path, tmp_path: Path) -> Path:
    """A database with the current schema and nothing in it."""
    path = tmp_path / "charter.duckdb"
    shutil.copy(_empty_template, path)
    return path


@pytest.fixture
def con(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An open connection to a fresh demo database, with "today" fixed at AS_OF."""
    with store.connect(demo_db, as_of=AS_OF) as connection:
        yield connection


def table_contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to show that a refused action changed nothing."""
    with store.connect(path, read_only=True) as con:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "ORDER BY 1, 2"
        ).fetchall()
        return {
            f"{schema}.{name}": sorted(
                con.execute(f'SELECT * FROM "{schema}"."{name}"').fetchall(),  # noqa: S608
                key=repr,
            )
            for schema, name in tables
        }


__all__ = ["AS_OF", "FRAMEWORK", "ROOT", "table_contents"]


# --- the command line and LibreOffice, for tests that go through them (test_cli, test_template, ...) ----------

CHARTER = ROOT / ".venv" / "bin" / "charter"


def charter(db: Path, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60):
    """Run the real `charter` command on `db` with "today" at AS_OF; stdout and stderr come back as text."""
    import os
    import subprocess

    command = [str(CHARTER), "--db", str(db), "--as-of", AS_OF.isoformat(), *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=timeout,
        check=False,
    )


def libreoffice(files: list[Path], to: str, outdir: Path, profile: Path, infilter: str | None = None) -> list[Path]:
    """Convert `files` with real LibreOffice (one start for all), in a private profile so parallel runs do not clash.

    `to` is the target format (xlsx, ods); `infilter` the import options, e.g. "CSV:44,34,76,1" for UTF-8 CSV.
    """
    import subprocess

    command = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", to, "--outdir", str(outdir), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    out = [outdir / f"{f.stem}.{to}" for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {done.stdout} {done.stderr}"
    return out


__all__ += ["CHARTER", "charter", "libreoffice"]
