"""The digital envelope and the signatures, on their own and against the reference client."""
from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, x25519

from clients import reference_client as ref
from common.settings import InsecureConfiguration, load
from wallet.api_crypto import envelope, signing
from wallet.api_crypto.envelope import EnvelopeError
from wallet.config import SETTINGS


def new_private(kind: str):
    return ec.generate_private_key(ec.SECP256R1()) if kind == "p256" else x25519.X25519PrivateKey.generate()


@pytest.fixture(params=["p256", "x25519"])
def curve(request) -> str:
    return request.param


@pytest.fixture
def key_pair(curve):
    private = new_private(curve)
    return private, private.public_key()


def test_sealed_payload_opens_only_with_the_recipients_key(key_pair, curve):
    private, public = key_pair
    kid = envelope.key_id(public)
    sealed = envelope.seal("报销 1280.50 元".encode(), public, kid)
    assert set(sealed) == {"alg", "kid", "epk", "iv", "ct"} and sealed["kid"] == kid
    assert envelope.open_envelope(sealed, private, kid).decode() == "报销 1280.50 元"
    with pytest.raises(EnvelopeError) as refused:
        envelope.open_envelope(sealed, new_private(curve), kid)
    assert refused.value.code == "envelope_invalid"


def test_every_envelope_is_sealed_afresh(key_pair):
    _, public = key_pair
    first, second = envelope.seal(b"same", public), envelope.seal(b"same", public)
    assert first["epk"] != second["epk"] and first["ct"] != second["ct"]


@pytest.mark.parametrize("field", ["alg", "kid", "epk", "iv", "ct"])
def test_an_altered_header_or_body_does_not_open(field):
    private = ec.generate_private_key(ec.SECP256R1())
    kid = envelope.key_id(private.public_key())
    sealed = envelope.seal(b'{"amount":100}', private.public_key(), kid)
    altered = dict(sealed)
    if field == "alg":
        altered["alg"] = envelope.X25519
    elif field == "kid":
        altered["kid"] = "ek-ffffffffffffffff"
    else:
        raw = bytearray(envelope.b64d(sealed[field]))
        raw[len(raw) // 2] ^= 0x80
        altered[field] = envelope.b64e(bytes(raw))
    with pytest.raises(EnvelopeError) as refused:
        envelope.open_envelope(altered, private, kid)
    assert refused.value.code in {"envelope_invalid", "envelope_key_unknown", "envelope_alg_unsupported"}


@pytest.mark.parametrize("bad", [None, [], {"alg": envelope.P256}, {f: 1 for f in envelope.FIELDS},
                                 {"alg": "RSA-OAEP", "kid": "k", "epk": "", "iv": "", "ct": ""}])
def test_malformed_envelopes_are_refused_with_a_code(bad):
    private = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(EnvelopeError) as refused:
        envelope.open_envelope(bad, private, "k")
    assert refused.value.code in {"envelope_invalid", "envelope_alg_unsupported"}


def test_reference_client_and_wallet_open_each_others_envelopes(key_pair):
    private, public = key_pair
    kid = envelope.key_id(public)
    assert ref.key_id(public) == kid
    assert envelope.open_envelope(ref.seal(b"from the unit", public, kid), private, kid) == b"from the unit"
    assert ref.open_envelope(envelope.seal(b"from the wallet", public, kid), private) == b"from the wallet"


def test_reference_client_signs_what_the_wallet_checks():
    args = ("bw0123456789abcdef", "POST", "/api/v1/authorizations/7/lock?x=1", "1767225600", "n" * 20, b"{}")
    key = "app-key-for-tests"
    given = ref.sign_request(key, *args)
    assert signing.matches(key, signing.request_string(*args), given)
    assert not signing.matches(key, signing.request_string(*args[:-1], b"{ }"), given)
    assert not signing.matches("another-key", signing.request_string(*args), given)
    assert not signing.matches(key, signing.request_string(*args), "签名")


def test_reply_signature_names_the_request_it_answers():
    key, body = "app-key-for-tests", json.dumps({"ok": True}).encode()
    mac = signing.mac(key, signing.reply_string(200, "nonce-of-request-a", "1767225600", body))
    assert mac == ref.reply_signature(key, 200, "nonce-of-request-a", "1767225600", body)
    assert mac != ref.reply_signature(key, 200, "nonce-of-request-b", "1767225600", body)


def test_registered_keys_must_be_supported_public_keys():
    rsa_pem = rsa.generate_private_key(65537, 2048).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    for pem in ("not a key", rsa_pem):
        with pytest.raises(ValueError):
            envelope.load_public_pem(pem)
    p256 = ec.generate_private_key(ec.SECP256R1()).public_key()
    pem = p256.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    assert envelope.key_id(envelope.load_public_pem(pem)) == envelope.key_id(p256)


def test_production_refuses_the_development_envelope_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    for s in SETTINGS:
        if s.secret and s.key != "API_ENVELOPE_KEY":
            monkeypatch.setenv(s.env, "a-real-secret-from-the-vault")
    with pytest.raises(InsecureConfiguration, match="WALLET_API_ENVELOPE_KEY"):
        load(SETTINGS)
