"""The JOSE helper on its own: JWE and detached JWS round trips, and that nothing altered opens.

The property tests change one character of a token (any position, any replacement) and
require a refusal: with canonical base64url enforced, no single change can decode to the
same bytes, and every byte is covered by the JWS signature or the JWE tag. An ephemeral
key off the curve is refused before any key agreement, by this module and by joserfc.
"""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joserfc import jwe
from joserfc.jwk import ECKey, RSAKey

from wallet.api_crypto import jose, suites

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def new_key(use: str) -> ECKey:
    return ECKey.generate_key("P-256", {"use": use}, auto_kid=True)


ENC, SIG = new_key("enc"), new_key("sig")
PAYLOAD = json.dumps({"amount": 128050, "serial": "YW20260306000017"}).encode()
TOKEN = jose.encrypt(PAYLOAD, ENC, str(ENC.kid))
REQUEST = {
    "kid": SIG.kid,
    "appid": "bw0123456789abcdef",
    "htm": "POST",
    "htu": "/api/v1/authorizations/7/lock",
    "iat": 1772760600,
    "nonce": "3fT9kQ2mXv8LwZ1pR7sN4bY6",
}
SIGNATURE = jose.sign_detached(PAYLOAD, SIG, REQUEST)


def changed(token: str, position: int, replacement: str) -> str | None:
    index = position % len(token)
    if token[index] == replacement:
        return None
    return token[:index] + replacement + token[index + 1 :]


def test_a_jwe_opens_only_with_the_recipients_key():
    assert jose.decrypt(TOKEN, {ENC.kid: ENC}) == PAYLOAD
    header = json.loads(base64.urlsafe_b64decode(TOKEN.split(".")[0] + "=="))
    assert (header["alg"], header["enc"], header["kid"]) == ("ECDH-ES+A256KW", "A256GCM", ENC.kid)
    impostor = ECKey.generate_key("P-256", {"use": "enc", "kid": ENC.kid})
    with pytest.raises(jose.JoseError) as refused:
        jose.decrypt(TOKEN, {ENC.kid: impostor})
    assert refused.value.code == "jwe_invalid"
    with pytest.raises(jose.JoseError) as unknown:
        jose.decrypt(TOKEN, {"another-kid": ENC})
    assert unknown.value.code == "jwe_key_unknown"


def test_every_jwe_is_encrypted_afresh():
    assert jose.encrypt(b"same", ENC, ENC.kid) != jose.encrypt(b"same", ENC, ENC.kid)


def test_a_detached_jws_verifies_over_the_body_and_names_the_request():
    protected, middle, _ = SIGNATURE.split(".")
    assert middle == ""
    header = jose.verify_detached(SIGNATURE, PAYLOAD, {SIG.kid: SIG})
    assert header == {"alg": "ES256", **REQUEST}
    with pytest.raises(jose.JoseError) as other_body:
        jose.verify_detached(SIGNATURE, PAYLOAD + b" ", {SIG.kid: SIG})
    assert other_body.value.code == "jws_signature_invalid"
    attached = jose.sign_detached(PAYLOAD, SIG, REQUEST).replace("..", "." + jose.b64e(PAYLOAD) + ".")
    with pytest.raises(jose.JoseError) as not_detached:
        jose.verify_detached(attached, PAYLOAD, {SIG.kid: SIG})
    assert not_detached.value.code == "jws_invalid"


@PROPERTY
@given(position=st.integers(min_value=0), replacement=st.sampled_from(B64URL + ".=+/ \x00é"))
def test_any_changed_character_of_a_jwe_is_refused(position, replacement):
    token = changed(TOKEN, position, replacement)
    if token is not None:
        with pytest.raises(jose.JoseError):
            jose.decrypt(token, {ENC.kid: ENC})


@PROPERTY
@given(position=st.integers(min_value=0), replacement=st.sampled_from(B64URL + ".=+/ \x00é"))
def test_any_changed_character_of_a_jws_is_refused(position, replacement):
    signature = changed(SIGNATURE, position, replacement)
    if signature is not None:
        with pytest.raises(jose.JoseError):
            jose.verify_detached(signature, PAYLOAD, {SIG.kid: SIG})


