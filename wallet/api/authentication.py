"""Who is calling: a detached JWS (ES256) by one of the unit's registered keys, its appKey, a
fresh timestamp, an unused nonce, an active unit.

Checked in this order, each refusal with its own stable code, before any payload is read:
the former HMAC-only headers are refused naming the JOSE format → headers present and
well-formed → the JWS's protected header names this appId, method and request target →
``iat`` within the skew → known appId → the appKey's HMAC over the JWS (constant time) →
the JWS verifies over the raw body with the unit's key named by ``kid`` → nonce never seen
(stored in the database, so a replay is refused by every process) → unit account active.
The nonce is recorded only after both signatures check out, so nobody can burn a unit's
nonces without its keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app, request
from joserfc.jwk import ECKey
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from common.timeutil import utcnow
from wallet import policy
from wallet.api_crypto import jose
from wallet.extensions import db
from wallet.models.api import ApiCredential, ApiNonce
from wallet.models.unit import Unit
from wallet.refusals import Refusal
from wallet.services import api_credentials, unit_keys
from wallet.services.bill_store import dialect_insert

HEADERS = ("X-App-Id", "X-JWS-Signature", "X-App-Signature")
FORMER_HEADERS = ("X-Signature", "X-Timestamp")
NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
APP_SIGNATURE = re.compile(r"^[0-9a-f]{64}$")
MAX_JWS_CHARS = 4096
USAGE_RESOLUTION = timedelta(minutes=1)
# The request's own signature; the catalog's ``signature_invalid`` is a layout file's, which
# the verification routes pass on with the same code.
SIGNATURE_INVALID = (
    "签名校验未通过。请核对 appKey（如已重置请使用新密钥）、签名私钥，以及 JWS 是否对原样发送的请求体签名。"
)


@dataclass(frozen=True)
class Caller:
    """An authenticated unit system. Acts through the same services as a unit user, with no
    person behind it (``id`` is None), so records show the unit, not a user, as the actor."""

    credential_id: int
    app_id: str
    nonce: str
    unit: Unit
    reply_key: ECKey | None
    id: None = None

    @property
    def unit_id(self) -> int:
        return self.unit.id


def request_target() -> str:
    """The path and query string exactly as the client sent them (what it signed as ``htu``)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = request.query_string.decode("latin-1")
    return request.script_root + request.path + (f"?{query}" if query else "")


def app_signature(app_key: str, jws_value: str) -> str:
    """Hex HMAC-SHA256 under the appKey of the X-JWS-Signature value: proof of the appKey."""
    return hmac.new(app_key.encode(), jws_value.encode(), hashlib.sha256).hexdigest()


def _timestamp(raw: Any) -> datetime:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw < 10**11:
        raise Refusal.of("auth_header_invalid")
    stamp = datetime.fromtimestamp(raw, UTC)
    if abs((utcnow() - stamp).total_seconds()) > current_app.config["API_TIMESTAMP_SKEW_SECONDS"]:
        raise Refusal.of("timestamp_stale")
    return stamp


def _signed_request(app_id: str, jws_value: str) -> dict[str, Any]:
    """The JWS's protected header, when it is well formed and names this very request."""
    try:
        header = jose.signed_header(jws_value)
    except jose.JoseError as error:
        raise Refusal.of("auth_header_invalid") from error
    nonce = header.get("nonce")
    if not isinstance(nonce, str) or not NONCE.match(nonce) or not isinstance(header.get("appid"), str):
        raise Refusal.of("auth_header_invalid")
    if (header["appid"], header.get("htm"), header.get("htu")) != (app_id, request.method, request_target()):
        raise Refusal("signature_invalid", "JWS 保护头中的 appid、htm 或 htu 与本次请求不符：签名属于另一个请求。", 401)
    return header


def _verify(credential: ApiCredential, jws_value: str) -> unit_keys.UnitKeys:
    keys = unit_keys.keys_of(credential)
    if keys is None:
        raise Refusal.of("unit_keys_missing")
    try:
        jose.verify_detached(jws_value, request.get_data(), keys.verify)
        return keys
    except jose.JoseError as error:
        if error.code == "jws_key_unknown" and unit_keys.refresh(credential):
            return _verify(credential, jws_value)
        code = {"jws_key_unknown": "signing_key_unknown", "jws_alg_unsupported": "signing_alg_unsupported"}.get(
            error.code
        )
        raise (Refusal.of(code) if code else Refusal("signature_invalid", SIGNATURE_INVALID, 401)) from error


def _remember_nonce(credential: ApiCredential, nonce: str, stamp: datetime) -> None:
    cfg = current_app.config
    keep = max(cfg["API_NONCE_TTL_SECONDS"], cfg["API_TIMESTAMP_SKEW_SECONDS"]) + 1
    now = utcnow()
    db.session.execute(delete(ApiNonce).where(ApiNonce.credential_id == credential.id, ApiNonce.expires_at < now))
    inserted = db.session.execute(
        dialect_insert(ApiNonce.__table__)
        .values(credential_id=credential.id, nonce=nonce, expires_at=stamp + timedelta(seconds=keep))
        .on_conflict_do_nothing()
        .returning(ApiNonce.__table__.c.nonce)
    ).first()
    if inserted is None:
        db.session.rollback()
        raise Refusal.of("nonce_replayed")
    if credential.last_used_at is None or now - credential.last_used_at > USAGE_RESOLUTION:
        credential.last_used_at = now
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise Refusal.of("nonce_replayed") from error


def authenticate() -> Caller:
    """The caller of the current request, or a Refusal with the reason it is refused."""
    app_id, jws_value, given = (request.headers.get(name, "").strip() for name in HEADERS)
    if not jws_value and any(request.headers.get(name) for name in FORMER_HEADERS):
        raise Refusal.of("format_outdated", status=401)
    if not (app_id and jws_value and given):
        raise Refusal.of("auth_missing")
    if len(app_id) > 32 or len(jws_value) > MAX_JWS_CHARS or not APP_SIGNATURE.match(given):
        raise Refusal.of("auth_header_invalid")
    header = _signed_request(app_id, jws_value)
    stamp = _timestamp(header.get("iat"))
    credential = api_credentials.by_app_id(app_id)
    if credential is None:
        raise Refusal.of("app_unknown")
    expected = app_signature(api_credentials.app_key_of(credential), jws_value)
    if not hmac.compare_digest(expected, given):
        raise Refusal("signature_invalid", SIGNATURE_INVALID, 401)
    keys = _verify(credential, jws_value)
    _remember_nonce(credential, header["nonce"], stamp)
    return Caller(credential.id, app_id, header["nonce"], credential.unit, keys.receive)


def admit(caller: Caller) -> None:
    """Refuse a signed request the unit may not make at all: a frozen or cancelled account, or
    one whose keys have none that replies can be encrypted to."""
    if not caller.unit.is_active:
        raise policy.decide(policy.UnitActor(caller.unit), "view").refusal()
    if caller.reply_key is None:
        raise Refusal(
            "unit_keys_missing",
            "单位登记的公钥中没有可用于加密应答的密钥（use 为 enc 或不写），请在“接口对接”页面补登。",
            403,
        )
