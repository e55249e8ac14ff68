"""Microsoft 365 sign-in from councils on different tenants, in Chromium: the app uses the multi-tenant
(`organizations`) discovery document of the local provider (tests/oidc.py), whose issuer is the template
`…/{tenantid}/v2.0`, and lists one tenant in `[charter] allowed_tenants` (docs/sign-in.md).

One served app for the module; each test signs in from a browser profile of its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from metrics import accounts, store
from metrics.access import Actor
from tests import oidc
from tests.browser import free_port, menu, serve, settle

pytestmark = pytest.mark.browser
ADMIN = Actor.administrator("tests")
SWALE = "0b5e1d2c-3f4a-4b6c-8d7e-9f0a1b2c3d4e"  # listed
ELSEWHERE = "7c6b5a49-3827-4615-a4b3-c2d1e0f9a8b7"  # not listed
OFFICER = "officer@hinckley-bosworth.example"
OUTSIDER = "officer@elsewhere.example"  # has a Charter account, but signs in from a tenant not listed
IMPOSTOR = "impostor@elsewhere.example"  # claims the listed tenant in a token from another tenant's issuer


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with oidc.running() as url:
        yield url


@pytest.fixture(scope="module")
def database(provider: str, _demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tenants") / "charter.duckdb"
    shutil.copy(_demo_template, db)
    with store.connect(db) as con:
        for email in (OFFICER, OUTSIDER, IMPOSTOR):
            accounts.add_user(con, ADMIN, email=email, role="officer", partners=["HBBC"])
    oidc.person(provider, OFFICER, SWALE)
    oidc.person(provider, OUTSIDER, ELSEWHERE)
    oidc.person(provider, IMPOSTOR, SWALE, iss=f"{provider}/{ELSEWHERE}/v2.0")
    return db


def _environment(db: Path, provider: str, port: int) -> dict[str, str]:
    """The app's settings: Microsoft 365 through the provider's multi-tenant document, one tenant allowed."""
    secrets = db.parent / f"secrets-{port}.toml"
    secrets.write_text(
        f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a cookie secret for this test only, long enough"

[auth.microsoft]
client_id = "charter-test"
client_secret = "a client secret for this test only"
server_metadata_url = "{provider}{oidc.ORGANIZATIONS}"

[charter]
allowed_tenants = ["{SWALE}"]
""",
        encoding="utf-8",
    )
    return {"CHARTER_PUBLIC": "false", "STREAMLIT_SECRETS_FILES": str(secrets)}


@pytest.fixture(scope="module")
def app(provider: str, database: Path) -> Iterator[str]:
    port = free_port()
    with serve(database, port=port, env=_environment(database, provider, port)) as url:
        yield url


def _authorize(page: Page, url: str, provider: str, email: str) -> None:
    page.goto(url)
    settle(page)
    page.get_by_role("button", name="Sign in with Microsoft 365").click()
    page.wait_for_url(f"{provider}/oauth2/authorize**")
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()


def _signed_out(page: Page) -> None:
    expect(page.locator("h1").first).to_have_text("Sign in")
    expect(page.get_by_test_id("stSidebar")).not_to_contain_text("Signed in as")
    expect(menu(page).filter(has_text="Upload figures")).to_have_count(0)
    assert page.locator("[data-testid='stException']").count() == 0


def test_a_person_of_a_listed_tenant_signs_in(app: str, provider: str, context: BrowserContext) -> None:
    page = context.new_page()
    _authorize(page, app, provider, OFFICER)
    page.wait_for_url(f"{app}/**")
    settle(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {OFFICER} (officer for HBBC)")
    expect(page.locator("h1").first).to_have_text("Overview")
    expect(menu(page).filter(has_text="Upload figures")).to_be_visible()
    page.reload()
    settle(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {OFFICER}")


def test_a_person_of_another_tenant_is_refused_and_signed_out_at_the_provider(
    app: str, provider: str, context: BrowserContext
) -> None:
    page = context.new_page()
    _authorize(page, app, provider, OUTSIDER)
    page.wait_for_url(f"{provider}/oauth2/end_session**")  # the app sent the browser to the provider's sign-out
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{app}/**")
    settle(page)
    expect(page.get_by_text(
        f"Your organisation (tenant {ELSEWHERE}) is not one this Charter serves; ask the partnership's "
        "performance lead to have it added to allowed_tenants under [charter] in .streamlit/secrets.toml."
    )).to_be_visible()  # fmt: skip
    _signed_out(page)
    page.reload()  # said once; still signed out
    settle(page)
    _signed_out(page)
    expect(page.get_by_text("is not one this Charter serves")).to_have_count(0)


def test_a_token_claiming_a_listed_tenant_from_another_issuer_is_refused(
    app: str, provider: str, context: BrowserContext
) -> None:
    page = context.new_page()
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    _authorize(page, app, provider, IMPOSTOR)
    page.wait_for_url(f"{app}/**")  # Streamlit's callback refused the token: no identity cookie is set
    settle(page)
    _signed_out(page)
    assert not any(c["name"].startswith("_streamlit_user") for c in context.cookies())
    page.reload()
    settle(page)
    _signed_out(page)
    assert not [u for u in visited if "/end_session" in u or "/auth/logout" in u]  # refused before the app ran


def test_a_sign_in_that_returns_to_a_restarted_server_is_served(
    provider: str, database: Path, context: BrowserContext
) -> None:
    """The person is at Microsoft's sign-in page when the server restarts: their return is the new server's first
    request, before any page has run there; dashboard/serve.py installed the tenant check before it answered."""
    port = free_port()
    env = _environment(database, provider, port)
    page = context.new_page()
    with serve(database, port=port, env=env) as url:
        page.goto(url)
        settle(page)
        page.get_by_role("button", name="Sign in with Microsoft 365").click()
        page.wait_for_url(f"{provider}/oauth2/authorize**")
    with serve(database, port=port, env=env) as url:
        page.locator("input[name='sub']").fill(OFFICER)
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{url}/**")
        settle(page)
        expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {OFFICER} (officer for HBBC)")
