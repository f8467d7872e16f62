"""Idempotency keys on mutating calls: a retry gets the first reply, never a second action.

The first request under a key claims it (a ``pending`` row, committed before the work
starts, so a concurrent twin sees it); the reply is then kept, sealed at rest, for
``API_IDEMPOTENCY_TTL_SECONDS``. The same key with the same request (method, target and
the *plaintext* payload, since every JWE is encrypted afresh) gets the kept reply; with
a different request, 409. A reply of 5xx is not kept: the work did not happen, so a
retry should try again, and so may one whose first attempt died with its process (a claim
still pending after two minutes).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy import and_, delete, or_, select

from common.canonical_json import canonical_json
from common.timeutil import utcnow
from wallet.api.authentication import request_target
from wallet.api.payloads import sealed_payload
from wallet.api.replies import Reply, refused, render
from wallet.extensions import db
from wallet.identity import seal, unseal
from wallet.models.api import REPLY_PURPOSE, ApiIdempotentReply
from wallet.refusals import Refusal
from wallet.services.bill_store import dialect_insert

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ABANDONED_AFTER = timedelta(minutes=2)  # far beyond any call's own timeouts: its process is gone
UNREPRESENTABLE = "请求内容中的数字无法精确表示：整数须在 ±9007199254740991 之内，且不能是 NaN 或 Infinity。"


def _fingerprint(payload: dict[str, Any] | None) -> str:
    try:
        canonical = canonical_json(payload).decode()
    except ValueError as error:  # NaN, Infinity or an integer beyond 2^53: no two systems agree on its bytes
        raise Refusal("payload_invalid", UNREPRESENTABLE, 422) from error
    return hashlib.sha256("\n".join([request.method, request_target(), canonical]).encode()).hexdigest()


def _claim(credential_id: int, key: str, fingerprint: str) -> ApiIdempotentReply | None:
    """None when this request now owns the key; otherwise the row already holding it."""
    now = utcnow()
    abandoned = and_(
        ApiIdempotentReply.key == key,
        ApiIdempotentReply.state == "pending",
        ApiIdempotentReply.created_at < now - ABANDONED_AFTER,
    )
    db.session.execute(
        delete(ApiIdempotentReply).where(
            ApiIdempotentReply.credential_id == credential_id, or_(ApiIdempotentReply.expires_at < now, abandoned)
        )
    )
    ttl = timedelta(seconds=current_app.config["API_IDEMPOTENCY_TTL_SECONDS"])
    table = ApiIdempotentReply.__table__
    inserted = db.session.execute(
        dialect_insert(table)
        .values(
            credential_id=credential_id,
            key=key,
            request_hash=fingerprint,
            state="pending",
            created_at=now,
            expires_at=now + ttl,
        )
        .on_conflict_do_nothing()
        .returning(table.c.key)
    ).first()
    db.session.commit()
    if inserted is not None:
        return None
    held = db.session.scalar(
        select(ApiIdempotentReply)
        .where(ApiIdempotentReply.credential_id == credential_id, ApiIdempotentReply.key == key)
        .execution_options(populate_existing=True)
    )
    if held is None or held.expires_at < now:
        raise Refusal.of("idempotency_in_progress")
    return held


def _keep(credential_id: int, key: str, reply: Reply) -> None:
    row = db.session.get(ApiIdempotentReply, (credential_id, key), populate_existing=True)
    if row is None:
        return
    if reply.status >= 500:
        db.session.delete(row)
    else:
        row.state, row.status = "done", reply.status
        row.reply_enc = seal(json.dumps(reply.as_dict(), ensure_ascii=False), REPLY_PURPOSE)
    db.session.commit()


def idempotent(view: Callable[..., Reply]) -> Callable[..., Response]:
    """Wrap a mutating view that returns a :class:`Reply` (or raises a Refusal)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not KEY.match(key):
            raise Refusal.of("idempotency_key_missing")
        payload = sealed_payload() if request.get_data() else None
        credential_id = g.api_caller.credential_id
        held = _claim(credential_id, key, _fingerprint(payload))
        if held is not None:
            if held.request_hash != _fingerprint(payload):
                raise Refusal.of("idempotency_key_reused")
            if held.state != "done" or held.reply_enc is None:
                raise Refusal.of("idempotency_in_progress")
            response = render(Reply.from_dict(json.loads(unseal(held.reply_enc, REPLY_PURPOSE))))
            response.headers["Idempotent-Replayed"] = "true"
            return response
        try:
            reply = view(*args, **kwargs)
        except Refusal as refusal:
            reply = refused(refusal)
        except Exception:
            db.session.rollback()
            _keep(credential_id, key, Reply(500, "internal_error"))
            raise
        _keep(credential_id, key, reply)
        return render(reply)

    return guarded
