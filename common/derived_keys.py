"""A P-256 private key derived from a secret, so every process of a deployment holds the same key.

Operators set one long secret in the environment instead of distributing key files.
HKDF-SHA256 with a ``purpose`` label per key gives independent keys from one secret;
48 bytes reduced modulo (n − 1), plus one, make the bias towards small scalars
negligible (FIPS 186-5 A.2.1) and never give 0.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
SEED_BYTES = 48


def p256_key_from_secret(secret: str, purpose: bytes) -> ec.EllipticCurvePrivateKey:
    """The same key for the same ``secret`` and ``purpose``; another purpose gives an unrelated key."""
    seed = HKDF(algorithm=hashes.SHA256(), length=SEED_BYTES, salt=None, info=purpose).derive(secret.encode("utf-8"))
    return ec.derive_private_key(int.from_bytes(seed, "big") % (P256_ORDER - 1) + 1, ec.SECP256R1())
