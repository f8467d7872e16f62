"""Province signatures (the signed bytes are :func:`common.canonical_json.canonical_json`).

ECDSA on P-256 with SHA-256 stands in for SM2 with SM3; the algorithm name travels in
every signature so a second algorithm can be added without changing the format.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from common.derived_keys import p256_key_from_secret

ALG = "ECDSA-P256-SHA256"
DEMO_KEY_PURPOSE = b"bill-wallet/fiscal-demo-province-key/v1"


def derived_private_key(seed: str) -> ec.EllipticCurvePrivateKey:
    """A key fixed by ``seed``, so generated demo data is reproducible end to end."""
    return p256_key_from_secret(seed, DEMO_KEY_PURPOSE)


def fresh_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def private_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def public_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


@lru_cache(maxsize=256)
def load_private(pem: str) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


@lru_cache(maxsize=256)
def load_public(pem: str) -> ec.EllipticCurvePublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key


def sign(key: ec.EllipticCurvePrivateKey, data: bytes) -> str:
    """Base64 of the DER-encoded signature."""
    return base64.b64encode(key.sign(data, ec.ECDSA(hashes.SHA256()))).decode("ascii")


def verify(public_key_pem: str, data: bytes, signature_b64: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        load_public(public_key_pem).verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def forged_signature(data: bytes) -> str:
    """A well-formed signature by a key nobody published: what a forger could produce."""
    return sign(fresh_private_key(), data)
