"""The wallet's own envelope key pair: units seal requests to its public half.

It comes from ``API_ENVELOPE_KEY``: a PEM P-256 private key, or any secret from which the
key is derived deterministically (HKDF-SHA256 to a scalar), so every process of one
deployment holds the same key without sharing a file. The public half and its key id are
served at ``GET /api/v1/envelope-key``.
"""
from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from wallet.api_crypto.envelope import P256, key_id, public_pem

P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


@lru_cache(maxsize=4)
def _key_from(setting: str) -> tuple[ec.EllipticCurvePrivateKey, str]:
    if setting.lstrip().startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(setting.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("API_ENVELOPE_KEY must be a P-256 private key or a secret to derive one from")
    else:
        seed = HKDF(algorithm=hashes.SHA256(), length=48, salt=None,
                    info=b"bill-wallet/api-envelope-key/v1").derive(setting.encode())
        key = ec.derive_private_key(int.from_bytes(seed, "big") % (P256_ORDER - 1) + 1, ec.SECP256R1())
    return key, key_id(key.public_key())


def private_key() -> ec.EllipticCurvePrivateKey:
    return _key_from(current_app.config["API_ENVELOPE_KEY"])[0]


def kid() -> str:
    return _key_from(current_app.config["API_ENVELOPE_KEY"])[1]


def published() -> dict[str, str]:
    """What a unit needs to seal requests to the wallet."""
    return {"alg": P256, "kid": kid(), "public_key_pem": public_pem(private_key().public_key())}
