"""Microsoft 365 sign-in (`st.login`, OpenID Connect) through the served app in Chromium, against a local OpenID
Connect provider (oidc-provider-mock) that the test starts on 127.0.0.1.

The app reads its `[auth]` settings from a secrets file of the test's own (STREAMLIT_SECRETS_FILES), so a
developer's `.streamlit/secrets.toml` is neither read nor touched. The provider says who signed in; the role
and councils come from the Charter account of that e-mail.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from metrics import accounts, store
from metrics.access import Actor
from tests import oidc
from tests.browser import free_port, menu, serve, settle

pytestmark = pytest.mark.browser
ADMIN = Actor.administrator("tests")
OFFICER = "officer@hinckley-bosworth.example"
STRANGER = "stranger@example.org"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """An OpenID Connect provider on 127.0.0.1 whose sign-in form takes any e-mail as the person signing in."""
    with oidc.running() as url:
        yield url


@pytest.fixture(scope="module")
def app(provider: str, _demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("oidc")
    db = folder / "charter.duckdb"
    shutil.copy(_demo_template, db)
    with store.connect(db) as con:  # a Microsoft 365 account: no password here
        accounts.add_user(con, ADMIN, email=OFFICER, role="officer", partners=["HBBC"])
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a cookie secret for this test only, long enough"

[auth.microsoft]
client_id = "charter-test"
client_secret = "a client secret for this test only"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""",
        encoding="utf-8",
    )
    env = {"CHARTER_PUBLIC": "false", "STREAMLIT_SECRETS_FILES": str(secrets)}
    with serve(db, port=port, env=env) as url:
        yield url, db


def _sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def _sign_in_with_microsoft(page: Page, url: str, provider: str, email: str) -> None:
    """Press the app's button, then say who you are on the provider's form, as Microsoft's sign-in page would ask."""
    page.goto(url)
    settle(page)
    expect(page.locator("h1").first).to_have_text("Sign in")
    page.get_by_role("button", name="Sign in with Microsoft 365").click()
    page.wait_for_url(f"{provider}/oauth2/authorize**")
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    settle(page)


def test_microsoft_365_sign_in_takes_the_role_from_the_charter_account(
    app: tuple[str, Path], provider: str, context: BrowserContext
) -> None:
    url, db = app
    page = context.new_page()
    _sign_in_with_microsoft(page, url, provider, OFFICER)
    expect(_sidebar(page)).to_contain_text(f"Signed in as {OFFICER} (officer for HBBC)")
    expect(page.locator("h1").first).to_have_text("Overview")
    links = menu(page)
    expect(links.filter(has_text="Upload figures")).to_be_visible()

    with store.connect(db) as con:  # the role is Charter's to give, not the provider's
        accounts.add_user(con, ADMIN, email=OFFICER, role="board")
    page.reload()
    settle(page)
    expect(_sidebar(page)).to_contain_text(f"Signed in as {OFFICER} (board)")
    expect(links.filter(has_text="Board review")).to_be_visible()
    expect(links.filter(has_text="Upload figures")).to_have_count(0)

    links.filter(has_text="Sign out").click()  # Streamlit ends its session, then asks the provider to end its own
    page.wait_for_url(f"{provider}/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{url}/**")
    settle(page)
    expect(page.locator("h1").first).to_have_text("Sign in")
    expect(_sidebar(page)).not_to_contain_text("Signed in as")
    page.reload()
    settle(page)
    expect(page.locator("h1").first).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign in with Microsoft 365")).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0


def test_an_email_without_a_charter_account_is_refused_plainly(
    app: tuple[str, Path], provider: str, context: BrowserContext
) -> None:
    url, _ = app
    page = context.new_page()
    _sign_in_with_microsoft(page, url, provider, STRANGER)
    expect(page.get_by_text(
        f"{STRANGER} has no access to Charter. Ask the partnership's performance lead to add you."
    )).to_be_visible()  # fmt: skip
    expect(page.locator("h1").first).to_have_text("Sign in")
    expect(_sidebar(page)).not_to_contain_text("Signed in as")
    expect(menu(page)).to_have_count(0)
    assert page.locator("[data-testid='stException']").count() == 0
