"""Requests that must not pass: each is refused with its stable code and changes nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
import requests
from joserfc import jwe

from clients.reference_client import JWE_REGISTRY, WalletApiClient, app_signature, protected_header, sign_request
from tests.wallet.api.state import snapshot
from wallet.extensions import db
from wallet.services.api_credentials import credential_of
from wallet.services.unit_accounts import decide

FEEDBACK = {"amount": 100, "serial": "YW-REFUSE-1", "voucher": "PZ-REFUSE-1", "time": "2026-03-06T09:30:00+08:00"}


def resign(api: WalletApiClient, prepared) -> None:
    """Sign ``prepared`` again after a test altered its body, as a unit with the right keys would."""
    signed = protected_header(prepared.headers["X-JWS-Signature"])
    signature = sign_request(
        api.signing_key,
        api.app_id,
        prepared.method,
        prepared.path_url,
        prepared.body or b"",
        signed["iat"],
        signed["nonce"],
    )
    prepared.headers.update({"X-JWS-Signature": signature, "X-App-Signature": app_signature(api.app_key, signature)})


def altered(segment: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    raw[-1] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def feedback_request(api, auth_id: int, **kwargs):
    return api.prepare(
        "POST", f"/authorizations/{auth_id}/feedback", FEEDBACK, idempotency_key="refusal-key-1", **kwargs
    )


@pytest.fixture
def locked(api, api_world) -> int:
    auth_id = api_world.claims[0]
    assert api.lock(auth_id).ok
    return auth_id


def assert_refused(api, prepared, status: int, code: str, before, wallet_app, fiscal_client) -> None:
    reply = api.send(prepared)
    assert (reply.status, reply.ok, reply.code) == (status, False, code)
    assert reply.message and reply.data is None
    assert snapshot(wallet_app, fiscal_client) == before


@pytest.mark.parametrize("part", ["app_signature", "jws_signature", "body"])
def test_wrong_signature_is_refused(api, locked, wallet_app, fiscal_client, part):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    if part == "app_signature":
        sig = prepared.headers["X-App-Signature"]
        prepared.headers["X-App-Signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    elif part == "jws_signature":
        protected, _, value = prepared.headers["X-JWS-Signature"].split(".")
        prepared.headers["X-JWS-Signature"] = f"{protected}..{altered(value)}"
        prepared.headers["X-App-Signature"] = app_signature(api.app_key, prepared.headers["X-JWS-Signature"])
    else:
        parts = prepared.body.decode().split(".")
        prepared.prepare_body(".".join(parts[:3] + [altered(parts[3]), parts[4]]).encode(), None)
    assert_refused(api, prepared, 401, "signature_invalid", before, wallet_app, fiscal_client)


def test_signature_over_another_path_is_refused(api, locked, api_world, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    prepared = api.prepare("POST", f"/authorizations/{locked}/unlock", idempotency_key="refusal-key-2")
    prepared.url = prepared.url.replace(f"/{locked}/unlock", f"/{locked}/lock")
    assert_refused(api, prepared, 401, "signature_invalid", before, wallet_app, fiscal_client)


def test_replayed_request_is_refused(api, locked, wallet_app, fiscal_client):
    prepared = feedback_request(api, locked)
    assert api.send(prepared).ok
    before = snapshot(wallet_app, fiscal_client)
    assert_refused(api, prepared, 401, "nonce_replayed", before, wallet_app, fiscal_client)


def test_stale_timestamp_is_refused(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    for skew in (-301, 301):
        prepared = feedback_request(api, locked, timestamp=int(time.time()) + skew)
        assert_refused(api, prepared, 401, "timestamp_stale", before, wallet_app, fiscal_client)


def test_wrong_app_key_is_refused(system, api, locked, api_world, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    impostor = WalletApiClient(
        system.url, api.app_id, "not-the-key-" + api.app_key[12:], api_world.insurer.private_jwks
    )
    assert_refused(
        impostor, feedback_request(impostor, locked), 401, "signature_invalid", before, wallet_app, fiscal_client
    )


def test_unknown_app_id_is_refused(system, api, locked, api_world, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    stranger = WalletApiClient(system.url, "bw0000000000000000", api.app_key, api_world.insurer.private_jwks)
    assert_refused(stranger, feedback_request(stranger, locked), 401, "app_unknown", before, wallet_app, fiscal_client)


def test_missing_signature_headers_are_refused(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    del prepared.headers["X-App-Signature"]
    assert_refused(api, prepared, 401, "auth_missing", before, wallet_app, fiscal_client)
    malformed = feedback_request(api, locked, nonce="short")
    assert_refused(api, malformed, 401, "auth_header_invalid", before, wallet_app, fiscal_client)


def header_with(token: str, **changes) -> str:
    protected, *rest = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4))) | changes
    return ".".join([base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode(), *rest])


@pytest.mark.parametrize("field", ["encrypted_key", "iv", "ciphertext", "tag", "epk", "kid", "alg"])
def test_tampered_jwe_is_refused(api, locked, wallet_app, fiscal_client, field):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    token = prepared.body.decode()
    parts = token.split(".")
    if field in ("encrypted_key", "iv", "ciphertext", "tag"):
        index = ["", "encrypted_key", "iv", "ciphertext", "tag"].index(field)
        token = ".".join(parts[:index] + [altered(parts[index])] + parts[index + 1 :])
    elif field == "epk":
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
        token = header_with(token, epk=header["epk"] | {"x": altered(header["epk"]["x"])})
    else:
        token = header_with(token, **{field: {"kid": "no-such-key", "alg": "ECDH-ES+A128KW"}[field]})
    prepared.prepare_body(token.encode(), None)
    resign(api, prepared)
    code = {"kid": "jwe_key_unknown", "alg": "jwe_alg_unsupported"}.get(field, "jwe_invalid")
    assert_refused(api, prepared, 400, code, before, wallet_app, fiscal_client)


def test_plain_json_instead_of_a_jwe_is_refused(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    prepared.prepare_body(json.dumps(FEEDBACK).encode(), None)
    prepared.headers["Content-Type"] = "application/json"
    resign(api, prepared)
    assert_refused(api, prepared, 415, "content_type_invalid", before, wallet_app, fiscal_client)


def former_request(api: WalletApiClient, auth_id: int):
    """A feedback in the API's first format: HMAC headers and the JSON digital envelope."""
    body = json.dumps(
        {"alg": "ECDH-ES+A256GCM/P-256", "kid": "ek-b692a790f1c3a3c0", "epk": "BLDL", "iv": "0ktf", "ct": "OIom"}
    ).encode()
    target, stamp, nonce = f"/api/v1/authorizations/{auth_id}/feedback", str(int(time.time())), "3fT9kQ2mXv8LwZ1p"
    text = "\n".join([api.app_id, "POST", target, stamp, nonce, hashlib.sha256(body).hexdigest()])
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": "former-format-1",
        "X-App-Id": api.app_id,
        "X-Timestamp": stamp,
        "X-Nonce": nonce,
        "X-Signature": hmac.new(api.app_key.encode(), text.encode(), hashlib.sha256).hexdigest(),
    }
    return api.http.prepare_request(requests.Request("POST", api.base_url + target, data=body, headers=headers))


