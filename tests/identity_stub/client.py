"""A minimal relying party for the stub's tests: builds authorization requests, gets codes, redeems them."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from tests.identity_stub.pages import redirect_target, through_stub

SCOPE = "openid profile phone idcard"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class Relying:
    base: str
    client_id: str
    client_secret: str
    redirect_uri: str
    verifier: str = field(default_factory=lambda: b64url(secrets.token_bytes(48)))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    @classmethod
    def for_wallet(cls, system: Any, idp_app: Any) -> Relying:
        cfg = idp_app.config
        return cls(system.url, cfg["WALLET_CLIENT_ID"], cfg["WALLET_CLIENT_SECRET"], f"{system.url}/auth/callback")

    def params(self, **overrides: str | None) -> dict[str, str]:
        values: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": SCOPE,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": b64url(hashlib.sha256(self.verifier.encode()).digest()),
            "code_challenge_method": "S256",
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v is not None}

    def authorize_url(self, **overrides: str | None) -> str:
        return f"{self.base}/idp/authorize?{urlencode(self.params(**overrides))}"

    def code(self, http: requests.Session | None = None, **answers: Any) -> str:
        back = redirect_target(through_stub(http or requests.Session(), self.authorize_url(), **answers))
        params = parse_qs(urlsplit(back).query)
        assert back.startswith(self.redirect_uri + "?") and params["state"] == [self.state], back
        return params["code"][0]

    def redeem(self, code: str, **overrides: str | None) -> requests.Response:
        data: dict[str, str | None] = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
        }
        data.update(overrides)
        return requests.post(
            f"{self.base}/idp/token",
            auth=(self.client_id, self.client_secret),
            timeout=10,
            data={k: v for k, v in data.items() if v is not None},
        )

    def userinfo(self, access_token: str) -> requests.Response:
        return requests.get(
            f"{self.base}/idp/userinfo", headers={"Authorization": f"Bearer {access_token}"}, timeout=10
        )
