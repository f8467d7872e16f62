"""Requests that must not pass: each is refused with its stable code and changes nothing."""
from __future__ import annotations

import json
import time

import pytest

from clients.reference_client import WalletApiClient, b64url, seal, sign_request, unb64url
from tests.wallet.api.state import snapshot
from wallet.extensions import db
from wallet.services.api_credentials import credential_of
from wallet.services.unit_accounts import decide

FEEDBACK = {"amount": 100, "serial": "YW-REFUSE-1", "voucher": "PZ-REFUSE-1", "time": "2026-03-06T09:30:00+08:00"}


def resign(api: WalletApiClient, prepared) -> None:
    """Sign ``prepared`` again after a test altered its body, as a unit with the right appKey would."""
    h = prepared.headers
    h["X-Signature"] = sign_request(api.app_key, api.app_id, prepared.method, prepared.path_url, h["X-Timestamp"],
                                    h["X-Nonce"], prepared.body or b"")


def feedback_request(api, auth_id: int, **kwargs):
    return api.prepare("POST", f"/authorizations/{auth_id}/feedback", FEEDBACK, idempotency_key="refusal-key-1",
                       **kwargs)


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


def test_wrong_signature_is_refused(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    sig = prepared.headers["X-Signature"]
    prepared.headers["X-Signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
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
    impostor = WalletApiClient(system.url, api.app_id, "not-the-key-" + api.app_key[12:], api_world.insurer.private_pem)
    assert_refused(impostor, feedback_request(impostor, locked), 401, "signature_invalid", before, wallet_app,
                   fiscal_client)


def test_unknown_app_id_is_refused(system, api, locked, api_world, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    stranger = WalletApiClient(system.url, "bw0000000000000000", api.app_key, api_world.insurer.private_pem)
    assert_refused(stranger, feedback_request(stranger, locked), 401, "app_unknown", before, wallet_app, fiscal_client)


def test_missing_signature_headers_are_refused(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    del prepared.headers["X-Nonce"]
    assert_refused(api, prepared, 401, "auth_missing", before, wallet_app, fiscal_client)
    malformed = feedback_request(api, locked, nonce="short")
    assert_refused(api, malformed, 401, "auth_header_invalid", before, wallet_app, fiscal_client)


@pytest.mark.parametrize("field", ["ct", "iv", "epk", "kid", "alg"])
def test_tampered_envelope_is_refused(api, locked, wallet_app, fiscal_client, field):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    sealed = json.loads(prepared.body)
    if field in ("ct", "iv", "epk"):
        raw = bytearray(unb64url(sealed[field]))
        raw[-1] ^= 0x01
        sealed[field] = b64url(bytes(raw))
    else:
        sealed[field] = {"kid": "ek-0000000000000000", "alg": "SM2-ES+SM4-GCM/SM2"}[field]
    prepared.prepare_body(json.dumps(sealed).encode(), None)
    resign(api, prepared)
    code = {"kid": "envelope_key_unknown", "alg": "envelope_alg_unsupported"}.get(field, "envelope_invalid")
    assert_refused(api, prepared, 400, code, before, wallet_app, fiscal_client)


def test_plain_json_instead_of_an_envelope_is_refused(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    prepared.prepare_body(json.dumps(FEEDBACK).encode(), None)
    resign(api, prepared)
    assert_refused(api, prepared, 400, "envelope_invalid", before, wallet_app, fiscal_client)


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


def test_unit_without_an_envelope_key_is_told_to_register_one(system, api, api_world, wallet_app):
    with wallet_app.app_context():
        credential_of(api_world.insurer.unit_id).envelope_public_pem = None
        db.session.commit()
        db.session.remove()
    reply = api.list_authorizations()
    assert (reply.status, reply.code) == (403, "envelope_key_missing")


def test_deeply_nested_plaintext_is_refused_not_crashed(api, locked, wallet_app, fiscal_client):
    before = snapshot(wallet_app, fiscal_client)
    prepared = feedback_request(api, locked)
    key, kid = api.wallet_key()
    prepared.prepare_body(json.dumps(seal(b"[" * 100000, key, kid)).encode(), None)
    resign(api, prepared)
    reply = api.send(prepared)
    assert (reply.status, reply.code) == (422, "payload_invalid")
    assert snapshot(wallet_app, fiscal_client) == before
