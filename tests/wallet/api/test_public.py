"""What the API publishes, and that every answer under /api/v1 is the JSON reply envelope."""

from __future__ import annotations

import requests
import schemathesis
from sqlalchemy import select

from wallet.api.openapi import document
from wallet.extensions import db
from wallet.models import ApiWalletKey
from wallet.services import wallet_api_keys

REPLY_KEYS = {"ok", "code", "message", "data"}


def test_jwks_publishes_the_wallets_public_keys(system, wallet_app):
    response = requests.get(f"{system.url}/api/v1/jwks.json", timeout=10)
    assert response.headers["Content-Type"] == "application/jwk-set+json"
    keys = response.json()["keys"]
    with wallet_app.app_context():
        assert response.json() == wallet_api_keys.published()
    assert [(k["use"], k["alg"], k["crv"]) for k in keys] == [
        ("enc", "ECDH-ES+A256KW", "P-256"),
        ("sig", "ES256", "P-256"),
        ("sig", "ES256", "P-256"),
    ]
    assert keys[-1]["kid"].startswith("wallet-"), "the receipt key comes last, under its own kid"
    assert all("d" not in k and k["kid"] for k in keys)


def test_rotation_publishes_two_keys_and_accepts_both(system, wallet_app, api, api_world, forget_rotated_keys):
    before = api.wallet_keys()
    receipt_kid = requests.get(f"{system.url}/api/v1/jwks.json", timeout=10).json()["keys"][-1]["kid"]
    for _ in range(2):
        with wallet_app.app_context():
            ring = wallet_api_keys.rotate()
            db.session.remove()
    published = requests.get(f"{system.url}/api/v1/jwks.json", timeout=10).json()["keys"]
    assert [k["kid"] for k in published][:-1] == [k.kid for k in ring.enc + ring.sig]
    assert published[-1]["kid"] == receipt_kid, "the receipt key is not rotated with the API pair"
    assert len(ring.enc) == len(ring.sig) == 2
    assert {k.kid for k in before.keys} & {k["kid"] for k in published} == {receipt_kid}, (
        "the seed pair retired after two"
    )
    with wallet_app.app_context():
        assert (
            db.session.scalar(
                select(db.func.count()).select_from(ApiWalletKey).where(ApiWalletKey.retired_at.is_not(None))
            )
            == 2
        )
        db.session.remove()

    api.wallet_keys(refresh=True)
    api._wallet_keys.keys.reverse()  # a unit that encrypts to the previous key, as one with a cached JWKS would
    previous = api.verify_five_elements("1", "2", "3", "4", "5")
    assert (previous.status, previous.code) == (400, "invalid_elements")
    assert previous.response.headers["X-JWS-Signature"]
    stale = api_world.insurer.client(system.url)
    stale._wallet_keys = before  # encrypts to a retired key: told to fetch the JWKS again, and the client does
    again = stale.verify_five_elements("1", "2", "3", "4", "5")
    assert (again.status, again.code) == (400, "invalid_elements")


def test_the_rotate_command_names_the_current_and_the_accepted_keys(wallet_app, forget_rotated_keys):
    result = wallet_app.test_cli_runner().invoke(args=["wallet", "rotate-api-key"])
    assert result.exit_code == 0, result.output
    with wallet_app.app_context():
        ring = wallet_api_keys.ring()
    assert f"current: enc {ring.enc[0].kid}, sig {ring.sig[0].kid}" in result.output
    assert ring.enc[1].kid in result.output and ring.sig[1].kid in result.output


def test_openapi_document_is_valid_and_covers_every_route(system, wallet_app):
    served = requests.get(f"{system.url}/api/v1/openapi.json", timeout=10).json()
    assert served["openapi"] == "3.1.0" and served == document()
    schemathesis.openapi.from_dict(served).validate()
    routes = {
        rule.rule.removeprefix("/api/v1").replace("<int(max=2147483647):auth_id>", "{auth_id}")
        for rule in wallet_app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes - {"/openapi.json"} == set(served["paths"])
    assert served["paths"]["/envelope-key"]["get"]["deprecated"] is True
    sealed = [op for item in served["paths"].values() for op in item.values() if op.get("security") != []]
    assert all("x-sealed-reply" in op for op in sealed)


def test_unknown_routes_and_methods_answer_in_json(system):
    missing = requests.get(f"{system.url}/api/v1/bills/15060126", timeout=10)
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/json"
    assert set(missing.json()) == REPLY_KEYS and missing.json()["code"] == "route_not_found"
    wrong = requests.delete(f"{system.url}/api/v1/jwks.json", timeout=10)
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")
    assert "GET" in wrong.headers["Allow"]
    not_int = requests.post(f"{system.url}/api/v1/authorizations/abc/lock", timeout=10)
    assert (not_int.status_code, not_int.json()["code"]) == (404, "route_not_found")


def test_oversized_body_answers_413_in_json(system, wallet_app, api, api_world):
    limit = wallet_app.config["MAX_CONTENT_LENGTH"]
    wallet_app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        reply = api.send(api.prepare("POST", "/verifications/layout-file", {"pdf": "A" * 4000}))
    finally:
        wallet_app.config["MAX_CONTENT_LENGTH"] = limit
    assert (reply.status, reply.code) == (413, "payload_too_large")


def test_an_unexpected_failure_still_answers_in_the_envelope(api, api_world, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("wallet.api.claims.unit_inbox.after", broken)
    reply = api.list_authorizations()
    assert (reply.status, reply.ok, reply.code, reply.signed) == (500, False, "internal_error", True)
    assert reply.response.headers["Content-Type"] == "application/json"


def test_content_that_is_not_a_jwe_is_refused(api, api_world):
    prepared = api.prepare("POST", "/verifications/five-elements", {"code": "1"})
    prepared.headers["Content-Type"] = "text/plain"
    reply = api.send(prepared)
    assert (reply.status, reply.code) == (415, "content_type_invalid")
