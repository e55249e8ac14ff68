"""Microsoft 365 sign-in for councils on different Entra ID tenants (docs/sign-in.md).

A multi-tenant app registration names `common` or `organizations` in its metadata URL. That discovery document
gives the issuer as the template `https://login.microsoftonline.com/{tenantid}/v2.0`, while each ID token
carries its own tenant's issuer, so Authlib (under `st.login`) refuses every such token: Streamlit has no
setting for it. `install()` lets Authlib accept a token from a template issuer only when its `iss` is the
template with the token's own `tid` put in; the app then admits only the tenants listed in `[charter]
allowed_tenants` (`refusal`). A tenant's own metadata URL (single-tenant) is left exactly as Streamlit does it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

TENANT = "{tenantid}"
MULTI_TENANT = frozenset({"common", "organizations"})  # Microsoft's names for "any organisation's tenant"
WELL_KNOWN = "/.well-known/openid-configuration"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
WHERE = "allowed_tenants under [charter] in .streamlit/secrets.toml"
NO_LIST = (
    "Charter is set up for Microsoft 365 sign-in from several organisations but lists none that it serves, "
    f"so no one can sign in. Ask the administrator to put your organisation's tenant ID in {WHERE}."
)
MISMATCH = "That Microsoft 365 sign-in was refused: its issuer is not its own organisation's (tenant) issuer."


def refused_tenant(tid: str) -> str:
    return (
        f"Your organisation (tenant {tid}) is not one this Charter serves; "
        f"ask the partnership's performance lead to have it added to {WHERE}."
    )


def template(metadata_url: str) -> str | None:
    """The issuer template of a multi-tenant metadata URL (…/organizations/v2.0/.well-known/… gives
    …/{tenantid}/v2.0), or None for a single tenant's own URL."""
    url = urlsplit(metadata_url)
    parts = url.path.split("/")
    if len(parts) < 2 or parts[1].lower() not in MULTI_TENANT or not url.path.endswith(WELL_KNOWN):
        return None
    path = "/".join(["", TENANT, *parts[2:]]).removesuffix(WELL_KNOWN)
    return f"{url.scheme}://{url.netloc}{path}"


def own_issuer(claims: Mapping[str, Any], issuer_template: str) -> bool:
    """True when the token's `iss` is the template with the token's own tenant id (`tid`) in it."""
    tid = claims.get("tid")
    if not isinstance(tid, str) or not GUID.fullmatch(tid):
        return False
    return claims.get("iss") == issuer_template.replace(TENANT, tid)


def allowed(section: object) -> tuple[frozenset[str], str | None]:
    """The tenant ids of `[charter]` in the secrets file, and a problem for the administrator if the list is wrong."""
    listed = section.get("allowed_tenants", []) if isinstance(section, Mapping) else []
    if isinstance(listed, str) or not isinstance(listed, list | tuple):
        return frozenset(), f'{WHERE} must be a list of tenant IDs, such as ["{"0" * 8}-{"0000-" * 3}{"0" * 12}"].'
    for entry in listed:
        if not isinstance(entry, str) or not GUID.fullmatch(entry.strip().lower()):
            return frozenset(), (
                f"{WHERE} lists {str(entry)[:80]!r}, which is not a tenant ID (a GUID, shown on the Overview of "
                "Microsoft Entra ID), so no one can sign in until the administrator corrects it."
            )
    return frozenset(e.strip().lower() for e in listed), None


def refusal(
    claims: Mapping[str, Any], issuer_template: str | None, tenants: frozenset[str], problem: str | None
) -> str | None:
    """Why this signed-in person may not use Charter, or None; a single-tenant sign-in is never refused here."""
    if issuer_template is None:
        return None
    if problem or not tenants:
        return problem or NO_LIST
    if not own_issuer(claims, issuer_template):
        return MISMATCH
    tid = str(claims["tid"])
    return None if tid in tenants else refused_tenant(tid)


def reason_code(claims: Mapping[str, Any], message: str) -> str:
    """What a refusal cookie keeps across the provider's sign-out: the tenant id, or which other refusal."""
    tid = claims.get("tid")
    if isinstance(tid, str) and message == refused_tenant(tid):
        return tid
    return "issuer" if message == MISMATCH else "config"


def after_sign_out(code: str, tenants: frozenset[str], problem: str | None) -> str | None:
    """The refusal to show again once the provider has signed the person out (the cookie is the browser's own)."""
    if code == "issuer":
        return MISMATCH
    if code == "config":
        return problem or (NO_LIST if not tenants else None)
    return refused_tenant(code) if GUID.fullmatch(code) and code not in tenants else None


def install() -> None:
    """Let the Authlib client under `st.login` accept a multi-tenant issuer, each token checked against its
    own tenant; a provider whose issuer is no template is validated exactly as before. Runs in the server's
    process: `python -m dashboard.serve` (as `make run` serves) installs it before the server starts; under a bare
    `streamlit run dashboard/app.py` the app's first run does, and a multi-tenant sign-in before it is refused
    (fails closed)."""
    from authlib.integrations.starlette_client import StarletteOAuth2App  # type: ignore[import-untyped]
    from joserfc.errors import InvalidClaimError

    if getattr(StarletteOAuth2App, "charter_tenants", False):
        return
    original: Callable[..., Awaitable[Any]] = StarletteOAuth2App.parse_id_token

    async def parse_id_token(self: Any, token: Any, nonce: Any, claims_options: Any = None, **kwargs: Any) -> Any:
        issuer = str((await self.load_server_metadata()).get("issuer", ""))
        if claims_options is not None or TENANT not in issuer:
            return await original(self, token, nonce, claims_options=claims_options, **kwargs)
        # `iss` is still required and the signature, audience, nonce and times are checked as usual
        claims = await original(self, token, nonce, claims_options={"iss": {"essential": True}}, **kwargs)
        if not own_issuer(claims, issuer):
            raise InvalidClaimError("iss")
        return claims

    StarletteOAuth2App.parse_id_token = parse_id_token
    StarletteOAuth2App.charter_tenants = True
