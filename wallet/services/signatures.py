"""Checking a bill's signature against its province's published key before trusting any of it.

Keys are cached in the wallet's database (so every process and a network outage see
them) and in memory (so a sync of 10,000 bills does not parse a PEM per bill). An
unknown key id triggers one refresh from the network, no more often than
``REFRESH_INTERVAL`` — a forged key id cannot make the wallet hammer the network.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cachetools import LRUCache
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import select

from common.timeutil import as_utc
from common.translatable import N_, gettext
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models.collection import ProvinceKey

SUPPORTED_ALGS = {"ECDSA-P256-SHA256"}
REFRESH_INTERVAL = 30.0


class BillRejected(Exception):
    """The bill is not genuine (or cannot be shown to be); ``reason`` is a stable code."""

    MESSAGES = {
        "unknown_key": N_("签名所用密钥未在全国财政电子票据网络公布。"),
        "bad_signature": N_("票据签名校验失败，内容可能被篡改。"),
        "unsupported_alg": N_("票据使用了不支持的签名算法。"),
        "malformed": N_("票据数据格式不正确。"),
        "wrong_province": N_("签名密钥不属于开票省份。"),
        "key_not_valid_then": N_("签名时该密钥不在有效期内。"),
    }

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = gettext(self.MESSAGES[reason])


@dataclass(frozen=True)
class CachedKey:
    kid: str
    province: str
    alg: str
    key: ec.EllipticCurvePublicKey
    valid_from: datetime
    valid_to: datetime | None


class KeyRing:
    def __init__(self) -> None:
        self._keys: dict[str, CachedKey] = {}
        self._last_refresh = 0.0
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
            self._last_refresh = 0.0

    def get(self, kid: str, client: FiscalClient | None) -> CachedKey | None:
        cached = self._keys.get(kid)
        if cached:
            return cached
        row = db.session.get(ProvinceKey, kid)
        if row is None and client is not None:
            self.refresh(client)
            row = db.session.get(ProvinceKey, kid)
        if row is None:
            return None
        public_key = load_pem_public_key(row.public_key_pem.encode())
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise BillRejected("unsupported_alg")  # every supported algorithm is ECDSA
        cached = CachedKey(row.kid, row.province, row.alg, public_key, row.valid_from, row.valid_to)
        self._keys[kid] = cached
        return cached

    def refresh(self, client: FiscalClient) -> None:
        """Store every published key not yet known; rate limited per process."""
        with self._lock:
            if time.monotonic() - self._last_refresh < REFRESH_INTERVAL:
                return
            self._last_refresh = time.monotonic()
        known = set(db.session.scalars(select(ProvinceKey.kid)))
        for entry in client.keys():
            if entry["kid"] in known:
                continue
            db.session.add(
                ProvinceKey(
                    kid=entry["kid"],
                    province=entry["province"],
                    alg=entry["alg"],
                    public_key_pem=entry["public_key_pem"],
                    valid_from=datetime.fromisoformat(entry["valid_from"]),
                    valid_to=datetime.fromisoformat(entry["valid_to"]) if entry.get("valid_to") else None,
                )
            )
        db.session.commit()


keyring = KeyRing()


def verify_bill(item: dict[str, Any], client: FiscalClient | None = None) -> tuple[bytes, dict[str, Any]]:
    """The signed bytes and the document they hold, once the signature is proven; else BillRejected."""
    try:
        signature = item["signature"]
        canonical = base64.b64decode(item["canonical"], validate=True)
        value = base64.b64decode(signature["value"], validate=True)
        alg, kid = signature["alg"], signature["kid"]
    except (KeyError, TypeError, ValueError) as exc:
        raise BillRejected("malformed") from exc
    if alg not in SUPPORTED_ALGS:
        raise BillRejected("unsupported_alg")
    key = keyring.get(kid, client)
    if key is None:
        raise BillRejected("unknown_key")
    if key.alg != alg:
        raise BillRejected("unsupported_alg")
    try:
        key.key.verify(value, canonical, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise BillRejected("bad_signature") from exc
    document = json.loads(canonical)
    check_document_matches_key(document, item, key)
    return canonical, document


def check_document_matches_key(document: dict[str, Any], item: dict[str, Any], key: CachedKey) -> None:
    if document.get("code") != item.get("code") or document.get("number") != item.get("number"):
        raise BillRejected("malformed")
    if str(document.get("code", ""))[:2] != key.province:
        raise BillRejected("wrong_province")
    issued = as_utc(datetime.fromisoformat(document["issued_at"]))
    if issued < key.valid_from or (key.valid_to is not None and issued > key.valid_to):
        raise BillRejected("key_not_valid_then")


# Signatures this process has seen hold, by the digest of what was signed, the key id and the value.
# A key id names one published key for good, so a check that held holds for the same three again.
_held: LRUCache[bytes, bool] = LRUCache(maxsize=100_000)
_held_lock = threading.Lock()


def signature_check(canonical: bytes, alg: str, kid: str, value: str) -> tuple[bool, CachedKey | None]:
    """Re-verify a stored bill for its detail page, from cached keys only.

    The page re-verifies on every view, so stored bytes changed since are caught; a check that held
    for the very same bytes, key and value is not run again (an ECDSA verification per view was a
    twentieth of the page)."""
    key = keyring.get(kid, None)
    if key is None or alg not in SUPPORTED_ALGS:
        return False, key
    seen = hashlib.blake2b(b"\0".join((canonical, kid.encode(), value.encode())), digest_size=20).digest()
    with _held_lock:
        if seen in _held:
            return True, key
    try:
        key.key.verify(base64.b64decode(value), canonical, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False, key
    with _held_lock:
        _held[seen] = True
    return True, key
