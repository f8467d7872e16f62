"""Signed authorization receipts: what the resident confirmed, provable later by anyone.

A receipt is a compact JWS (RFC 7515, ES256) whose payload is the receipt's RFC 8785 JSON, so
any JOSE library verifies it with the wallet's published JWK Set (``/api/v1/jwks.json``). The
receipt key is not one of the unit API's rotating keys: a receipt must stay verifiable for
as long as a reimbursement can be questioned, long after an API key is retired. It comes
from ``RECEIPT_SIGNING_KEY`` (a PEM private key, or any secret it is derived from) and is
published in the same JWK Set under its own ``kid`` with ``use`` ``sig``.

Only the signature is stored beside the canonical bytes: the protected header is rebuilt
from the recorded ``alg`` and ``kid`` in one canonical form, so a stored receipt yields
exactly the token the resident was given. Receipts signed before JWS (alg
``ECDSA-P256-SHA256``, a DER signature in a JSON envelope) keep verifying under that alg.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from flask import current_app
from joserfc.jwk import ECKey

from common.canonical_json import canonical_json
from common.derived_keys import p256_key_from_secret
from common.timeutil import SHANGHAI, as_utc
from common.translatable import N_, gettext
from wallet import policy
from wallet.api_crypto import jose
from wallet.models.authorization import AuthorizationReceipt
from wallet.models.bill import Bill
from wallet.models.resident import Resident
from wallet.models.unit import Unit

JWS_ALG = "ES256"
LEGACY_ALG = "ECDSA-P256-SHA256"
TYP = "bill-wallet-receipt+json"
RECEIPT_FORMAT = "bill-wallet-authorization-receipt/1"
ENVELOPE_FORMAT = "bill-wallet-receipt-envelope/1"
RECEIPT_KEY_PURPOSE = b"bill-wallet/receipt-key/v1"
MAX_JWS_CHARS = 256 * 1024
GENUINE = N_("签名有效，回执内容未被改动。")
ALTERED = N_("签名校验失败，回执内容可能被改动过。")
FOREIGN_KEY = N_("回执不是由本平台公布的密钥签发的。")
NOT_A_RECEIPT = N_("不是票据夹授权回执。")
JWS_REFUSALS = {
    "jws_invalid": N_("回执签名格式不正确：应为从票据夹复制或下载的完整内容（三段，用“.”分隔），请勿改动。"),
    "jws_alg_unsupported": N_("回执使用了本平台不支持的签名算法。"),
    "jws_key_unknown": FOREIGN_KEY,
    "jws_signature_invalid": ALTERED,
    "jws_typ_other": NOT_A_RECEIPT,
}


@dataclass(frozen=True)
class Verdict:
    """Whether a receipt is genuine, its document when it is, and the reason in Chinese."""

    genuine: bool
    document: dict[str, Any] | None
    message: str


def canonical_bytes(document: dict[str, Any]) -> bytes:
    return canonical_json(document)


@lru_cache(maxsize=4)
def _key_from(setting: str) -> ec.EllipticCurvePrivateKey:
    if setting.lstrip().startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(setting.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("RECEIPT_SIGNING_KEY must be an ECDSA P-256 private key")
        return key
    return p256_key_from_secret(setting, RECEIPT_KEY_PURPOSE)


def signing_key() -> ec.EllipticCurvePrivateKey:
    return _key_from(current_app.config["RECEIPT_SIGNING_KEY"])


def public_key_pem() -> str:
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def key_id() -> str:
    """Unchanged since the first receipts, so old and new receipts name the same key."""
    der = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return "wallet-" + hashlib.sha256(der).hexdigest()[:12]


def public_jwk() -> dict[str, Any]:
    """The receipt key as it stands in the wallet's JWK Set."""
    return ECKey.import_key(public_key_pem(), {"kid": key_id(), "use": "sig", "alg": JWS_ALG}).as_dict(private=False)


def _protected(kid: str, typ: str = TYP) -> str:
    return jose.b64e(canonical_bytes({"alg": JWS_ALG, "kid": kid, "typ": typ}))


