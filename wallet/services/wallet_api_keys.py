"""The wallet's own API key pairs: one signs replies (ES256), one opens requests (ECDH-ES+A256KW).

Until the first rotation both come from ``API_ENVELOPE_KEY`` (a secret from which each
private key is derived with HKDF-SHA256, so every process of one deployment holds the same
keys without sharing a file). ``flask wallet rotate-api-key`` adds a fresh pair: the new one
becomes current (replies are signed with it, units should encrypt to it), the previous one
stays published and accepted, so units that cached the JWKS keep working until they fetch it
again; anything older is retired. Each process keeps the key ring for a short while and
reloads it at once when a request names a kid it does not know.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from joserfc.jwk import ECKey
from sqlalchemy import select

from common.database import write_transaction
from common.derived_keys import p256_key_from_secret
from common.timeutil import utcnow
from wallet.api_crypto import suites
from wallet.extensions import db
from wallet.identity import seal, unseal
from wallet.models.api import WALLET_KEY_PURPOSE, ApiWalletKey
from wallet.services import receipts

SUITE = suites.SUITES["JOSE-P256"]
USES = {"enc": SUITE.key_alg, "sig": SUITE.sign_alg}
SEED_INFO = {"enc": b"bill-wallet/api-envelope-key/v1", "sig": b"bill-wallet/api-signing-key/v1"}
ACCEPTED = 2
RELOAD_SECONDS = 30.0
CACHE = "wallet_api_keys"


@dataclass(frozen=True)
class KeyRing:
    """The accepted keys of each use, newest (current) first."""

    enc: tuple[ECKey, ...]
    sig: tuple[ECKey, ...]

    def by_kid(self, use: str) -> dict[str, ECKey]:
        return {key.kid: key for key in getattr(self, use)}

    def current(self, use: str) -> ECKey:
        keys: tuple[ECKey, ...] = getattr(self, use)
        return keys[0]


def _named(pem: str, use: str) -> ECKey:
    key = ECKey.import_key(pem)
    return ECKey.import_key(pem, {"kid": key.thumbprint(), "use": use, "alg": USES[use]})


def _pem(private: ec.EllipticCurvePrivateKey) -> str:
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@lru_cache(maxsize=8)
def _seeded(setting: str, use: str) -> str:
    return _pem(p256_key_from_secret(setting, SEED_INFO[use]))


@lru_cache(maxsize=64)
def _stored(blob: bytes, use: str) -> ECKey:
    return _named(unseal(blob, WALLET_KEY_PURPOSE), use)


def _load() -> KeyRing:
    rows = db.session.scalars(
        select(ApiWalletKey)
        .where(ApiWalletKey.retired_at.is_(None))
        .order_by(ApiWalletKey.created_at.desc(), ApiWalletKey.id.desc())
    ).all()
    setting = current_app.config["API_ENVELOPE_KEY"]
    ring: dict[str, tuple[ECKey, ...]] = {}
    for use in USES:
        stored = [_stored(row.private_enc, use) for row in rows if row.use == use][:ACCEPTED]
        ring[use] = tuple(stored) or (_named(_seeded(setting, use), use),)
    return KeyRing(**ring)


def ring(refresh: bool = False) -> KeyRing:
    """The accepted keys; ``refresh`` reads them again now (a request named an unknown kid)."""
    cached = current_app.extensions.get(CACHE)
    if cached is None or refresh or time.monotonic() - cached[0] > RELOAD_SECONDS:
        cached = (time.monotonic(), _load())
        current_app.extensions[CACHE] = cached
    return cached[1]


def published() -> dict[str, Any]:
    """The JWK Set units read: the public halves of every accepted key, current ones first, then the
    receipt key (its own kid; it never signs a reply, and outlives every rotation here)."""
    keys = ring()
    return {
        "keys": [key.as_dict(private=False) for use in ("enc", "sig") for key in getattr(keys, use)]
        + [receipts.public_jwk()]
    }


def rotate() -> KeyRing:
    """Make a new current pair; keep the previous one accepted; retire the rest."""
    write_transaction(db.session)
    rows = db.session.scalars(
        select(ApiWalletKey)
        .where(ApiWalletKey.retired_at.is_(None))
        .order_by(ApiWalletKey.created_at.desc(), ApiWalletKey.id.desc())
        .with_for_update()
    ).all()
    now = utcnow()
    if not rows:  # the first rotation: the derived keys become the previous pair
        setting = current_app.config["API_ENVELOPE_KEY"]
        for use in USES:
            pem = _seeded(setting, use)
            db.session.add(
                ApiWalletKey(
                    kid=_named(pem, use).kid,
                    use=use,
                    private_enc=seal(pem, WALLET_KEY_PURPOSE),
                    created_at=now - timedelta(seconds=1),
                )
            )
    for use in USES:
        pem = _pem(ec.generate_private_key(ec.SECP256R1()))
        db.session.add(
            ApiWalletKey(kid=_named(pem, use).kid, use=use, private_enc=seal(pem, WALLET_KEY_PURPOSE), created_at=now)
        )
        for row in [r for r in rows if r.use == use][ACCEPTED - 1 :]:
            row.retired_at = now
    db.session.commit()
    return ring(refresh=True)
