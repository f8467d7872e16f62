"""The outbox: messages to units, sealed at rest, that a mail service delivers.

Here the finance console and the tests read it. A message may carry a one-time activation
link; it never carries a password.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from common.timeutil import utcnow
from wallet.extensions import db
from wallet.identity import seal
from wallet.models.unit import OUTBOX_PURPOSE, OutboxMessage, Unit


def queue_message(unit: Unit, kind: str, subject: str, payload: dict[str, Any]) -> OutboxMessage:
    """Add a message to ``unit``'s e-mail address in the caller's transaction."""
    return queue_notice(unit.email, kind, subject, payload, unit_id=unit.id)


def queue_notice(
    recipient: str, kind: str, subject: str, payload: dict[str, Any], unit_id: int | None = None
) -> OutboxMessage:
    """Add a message to any recipient (a unit, or an archive outside the platform) in the caller's transaction."""
    message = OutboxMessage(
        unit_id=unit_id,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_enc=seal(json.dumps(payload, ensure_ascii=False), OUTBOX_PURPOSE),
        created_at=utcnow(),
    )
    db.session.add(message)
    return message


def of_kind(kind: str) -> list[OutboxMessage]:
    """Every message of ``kind``, oldest first."""
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def outbox(limit: int = 100) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def latest(unit_id: int, kind: str) -> dict[str, Any] | None:
    """The newest message of ``kind`` to a unit (what the mailer would deliver), or None."""
    message = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.unit_id == unit_id, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return message.payload() if message else None
