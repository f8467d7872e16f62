"""The digital envelope (数字信封) that carries API payloads both ways.

The sender makes a one-time key pair, agrees a secret with the recipient's published
public key, derives a one-time AES-256-GCM key from it with HKDF-SHA256 and encrypts the
payload. Only the recipient's private key opens it. The wire form is one JSON object::

    {"alg": "ECDH-ES+A256GCM/P-256", "kid": "<recipient key id>",
     "epk": "<sender's one-time public key>", "iv": "<12 bytes>", "ct": "<ciphertext and tag>"}

binary fields in unpadded base64url. ``alg`` names the whole suite (key agreement, KDF,
cipher) and ``alg``, ``kid`` and ``epk`` are bound to the ciphertext as associated data,
so an SM2 + SM3 + SM4 suite can be added to :data:`SUITES` under a new name without
changing the format, and nobody can move a ciphertext under another header.

The module is pure: keys come in as objects or PEM, no application state is read.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any, Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

P256 = "ECDH-ES+A256GCM/P-256"
X25519 = "ECDH-ES+A256GCM/X25519"
KDF_LABEL = b"bill-wallet/envelope/v1"
IV_BYTES = 12
FIELDS = ("alg", "kid", "epk", "iv", "ct")

PublicKey = ec.EllipticCurvePublicKey | x25519.X25519PublicKey
PrivateKey = ec.EllipticCurvePrivateKey | x25519.X25519PrivateKey


class EnvelopeError(ValueError):
    """The envelope cannot be opened; ``code`` says why in a stable word."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64d(text: str) -> bytes:
    if not isinstance(text, str) or "=" in text:
        raise EnvelopeError("envelope_invalid", "binary fields are unpadded base64url strings")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise EnvelopeError("envelope_invalid", "not base64url") from error


@dataclass(frozen=True)
class Suite:
    """One algorithm family: how to make a one-time key, agree a secret, and encode public keys."""

    alg: str
    generate: Callable[[], PrivateKey]
    exchange: Callable[[PrivateKey, PublicKey], bytes]
    encode_public: Callable[[PublicKey], bytes]
    decode_public: Callable[[bytes], PublicKey]
    fits: Callable[[Any], bool]


def _p256_public(raw: bytes) -> PublicKey:
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as error:
        raise EnvelopeError("envelope_invalid", "epk is not a P-256 point") from error


def _x25519_public(raw: bytes) -> PublicKey:
    if len(raw) != 32:
        raise EnvelopeError("envelope_invalid", "epk is not an X25519 key")
    return x25519.X25519PublicKey.from_public_bytes(raw)


SUITES: dict[str, Suite] = {
    P256: Suite(
        alg=P256,
        generate=lambda: ec.generate_private_key(ec.SECP256R1()),
        exchange=lambda private, public: private.exchange(ec.ECDH(), public),  # type: ignore[call-arg, arg-type]
        encode_public=lambda key: key.public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint),
        decode_public=_p256_public,
        fits=lambda key: isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey))
        and key.curve.name == "secp256r1",
    ),
    X25519: Suite(
        alg=X25519,
        generate=x25519.X25519PrivateKey.generate,
        exchange=lambda private, public: private.exchange(public),  # type: ignore[call-arg, arg-type]
        encode_public=lambda key: key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
        decode_public=_x25519_public,
        fits=lambda key: isinstance(key, (x25519.X25519PublicKey, x25519.X25519PrivateKey)),
    ),
}


def suite_for(key: PublicKey | PrivateKey) -> Suite:
    """The suite a key belongs to; ValueError for a key type no suite supports."""
    for suite in SUITES.values():
        if suite.fits(key):
            return suite
    raise ValueError("only P-256 and X25519 keys can receive envelopes")


def load_public_pem(pem: str) -> PublicKey:
    """A recipient's public key from PEM (SubjectPublicKeyInfo); ValueError when it is not one we support."""
    try:
        key = serialization.load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError) as error:
        raise ValueError("not a PEM public key") from error
    suite_for(key)
    return key  # type: ignore[return-value]


def public_pem(key: PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key: PublicKey) -> str:
    """A short, stable name of a public key: a prefix of the SHA-256 of its DER encoding."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "ek-" + hashlib.sha256(der).hexdigest()[:16]


def _header_aad(alg: str, kid: str, epk: str) -> bytes:
    return json.dumps({"alg": alg, "epk": epk, "kid": kid}, sort_keys=True, separators=(",", ":")).encode()


def _content_key(suite: Suite, shared: bytes, epk: bytes, recipient: bytes) -> bytes:
    info = KDF_LABEL + b"\x00" + suite.alg.encode() + b"\x00" + epk + recipient
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def seal(plaintext: bytes, recipient: PublicKey, kid: str | None = None) -> dict[str, str]:
    """Encrypt ``plaintext`` so that only the holder of ``recipient``'s private key can read it."""
    suite = suite_for(recipient)
    kid = kid or key_id(recipient)
    ephemeral = suite.generate()
    epk = suite.encode_public(ephemeral.public_key())  # type: ignore[arg-type]
    cek = _content_key(suite, suite.exchange(ephemeral, recipient), epk, suite.encode_public(recipient))
    iv = os.urandom(IV_BYTES)
    epk_text = b64e(epk)
    ct = AESGCM(cek).encrypt(iv, plaintext, _header_aad(suite.alg, kid, epk_text))
    return {"alg": suite.alg, "kid": kid, "epk": epk_text, "iv": b64e(iv), "ct": b64e(ct)}


def open_envelope(envelope: Any, private: PrivateKey, kid: str) -> bytes:
    """The plaintext of an envelope sealed to ``private``'s public key under ``kid``.

    Raises :class:`EnvelopeError` with code ``envelope_invalid`` (malformed or altered),
    ``envelope_alg_unsupported`` or ``envelope_key_unknown`` (sealed to another key).
    """
    if not isinstance(envelope, dict) or any(not isinstance(envelope.get(f), str) for f in FIELDS):
        raise EnvelopeError("envelope_invalid", "an envelope is an object with alg, kid, epk, iv and ct strings")
    suite = SUITES.get(envelope["alg"])
    if suite is None:
        raise EnvelopeError("envelope_alg_unsupported", envelope["alg"][:40])
    if envelope["kid"] != kid:
        raise EnvelopeError("envelope_key_unknown", envelope["kid"][:40])
    if not suite.fits(private):
        raise EnvelopeError("envelope_alg_unsupported", "the recipient key is of another algorithm")
    epk, iv, ct = b64d(envelope["epk"]), b64d(envelope["iv"]), b64d(envelope["ct"])
    if len(iv) != IV_BYTES:
        raise EnvelopeError("envelope_invalid", "iv must be 12 bytes")
    sender = suite.decode_public(epk)
    recipient = suite.encode_public(private.public_key())  # type: ignore[arg-type]
    try:
        cek = _content_key(suite, suite.exchange(private, sender), epk, recipient)
        return AESGCM(cek).decrypt(iv, ct, _header_aad(suite.alg, kid, envelope["epk"]))
    except (InvalidTag, ValueError) as error:
        raise EnvelopeError("envelope_invalid", "the envelope does not open: altered or sealed to another key") \
            from error
