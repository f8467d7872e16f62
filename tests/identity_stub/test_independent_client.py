"""An OpenID Connect client written only from the standards (requests + PyJWT) logs in at the stub.

It learns every endpoint from the discovery document and trusts nothing in the ID token until
signature, issuer, audience, nonce and expiry are checked. Nothing here imports project code
except the fixtures that seed the stub and read the wallet's registration.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests

from tests.identity_stub.pages import redirect_target, through_stub


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
def registration(seeded_idp, system):
    cfg = seeded_idp.config
    return {
        "client_id": cfg["WALLET_CLIENT_ID"],
        "client_secret": cfg["WALLET_CLIENT_SECRET"],
        "redirect_uri": f"{system.url}/auth/callback",
    }


def test_code_flow_with_pkce_from_discovery_alone_yields_a_verified_id_token(system, registration):
    discovery = requests.get(f"{system.url}/idp/.well-known/openid-configuration", timeout=10).json()
    verifier = b64url(secrets.token_bytes(48))
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": registration["client_id"],
            "redirect_uri": registration["redirect_uri"],
            "scope": "openid profile phone idcard",
            "state": state,
            "nonce": nonce,
            "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
        }
    )

    back = redirect_target(through_stub(requests.Session(), f"{discovery['authorization_endpoint']}?{query}"))
    assert back.startswith(registration["redirect_uri"] + "?")
    params = parse_qs(urlsplit(back).query)
    assert params["state"] == [state]

    token = requests.post(
        discovery["token_endpoint"],
        timeout=10,
        auth=(registration["client_id"], registration["client_secret"]),
        data={
            "grant_type": "authorization_code",
            "code": params["code"][0],
            "redirect_uri": registration["redirect_uri"],
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.text
    tokens = token.json()

    signing_key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(tokens["id_token"])
    claims = jwt.decode(
        tokens["id_token"],
        signing_key.key,
        algorithms=discovery["id_token_signing_alg_values_supported"],
        audience=registration["client_id"],
        issuer=discovery["issuer"],
        options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
    )
    assert claims["nonce"] == nonce
    assert time.time() < claims["exp"] <= time.time() + 3600
    assert jwt.get_unverified_header(tokens["id_token"])["alg"] in ("ES256", "RS256")
    assert (claims["name"], claims["id_number"]) == ("乌日娜", "15010219860314110X")
    assert claims["phone_number"] == "13904710321" and claims["birthdate"] == "1986-03-14"
    assert claims["acr"] == "urn:mengsuban:loa:2" and claims["sub"] != claims["id_number"]

    userinfo = requests.get(
        discovery["userinfo_endpoint"], timeout=10, headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    assert userinfo["sub"] == claims["sub"] and userinfo["id_number"] == claims["id_number"]

    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(
            tokens["id_token"],
            signing_key.key,
            algorithms=["ES256"],
            audience="someone-else",
            issuer=discovery["issuer"],
        )
    header, payload, signature = tokens["id_token"].split(".")
    forged_payload = b64url(json.dumps({**claims, "id_number": "11010519491231002X"}).encode())
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            f"{header}.{forged_payload}.{signature}",
            signing_key.key,
            algorithms=["ES256"],
            audience=registration["client_id"],
            issuer=discovery["issuer"],
        )
