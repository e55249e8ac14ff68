"""Microsoft 365 sign-in from several tenants (dashboard/tenants.py): the issuer template of a multi-tenant
metadata URL, the list of allowed tenants, the refusals word for word, and Authlib's ID-token check with the
hook installed, on tokens signed here (the browser walk is tests/test_tenants_browser.py)."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from authlib.integrations.starlette_client import OAuth  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import InvalidClaimError, JoseError
from joserfc.jwk import KeySet, RSAKey

from dashboard import tenants

SWALE = "0b5e1d2c-3f4a-4b6c-8d7e-9f0a1b2c3d4e"
MAIDSTONE = "7c6b5a49-3827-4615-a4b3-c2d1e0f9a8b7"
MICROSOFT = "https://login.microsoftonline.com"
ORGANIZATIONS = f"{MICROSOFT}/organizations/v2.0/.well-known/openid-configuration"
TEMPLATE = f"{MICROSOFT}/{{tenantid}}/v2.0"
WHERE = "allowed_tenants under [charter] in .streamlit/secrets.toml"


@pytest.mark.parametrize(
    ("url", "template"),
    [
        (ORGANIZATIONS, TEMPLATE),
        (f"{MICROSOFT}/common/v2.0/.well-known/openid-configuration", TEMPLATE),
        (
            "http://127.0.0.1:5000/organizations/v2.0/.well-known/openid-configuration",
            "http://127.0.0.1:5000/{tenantid}/v2.0",
        ),
        (f"{MICROSOFT}/{SWALE}/v2.0/.well-known/openid-configuration", None),  # a tenant's own: single-tenant
        (f"{MICROSOFT}/swale.gov.uk/v2.0/.well-known/openid-configuration", None),
        ("http://127.0.0.1:5000/.well-known/openid-configuration", None),
        ("", None),
    ],
)
def test_the_issuer_template_comes_from_a_multi_tenant_metadata_url(url: str, template: str | None) -> None:
    assert tenants.template(url) == template


def test_the_allowed_tenants_are_tenant_ids() -> None:
    assert tenants.allowed({"allowed_tenants": [SWALE.upper(), f" {MAIDSTONE} "]}) == (
        frozenset({SWALE, MAIDSTONE}),
        None,
    )
    assert tenants.allowed({}) == (frozenset(), None)
    assert tenants.allowed(None) == (frozenset(), None)
    assert tenants.allowed({"allowed_tenants": ["swale.gov.uk"]}) == (
        frozenset(),
        f"{WHERE} lists 'swale.gov.uk', which is not a tenant ID "
        "(a GUID, shown on the Overview of Microsoft Entra ID), "
        "so no one can sign in until the administrator corrects it.",
    )
    assert tenants.allowed({"allowed_tenants": SWALE}) == (
        frozenset(),
        f'{WHERE} must be a list of tenant IDs, such as ["00000000-0000-0000-0000-000000000000"].',
    )


def _claims(tid: str, iss: str | None = None) -> dict[str, str]:
    return {"tid": tid, "iss": iss or f"{MICROSOFT}/{tid}/v2.0"}


def test_a_multi_tenant_sign_in_is_refused_unless_its_tenant_is_listed() -> None:
    listed = frozenset({SWALE})
    assert tenants.refusal(_claims(SWALE), TEMPLATE, listed, None) is None
    assert tenants.refusal(_claims(MAIDSTONE), TEMPLATE, listed, None) == (
        f"Your organisation (tenant {MAIDSTONE}) is not one this Charter serves; "
        f"ask the partnership's performance lead to have it added to {WHERE}."
    )
    no_list = (
        "Charter is set up for Microsoft 365 sign-in from several organisations but lists none that it serves, "
        f"so no one can sign in. Ask the administrator to put your organisation's tenant ID in {WHERE}."
    )
    assert tenants.refusal(_claims(SWALE), TEMPLATE, frozenset(), None) == no_list  # fails closed
    assert tenants.refusal(_claims(SWALE), TEMPLATE, frozenset(), "a wrong list") == "a wrong list"
    mismatch = "That Microsoft 365 sign-in was refused: its issuer is not its own organisation's (tenant) issuer."
    assert tenants.refusal(_claims(SWALE, f"{MICROSOFT}/{MAIDSTONE}/v2.0"), TEMPLATE, listed, None) == mismatch
    assert tenants.refusal(_claims(SWALE, "https://elsewhere.example"), TEMPLATE, listed, None) == mismatch
    assert tenants.refusal({"iss": f"{MICROSOFT}/{SWALE}/v2.0"}, TEMPLATE, listed, None) == mismatch  # no tid


def test_a_single_tenant_sign_in_is_left_as_it_was() -> None:
    assert tenants.refusal(_claims(MAIDSTONE), None, frozenset(), None) is None
    assert tenants.refusal({}, None, frozenset({SWALE}), "a wrong list") is None


def test_the_refusal_shown_after_the_providers_sign_out_is_rebuilt_from_a_code() -> None:
    listed = frozenset({SWALE})
    message = tenants.refusal(_claims(MAIDSTONE), TEMPLATE, listed, None)
    assert message is not None
    code = tenants.reason_code(_claims(MAIDSTONE), message)
    assert code == MAIDSTONE
    assert tenants.after_sign_out(code, listed, None) == message
    assert tenants.after_sign_out(code, frozenset({SWALE, MAIDSTONE}), None) is None  # added since
    assert tenants.after_sign_out("<b>made up</b>", listed, None) is None  # the browser's cookie is not trusted
    assert tenants.after_sign_out("config", frozenset(), None) == tenants.NO_LIST
    assert tenants.after_sign_out("issuer", listed, None) == tenants.MISMATCH
    assert tenants.reason_code(_claims(SWALE), tenants.MISMATCH) == "issuer"
    assert tenants.reason_code(_claims(SWALE), tenants.NO_LIST) == "config"


KEY = RSAKey.generate_key(2048, parameters={"kid": "test"})


def _parse(issuer: str, claims: dict[str, Any], key: RSAKey = KEY) -> dict[str, Any]:
    """Authlib's Starlette client (the one under st.login) checking an ID token signed here for `charter-test`."""
    oauth = OAuth()
    oauth.register(
        "microsoft",
        client_id="charter-test",
        client_secret="a secret for this test only",  # noqa: S106
        issuer=issuer,
        jwks=KeySet([KEY]).as_dict(private=False),
    )
    now = int(time.time())
    body = {"sub": "someone", "aud": "charter-test", "iat": now, "exp": now + 600, "nonce": "n", **claims}
    token = {"id_token": jwt.encode({"alg": "RS256", "kid": "test"}, body, key)}
    parsing = oauth.create_client("microsoft").parse_id_token(token, nonce="n")
    with ThreadPoolExecutor(1) as thread:  # asyncio.run refuses a thread with an event loop (a sync Playwright's)
        return dict(thread.submit(asyncio.run, parsing).result())


