"""Signed authorization receipts: what the resident confirmed, provable later by anyone.

The wallet signs the receipt's canonical JSON (keys sorted, no whitespace, UTF-8) with
its ECDSA P-256 key, the same shape the fiscal network uses for bills, and names the
algorithm and key id so SM2 can stand beside it later. The key comes from
``RECEIPT_SIGNING_KEY``: a PEM private key, or any secret it is derived from. Its public
half is published at ``/receipts/keys``; the downloadable envelope carries the signed
bytes exactly, so verification never re-serializes.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

ALG = "ECDSA-P256-SHA256"
RECEIPT_FORMAT = "bill-wallet-authorization-receipt/1"
ENVELOPE_FORMAT = "bill-wallet-receipt-envelope/1"
P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


def canonical_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@lru_cache(maxsize=4)
def _key_from(setting: str) -> ec.EllipticCurvePrivateKey:
    if setting.lstrip().startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(setting.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("RECEIPT_SIGNING_KEY must be an ECDSA P-256 private key")
        return key
    seed = HKDF(algorithm=hashes.SHA256(), length=48, salt=None,
                info=b"bill-wallet/receipt-key/v1").derive(setting.encode())
    return ec.derive_private_key(int.from_bytes(seed, "big") % (P256_ORDER - 1) + 1, ec.SECP256R1())


def signing_key() -> ec.EllipticCurvePrivateKey:
    return _key_from(current_app.config["RECEIPT_SIGNING_KEY"])


def public_key_pem() -> str:
    return signing_key().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id() -> str:
    der = signing_key().public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "wallet-" + hashlib.sha256(der).hexdigest()[:12]


def sign(canonical: bytes) -> tuple[str, str, str]:
    """(alg, kid, base64 DER signature) over ``canonical``."""
    value = signing_key().sign(canonical, ec.ECDSA(hashes.SHA256()))
    return ALG, key_id(), base64.b64encode(value).decode()


def envelope(canonical: bytes, alg: str, kid: str, value: str) -> dict[str, Any]:
    base = current_app.config["WALLET_BASE_URL"].rstrip("/")
    return {"format": ENVELOPE_FORMAT, "canonical": base64.b64encode(canonical).decode(),
            "signature": {"alg": alg, "kid": kid, "value": value}, "keys_url": f"{base}/receipts/keys"}


def verify_envelope(data: Any) -> tuple[bool, dict[str, Any] | None, str]:
    """(genuine, the receipt document, reason) for an envelope a resident or a unit hands in."""
    try:
        if data.get("format") != ENVELOPE_FORMAT:
            return False, None, "不是票据夹授权回执文件。"
        canonical = base64.b64decode(data["canonical"], validate=True)
        signature = data["signature"]
        value = base64.b64decode(signature["value"], validate=True)
    except (AttributeError, KeyError, TypeError, ValueError, binascii.Error):
        return False, None, "回执文件格式不正确，请上传从票据夹下载的原文件。"
    if signature.get("alg") != ALG or signature.get("kid") != key_id():
        return False, None, "回执不是由本平台当前公布的密钥签发的。"
    try:
        signing_key().public_key().verify(value, canonical, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False, None, "签名校验失败，回执内容可能被改动过。"
    document = json.loads(canonical)
    if document.get("format") != RECEIPT_FORMAT:
        return False, None, "不是票据夹授权回执文件。"
    return True, document, "签名有效，回执内容未被改动。"
