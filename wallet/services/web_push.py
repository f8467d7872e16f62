"""Web Push (RFC 8030) of notifications to the browsers a resident subscribed, signed with VAPID (RFC 8292)
and encrypted ``aes128gcm`` (RFC 8291) by pywebpush.

The VAPID key comes from ``PUSH_VAPID_KEY`` (a PEM P-256 key, or any secret it is derived
from, like the receipt key); its public half is the ``applicationServerKey`` the page
subscribes with. Messages are queued in the transaction that writes the notification
(wallet.services.reminders) and sent here after it commits: a worker claims a message
(``due`` → ``sending``) in a statement of its own, so two workers never push one message twice.
A push service answering 404 or 410 has forgotten the subscription: it is removed.

The endpoint is a URL the resident's browser chose, fetched by our server: it must be https
and lead to a public address (:mod:`.outbound_urls`, pinned for the request like a unit's JWKS
fetch); hosts in ``PUSH_ALLOWED_HOSTS`` skip the address check (tests, a private push service).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import datetime
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, select, update

from common.database import rows_changed, write_transaction
from common.derived_keys import p256_key_from_secret
from common.timeutil import utcnow
from common.translatable import gettext
from wallet.extensions import db
from wallet.models.reminder import PushMessage, PushSubscription
from wallet.refusals import Refusal
from wallet.services import outbound_urls
from wallet.services.unit_keys import PinnedAdapter

log = logging.getLogger(__name__)
VAPID_PURPOSE = b"wallet web push vapid key v1"
TTL_SECONDS = 24 * 3600
SEND_TIMEOUT = 10.0
SEND_BATCH = 50
GONE = (404, 410)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_key() -> ec.EllipticCurvePrivateKey:
    setting = current_app.config["PUSH_VAPID_KEY"]
    if "-----BEGIN" in setting:
        key = serialization.load_pem_private_key(setting.encode(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise ValueError("PUSH_VAPID_KEY must be an ECDSA P-256 private key")
        return key
    return p256_key_from_secret(setting, VAPID_PURPOSE)


def application_server_key() -> str:
    """The VAPID public key as the page hands it to ``pushManager.subscribe`` (base64url, uncompressed)."""
    point = (
        vapid_key().public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return _b64url(point)


def _refused(message: str) -> Refusal:
    return Refusal("push_subscription_invalid", message, 400)


def _checked(endpoint: Any, p256dh: Any, auth: Any) -> tuple[str, str, str]:
    if not all(isinstance(v, str) for v in (endpoint, p256dh, auth)):
        raise _refused(gettext("推送订阅信息不完整，请关闭后重新打开推送提醒。"))
    scheme = endpoint.split(":", 1)[0].lower()
    dev_http = current_app.config["APP_ENV"] in outbound_urls.HTTP_ENVIRONMENTS and scheme == "http"
    if len(endpoint) > outbound_urls.MAX_URL_CHARS or not (scheme == "https" or dev_http):
        raise _refused(gettext("推送服务地址无效，请换用系统自带的浏览器后重试。"))
    try:
        point, secret = _unb64url(p256dh), _unb64url(auth)
    except ValueError as error:
        raise _refused(gettext("推送订阅的密钥无效，请关闭后重新打开推送提醒。")) from error
    if len(point) != 65 or point[0] != 4 or len(secret) != 16:
        raise _refused(gettext("推送订阅的密钥无效，请关闭后重新打开推送提醒。"))
    return endpoint, p256dh, auth


def _hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def subscribe(resident_id: int, endpoint: Any, p256dh: Any, auth: Any) -> PushSubscription:
    """Keep the browser's subscription for this resident (a browser another resident used before is theirs now)."""
    endpoint, p256dh, auth = _checked(endpoint, p256dh, auth)
    write_transaction(db.session)
    sub = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint_hash == _hash(endpoint)).with_for_update()
    )
    if sub is None:
        sub = PushSubscription(endpoint_hash=_hash(endpoint), endpoint=endpoint, created_at=utcnow())
        db.session.add(sub)
    sub.resident_id, sub.p256dh, sub.auth = resident_id, p256dh, auth
    db.session.commit()
    return sub


def unsubscribe(resident_id: int, endpoint: Any) -> bool:
    if not isinstance(endpoint, str):
        raise _refused(gettext("推送订阅信息不完整，请刷新页面后重试。"))
    write_transaction(db.session)
    gone = rows_changed(
        db.session.execute(
            delete(PushSubscription).where(
                PushSubscription.endpoint_hash == _hash(endpoint), PushSubscription.resident_id == resident_id
            )
        )
    )
    db.session.commit()
    return gone > 0


def subscribed(resident_id: int) -> bool:
    return db.session.scalar(select(PushSubscription.id).where(PushSubscription.resident_id == resident_id)) is not None


def _claim(message_id: int) -> bool:
    """Take one due message for this worker; False when another took it first."""
    write_transaction(db.session)
    taken = rows_changed(
        db.session.execute(
            update(PushMessage).where(PushMessage.id == message_id, PushMessage.state == "due").values(state="sending")
        )
    )
    db.session.commit()
    return taken == 1


def send_due(now: datetime | None = None) -> int:
    """Push every due message to its resident's browsers; returns how many messages went out."""
    sent = 0
    for message_id in list(
        db.session.scalars(
            select(PushMessage.id).where(PushMessage.state == "due").order_by(PushMessage.id).limit(SEND_BATCH)
        )
    ):
        if not _claim(message_id):
            continue
        message = db.session.get_one(PushMessage, message_id)
        subs = list(
            db.session.scalars(select(PushSubscription).where(PushSubscription.resident_id == message.resident_id))
        )
        results = {sub.id: push(sub, message.payload) for sub in subs}
        write_transaction(db.session)
        gone = [sid for sid, status in results.items() if status in GONE or status is None]
        if gone:
            db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        ok = [sid for sid, status in results.items() if status is not None and 200 <= status < 300]
        if ok:
            db.session.execute(
                update(PushSubscription).where(PushSubscription.id.in_(ok)).values(last_sent_at=now or utcnow())
            )
        db.session.execute(
            update(PushMessage)
            .where(PushMessage.id == message_id)
            .values(state="sent" if ok else "failed", sent_at=now or utcnow())
        )
        db.session.commit()
        sent += bool(ok)
    return sent


def push(sub: PushSubscription, payload: str) -> int | None:
    """Send one payload to one subscription: the push service's status, or None for an endpoint the
    wallet must not reach (removed like a gone one)."""
    allowed = frozenset(h.strip().lower() for h in current_app.config["PUSH_ALLOWED_HOSTS"].split(",") if h.strip())
    try:
        target = outbound_urls.check(sub.endpoint, current_app.config["APP_ENV"], allowed)
    except Refusal as refusal:
        log.warning("push endpoint refused (%s); subscription %s removed", refusal.message, sub.id)
        return None
    with requests.Session() as session:
        session.trust_env = False
        session.mount(f"{target.scheme}://", PinnedAdapter(target))
        try:
            response = webpush(
                {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
                data=payload,
                vapid_private_key=Vapid02(private_key=vapid_key()),
                vapid_claims={"sub": current_app.config["PUSH_VAPID_SUBJECT"]},
                content_encoding="aes128gcm",
                ttl=TTL_SECONDS,
                timeout=SEND_TIMEOUT,
                requests_session=session,
            )
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else 0
            log.warning("push to subscription %s failed: %s", sub.id, status or error.message)
            return int(status)
        except requests.RequestException as error:
            log.warning("push to subscription %s failed: %s", sub.id, error)
            return 0
    return int(response.status_code)
