"""A real OpenID Connect provider on 127.0.0.1 for the Microsoft 365 sign-in tests (oidc-provider-mock).

Besides its own discovery document it publishes Microsoft's multi-tenant one at
`/organizations/v2.0/.well-known/openid-configuration`: the same endpoints and keys, with the issuer the template
`…/{tenantid}/v2.0` (docs/sign-in.md). `person()` gives a person the `tid` claim of a tenant and that tenant's
`iss` (or another issuer, to play a token that claims a tenant it was not issued by).
"""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import flask
import oidc_provider_mock
import werkzeug.serving

ORGANIZATIONS = "/organizations/v2.0/.well-known/openid-configuration"


@contextmanager
def running() -> Iterator[str]:
    """Serve the provider on 127.0.0.1; yield its base URL. The sign-in form takes any e-mail as the person."""
    insecure = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the provider is served over plain HTTP on this machine only
    app = oidc_provider_mock.app()
    own = app.view_functions["oidc-provider-mock.openid_config"]

    def organizations() -> flask.Response:
        document = own().get_json()
        document["issuer"] = f"{flask.request.host_url.rstrip('/')}/{{tenantid}}/v2.0"
        return flask.jsonify(document)

    # named inside the provider's blueprint, so that its url_for(".authorize") finds the provider's endpoints
    app.add_url_rule(ORGANIZATIONS, "oidc-provider-mock.organizations", organizations)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        if insecure is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = insecure


def person(provider: str, email: str, tid: str, iss: str | None = None) -> None:
    """Put `email` in tenant `tid`: its ID tokens carry `tid` and, unless told otherwise, that tenant's issuer."""
    claims = {"email": email, "tid": tid, "iss": iss or f"{provider}/{tid}/v2.0"}
    request = urllib.request.Request(  # noqa: S310 (the provider on 127.0.0.1)
        f"{provider}/users/{urllib.parse.quote(email)}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 204
