"""The stub describes itself as a standard OpenID Provider and publishes only public keys."""

from __future__ import annotations

import requests


def test_discovery_names_every_endpoint_under_the_issuer(system):
    doc = requests.get(f"{system.url}/idp/.well-known/openid-configuration", timeout=10).json()
    issuer = f"{system.url}/idp"
    assert doc["issuer"] == issuer
    for name, path in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks.json"),
        ("end_session_endpoint", "/logout"),
    ]:
        assert doc[name] == issuer + path
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["ES256"]
    assert {"sub", "name", "id_number", "phone_number", "birthdate", "acr"} <= set(doc["claims_supported"])
    assert doc["acr_values_supported"] == ["urn:mengsuban:loa:2", "urn:mengsuban:loa:3"]
    assert "idcard" in doc["scopes_supported"]


def test_configured_issuer_wins_over_the_request_url(idp_app, monkeypatch):
    monkeypatch.setitem(idp_app.config, "ISSUER", "https://id.mengsuban.example/idp")
    doc = idp_app.test_client().get("/.well-known/openid-configuration").json
    assert doc["issuer"] == "https://id.mengsuban.example/idp"
    assert doc["token_endpoint"] == "https://id.mengsuban.example/idp/token"


def test_jwks_publishes_public_ec_keys_only(system):
    keys = requests.get(f"{system.url}/idp/jwks.json", timeout=10).json()["keys"]
    assert keys and all(k["kty"] == "EC" and k["crv"] == "P-256" and k["alg"] == "ES256" for k in keys)
    assert all("d" not in k and k["kid"] for k in keys)
