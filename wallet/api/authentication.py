"""Who is calling: the appId's signature, a fresh timestamp, an unused nonce, an active unit.

Checked in this order, each refusal with its own stable code, before any payload is read:
headers present and well-formed → timestamp within the skew → known appId → HMAC
signature (constant time) → nonce never seen (stored in the database, so a replay is
refused by every process) → unit account active → an envelope key registered to seal
replies to. The nonce is recorded only after the signature checks out, so nobody can
burn a unit's nonces without its appKey.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from flask import current_app, request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from common.timeutil import utcnow
from wallet import policy
from wallet.api.replies import ApiError
from wallet.api_crypto import envelope, signing
from wallet.extensions import db
from wallet.models.api import ApiCredential, ApiNonce
from wallet.models.unit import Unit
from wallet.services import api_credentials
from wallet.services.bill_store import dialect_insert

HEADERS = ("X-App-Id", "X-Timestamp", "X-Nonce", "X-Signature")
USAGE_RESOLUTION = timedelta(minutes=1)
STAMP = re.compile(r"[0-9]{1,11}")


@dataclass(frozen=True)
class Caller:
    """An authenticated unit system. Acts through the same services as a unit user, with no
    person behind it (``id`` is None), so records show the unit, not a user, as the actor."""

    credential_id: int
    app_id: str
    app_key: str
    nonce: str
    unit: Unit
    envelope_key: envelope.PublicKey | None
    envelope_kid: str | None
    id: None = None

    @property
    def unit_id(self) -> int:
        return self.unit.id


def request_target() -> str:
    """The path and query string exactly as the client sent them (what it signed)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = request.query_string.decode("latin-1")
    return request.script_root + request.path + (f"?{query}" if query else "")


def _timestamp(raw: str) -> datetime:
    if not STAMP.fullmatch(raw):
        raise ApiError("auth_header_invalid")
    stamp = datetime.fromtimestamp(int(raw), timezone.utc)
    if abs((utcnow() - stamp).total_seconds()) > current_app.config["API_TIMESTAMP_SKEW_SECONDS"]:
        raise ApiError("timestamp_stale")
    return stamp


def _remember_nonce(credential: ApiCredential, nonce: str, stamp: datetime) -> None:
    cfg = current_app.config
    keep = max(cfg["API_NONCE_TTL_SECONDS"], cfg["API_TIMESTAMP_SKEW_SECONDS"]) + 1
    now = utcnow()
    db.session.execute(delete(ApiNonce).where(ApiNonce.credential_id == credential.id, ApiNonce.expires_at < now))
    inserted = db.session.execute(dialect_insert(ApiNonce.__table__).values(
        credential_id=credential.id, nonce=nonce, expires_at=stamp + timedelta(seconds=keep))
        .on_conflict_do_nothing().returning(ApiNonce.__table__.c.nonce)).first()
    if inserted is None:
        db.session.rollback()
        raise ApiError("nonce_replayed")
    if credential.last_used_at is None or now - credential.last_used_at > USAGE_RESOLUTION:
        credential.last_used_at = now
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ApiError("nonce_replayed") from error


def authenticate() -> Caller:
    """The caller of the current request, or ApiError with the reason it is refused."""
    values = [request.headers.get(name, "").strip() for name in HEADERS]
    if not all(values):
        raise ApiError("auth_missing")
    app_id, raw_stamp, nonce, given = values
    if not signing.NONCE.match(nonce) or len(app_id) > 32:
        raise ApiError("auth_header_invalid")
    stamp = _timestamp(raw_stamp)
    credential = api_credentials.by_app_id(app_id)
    if credential is None:
        raise ApiError("app_unknown")
    app_key = api_credentials.app_key_of(credential)
    message = signing.request_string(app_id, request.method, request_target(), raw_stamp, nonce, request.get_data())
    if not signing.matches(app_key, message, given):
        raise ApiError("signature_invalid")
    _remember_nonce(credential, nonce, stamp)
    pem = credential.envelope_public_pem
    return Caller(credential.id, app_id, app_key, nonce, credential.unit, _public_key(pem) if pem else None,
                  credential.envelope_kid)


def admit(caller: Caller) -> None:
    """Refuse a signed request the unit may not make at all: a frozen or cancelled account, or
    one that has not registered the envelope key its replies are sealed to."""
    if not caller.unit.is_active:
        refusal = policy.decide(policy.UnitActor(caller.unit), "view")
        raise ApiError(refusal.code, refusal.message, refusal.status)
    if caller.envelope_key is None:
        raise ApiError("envelope_key_missing")


@lru_cache(maxsize=256)
def _public_key(pem: str) -> envelope.PublicKey:
    return envelope.load_public_pem(pem)