def test_a_request_in_the_former_format_is_refused_naming_the_jose_format(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    response = api.http.send(former_request(api, locked), timeout=10)
    body = response.json()
    assert (response.status_code, body["ok"], body["code"], body["data"]) == (401, False, "format_outdated", None)
    for name in ("JWS", "ES256", "JWE", "ECDH-ES+A256KW", "A256GCM", "application/jose", "/api/v1/jwks.json"):
        assert name in body["message"]
    assert snapshot(wallet_app, fiscal_client) == before

    signed_but_former_body = feedback_request(api, locked)
    signed_but_former_body.prepare_body(former_request(api, locked).body, None)
    signed_but_former_body.headers["Content-Type"] = "application/json"
    resign(api, signed_but_former_body)
    refused = api.send(signed_but_former_body)
    assert (refused.status, refused.code) == (400, "format_outdated") and "JWE" in refused.message
    gone = api.http.get(f"{api.base_url}/api/v1/envelope-key", timeout=10)
    assert (gone.status_code, gone.json()["code"]) == (410, "format_outdated")
    assert snapshot(wallet_app, fiscal_client) == before


def test_frozen_unit_is_refused(api, locked, api_world, wallet_app, fiscal_client):
    with wallet_app.app_context():
        decide(api_world.insurer.unit_id, "freeze", "资质复核")
        db.session.remove()
    before = snapshot(wallet_app, fiscal_client)
    for prepared in (feedback_request(api, locked), api.prepare("GET", "/authorizations")):
        reply = api.send(prepared)
        assert (reply.status, reply.code, reply.signed) == (403, "unit_inactive", True)
        assert "冻结" in reply.message
    assert snapshot(wallet_app, fiscal_client) == before


def test_unit_without_keys_is_told_to_register_them(system, api, api_world, wallet_app):
    with wallet_app.app_context():
        credential_of(api_world.insurer.unit_id).unit_jwks = None
        db.session.commit()
        db.session.remove()
    reply = api.list_authorizations()
    assert (reply.status, reply.code) == (403, "unit_keys_missing")


def test_deeply_nested_plaintext_is_refused_not_crashed(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    key = api.wallet_keys().keys[0]
    header = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM", "kid": key.kid}
    prepared.prepare_body(jwe.encrypt_compact(header, b"[" * 100000, key, registry=JWE_REGISTRY).encode(), None)
    resign(api, prepared)
    reply = api.send(prepared)
    assert (reply.status, reply.code) == (422, "payload_invalid")
    assert snapshot(wallet_app, fiscal_client) == before