def test_authlib_takes_a_template_issuers_token_only_from_its_own_tenant() -> None:
    tenants.install()
    tenants.install()  # once only
    assert _parse(TEMPLATE, _claims(SWALE))["tid"] == SWALE
    with pytest.raises(InvalidClaimError):
        _parse(TEMPLATE, _claims(SWALE, f"{MICROSOFT}/{MAIDSTONE}/v2.0"))
    with pytest.raises(InvalidClaimError):
        _parse(TEMPLATE, {"iss": f"{MICROSOFT}/{SWALE}/v2.0"})  # no tid
    with pytest.raises(InvalidClaimError):
        _parse(TEMPLATE, _claims(SWALE, TEMPLATE))  # the template itself is no tenant's issuer
    with pytest.raises(JoseError):  # the audience is still checked
        _parse(TEMPLATE, {**_claims(SWALE), "aud": "another app"})
    with pytest.raises(JoseError):  # and the signature
        _parse(TEMPLATE, _claims(SWALE), key=RSAKey.generate_key(2048, parameters={"kid": "test"}))


def test_a_single_tenant_issuer_is_still_matched_exactly() -> None:
    tenants.install()
    own = f"{MICROSOFT}/{SWALE}/v2.0"
    assert _parse(own, _claims(SWALE))["iss"] == own
    with pytest.raises(InvalidClaimError):
        _parse(own, _claims(MAIDSTONE))