def sign(canonical: bytes, typ: str = TYP) -> tuple[str, str, str]:
    """(alg, kid, base64url JWS signature) over ``canonical``; :func:`compact` rebuilds the token."""
    kid = key_id()
    der = signing_key().sign(f"{_protected(kid, typ)}.{jose.b64e(canonical)}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return JWS_ALG, kid, jose.b64e(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def sign_compact(canonical: bytes, typ: str) -> str:
    """A compact JWS of ``canonical`` under the receipt key, typed ``typ`` (another kind of signed
    statement than a receipt, e.g. a bill's status snapshot, so one is never taken for the other)."""
    alg, kid, value = sign(canonical, typ)
    return f"{_protected(kid, typ)}.{jose.b64e(canonical)}.{value}"


def verified_payload(token: Any, typ: str) -> bytes:
    """The payload of a compact JWS the receipt key signed with header ``typ``.

    Raises :class:`jose.JoseError`: ``jws_invalid`` (malformed or too long), ``jws_alg_unsupported``,
    ``jws_key_unknown``, ``jws_signature_invalid``, or ``jws_typ_other`` (signed, but another kind).
    """
    if not isinstance(token, str) or len(token) > MAX_JWS_CHARS:
        raise jose.JoseError("jws_invalid")
    parts = "".join(token.split()).split(".")
    if len(parts) != 3 or not parts[1]:
        raise jose.JoseError("jws_invalid")
    public = ECKey.import_key(public_jwk())
    payload = jose.b64d(parts[1], "jws_invalid")
    header = jose.verify_detached(f"{parts[0]}..{parts[2]}", payload, {str(public.kid): public})
    if header.get("typ") != typ:
        raise jose.JoseError("jws_typ_other")
    return payload


def compact(canonical: bytes, alg: str, kid: str, value: str) -> str | None:
    """The compact JWS of a stored receipt; None for one signed before receipts were JWS."""
    if alg != JWS_ALG:
        return None
    return f"{_protected(kid)}.{jose.b64e(canonical)}.{value}"


def _receipt(payload: bytes) -> Verdict:
    try:
        document = json.loads(payload)
    except ValueError:
        return Verdict(False, None, gettext(NOT_A_RECEIPT))
    if not isinstance(document, dict) or document.get("format") != RECEIPT_FORMAT:
        return Verdict(False, None, gettext(NOT_A_RECEIPT))
    return Verdict(True, document, gettext(GENUINE))


def verify_jws(token: Any) -> Verdict:
    """A compact JWS a resident or a unit hands in, checked against the receipt key alone."""
    try:
        payload = verified_payload(token, TYP)
    except jose.JoseError as error:
        return Verdict(False, None, gettext(JWS_REFUSALS.get(error.code, ALTERED)))
    return _receipt(payload)


def envelope(canonical: bytes, alg: str, kid: str, value: str) -> dict[str, Any]:
    """The downloadable file of a receipt signed before JWS, as residents were given it then."""
    base = current_app.config["WALLET_BASE_URL"].rstrip("/")
    return {
        "format": ENVELOPE_FORMAT,
        "canonical": base64.b64encode(canonical).decode(),
        "signature": {"alg": alg, "kid": kid, "value": value},
        "keys_url": f"{base}/receipts/keys",
    }


def verify_envelope(data: Any) -> Verdict:
    """An envelope of a receipt signed before JWS (alg ``ECDSA-P256-SHA256``, DER signature)."""
    try:
        if data.get("format") != ENVELOPE_FORMAT:
            return Verdict(False, None, gettext(NOT_A_RECEIPT))
        canonical = base64.b64decode(data["canonical"], validate=True)
        signature = data["signature"]
        value = base64.b64decode(signature["value"], validate=True)
    except (AttributeError, KeyError, TypeError, ValueError, binascii.Error):
        return Verdict(False, None, gettext("回执文件格式不正确，请上传从票据夹下载的原文件。"))
    if signature.get("alg") != LEGACY_ALG or signature.get("kid") != key_id():
        return Verdict(False, None, gettext(FOREIGN_KEY))
    try:
        signing_key().public_key().verify(value, canonical, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return Verdict(False, None, gettext(ALTERED))
    return _receipt(canonical)


def verify_stored(canonical: bytes, alg: str, kid: str, value: str) -> Verdict:
    """A stored receipt, checked under the alg it was signed with."""
    token = compact(canonical, alg, kid, value)
    return verify_jws(token) if token is not None else verify_envelope(envelope(canonical, alg, kid, value))


def signed_receipt(
    resident: Resident,
    unit: Unit,
    bills: list[Bill],
    claim_ref: str,
    note: str,
    request_id: str,
    expires: datetime,
    acr: str,
    verified_at: datetime,
    now: datetime,
) -> AuthorizationReceipt:
    """What the resident confirmed with face verification (``acr``, ``verified_at``), signed."""
    document = {
        "format": RECEIPT_FORMAT,
        "receipt_id": request_id,
        "issued_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platform": current_app.config["WALLET_BASE_URL"].rstrip("/"),
        "resident": {"name": resident.masked_name, "id_number": resident.masked_id_number},
        "unit": {"name": unit.name, "credit_code": unit.credit_code, "type": unit.type_name},
        "bills": [
            {
                "code": b.code,
                "number": b.number,
                "type": b.type_name,
                "issuer": b.issuer_name,
                "issued_on": b.issued_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                "total": b.total,
                "reimbursed": b.reimbursed_amount,
                "remaining": policy.remaining(b),
            }
            for b in bills
        ],
        "claim_ref": claim_ref,
        "note": note,
        "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "confirmed_by": {
            "method": "蒙速办人脸核验",
            "acr": acr,
            "verified_at": as_utc(verified_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    }
    canonical = canonical_bytes(document)
    alg, kid, value = sign(canonical)
    return AuthorizationReceipt(
        resident_id=resident.id,
        unit_id=unit.id,
        request_id=request_id,
        canonical=canonical,
        signature_alg=alg,
        signature_kid=kid,
        signature_value=value,
        created_at=now,
    )
