"""The wallet reaches 蒙速办 through the shared session: a provider that stumbles once still logs people in."""

from __future__ import annotations

import requests

from tests.support.scripted_server import Script, scripted_server
from wallet import create_app


def test_discovery_answering_503_once_is_retried(seeded_idp, wallet_app, system):
    discovery = requests.get(f"{system.url}/idp/.well-known/openid-configuration", timeout=10)
    script = Script(replies=[(503, {}, b""), (200, {"Content-Type": "application/json"}, discovery.content)])
    with scripted_server(script):
        stumbling = create_app(
            {
                **{k: wallet_app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "WALLET_BASE_URL")},
                "APP_ENV": "test",
                "OIDC_DISCOVERY_URL": f"{script.url}/discovery",
            }
        )
        response = stumbling.test_client().get("/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(discovery.json()["authorization_endpoint"])
    assert [method for method, _, _ in script.seen] == ["GET", "GET"]