@PROPERTY
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_of_the_signed_body_is_refused(position, flip):
    body = bytearray(PAYLOAD)
    body[position % len(body)] ^= flip
    with pytest.raises(jose.JoseError):
        jose.verify_detached(SIGNATURE, bytes(body), {SIG.kid: SIG})


def with_epk(token: str, x: int, y: int) -> str:
    protected, *rest = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(protected + "=" * (-len(protected) % 4)))
    header["epk"] = {
        "kty": "EC",
        "crv": "P-256",
        "x": jose.b64e(x.to_bytes(32, "big")),
        "y": jose.b64e(y.to_bytes(32, "big")),
    }
    return ".".join([jose.b64e(json.dumps(header).encode()), *rest])


def on_curve(x: int, y: int) -> bool:
    return (y * y - (x**3 - 3 * x + P256_B)) % P256_P == 0


@PROPERTY
@given(x=st.integers(min_value=0, max_value=P256_P - 1), y=st.integers(min_value=0, max_value=P256_P - 1))
def test_an_off_curve_ephemeral_key_is_refused(x, y):
    if on_curve(x, y):
        return
    token = with_epk(TOKEN, x, y)
    with pytest.raises(jose.JoseError) as refused:
        jose.decrypt(token, {ENC.kid: ENC})
    assert refused.value.code == "jwe_invalid" and "curve" in str(refused.value)
    with pytest.raises(ValueError, match="not on the curve"):  # and joserfc (through cryptography) refuses it too
        jwe.decrypt_compact(token, ENC, registry=suites.SUITES["JOSE-P256"].jwe)


def test_the_registry_names_the_suites_algorithms():
    suite = suites.for_key(ENC.as_dict(private=False))
    assert (suite.sign_alg, suite.key_alg, suite.enc) == ("ES256", "ECDH-ES+A256KW", "A256GCM")
    assert suites.for_signature("ES256") is suite and suites.for_encryption("ECDH-ES+A256KW", "A256GCM") is suite
    for refused in (
        lambda: suites.for_signature("HS256"),
        lambda: suites.for_signature("none"),
        lambda: suites.for_encryption("RSA1_5", "A128CBC-HS256"),
    ):
        with pytest.raises(suites.UnsupportedAlgorithm):
            refused()


@pytest.mark.parametrize("alg", ["none", "HS256", "ES384"])
def test_a_jws_with_another_algorithm_is_refused(alg):
    header = jose.b64e(json.dumps({"alg": alg, **REQUEST}).encode())
    with pytest.raises(jose.JoseError) as refused:
        jose.verify_detached(f"{header}..{SIGNATURE.split('.')[2]}", PAYLOAD, {SIG.kid: SIG})
    assert refused.value.code == "jws_alg_unsupported"


def test_registered_keys_are_public_p256_keys_with_kids():
    keys = jose.public_keys(json.dumps({"keys": [SIG.as_dict(private=False), ENC.as_dict(private=False)]}))
    assert [k["kid"] for k in keys] == [SIG.kid, ENC.kid] and all("d" not in k for k in keys)
    unnamed = {k: v for k, v in SIG.as_dict(private=False).items() if k != "kid"}
    assert jose.public_keys(json.dumps(unnamed))[0]["kid"] == SIG.thumbprint()
    rsa_jwk = RSAKey.import_key(rsa.generate_private_key(65537, 2048).public_key()).as_dict()
    off_curve = SIG.as_dict(private=False) | {"y": jose.b64e((1).to_bytes(32, "big"))}
    for text in (
        "not json",
        json.dumps(SIG.as_dict(private=True)),
        json.dumps(rsa_jwk),
        json.dumps(off_curve),
        json.dumps({"keys": []}),
        json.dumps({"keys": [unnamed, unnamed]}),
    ):
        with pytest.raises(ValueError):
            jose.public_keys(text)
