"""What a platform reads: a payer's bills by cursor, and the change feed of the payers it follows.

Both walk event ids, which grow in commit order (see ``sequences``), so a cursor never
skips a change that commits later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from common.database import DbSession, write_transaction
from fiscal_stub.models import Bill, StatusEvent, Subscription
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.present import iso

BILL_CURSOR = "b"
FEED_CURSOR = "e"


def encode_cursor(kind: str, position: int) -> str:
    return f"{kind}.{position}"


def decode_cursor(kind: str, cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    prefix, _, value = str(cursor).partition(".")
    if prefix != kind or not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise FiscalError(400, "invalid_cursor", "同步位置无效，请不带 cursor 重新开始同步。")
    return int(value)


def subscribe(session: DbSession, platform: str, id_number: str, now: datetime) -> bool:
    """Follow a payer's changes on ``platform``'s feed; True when this call created the subscription."""
    write_transaction(session)
    exists = session.execute(
        select(Subscription.id).where(Subscription.platform == platform, Subscription.id_number == id_number)
    ).first()
    if exists:
        session.rollback()
        return False
    session.add(Subscription(platform=platform, id_number=id_number, created_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


@dataclass
class Page:
    bills: list[Bill]
    next_cursor: str
    has_more: bool


def payer_bills(session: DbSession, id_number: str, cursor: str | None, limit: int) -> Page:
    after = decode_cursor(BILL_CURSOR, cursor)
    rows = (
        session.execute(
            select(Bill)
            .where(Bill.payer_id_number == id_number, Bill.last_event_id > after)
            .order_by(Bill.last_event_id)
            .limit(limit + 1)
        )
        .scalars()
        .all()
    )
    page = list(rows[:limit])
    position = page[-1].last_event_id if page else after
    return Page(page, encode_cursor(BILL_CURSOR, position), len(rows) > limit)


@dataclass
class FeedPage:
    events: list[dict[str, Any]]
    issued: list[tuple[int, str, str]]
    next_cursor: str
    has_more: bool


def feed(session: DbSession, platform: str, cursor: str | None, limit: int) -> FeedPage:
    """Events of subscribed payers after ``cursor``, oldest first; ``issued`` lists bills to attach."""
    after = decode_cursor(FEED_CURSOR, cursor)
    followed = select(Subscription.id_number).where(Subscription.platform == platform)
    rows = (
        session.execute(
            select(StatusEvent)
            .where(StatusEvent.id > after, StatusEvent.payer_id_number.in_(followed))
            .order_by(StatusEvent.id)
            .limit(limit + 1)
        )
        .scalars()
        .all()
    )
    page = rows[:limit]
    events = [
        {
            "id": e.id,
            "type": e.type,
            "code": e.code,
            "number": e.number,
            "id_number": e.payer_id_number,
            "version": e.version,
            "status": json.loads(e.status),
            "at": iso(e.at),
        }
        for e in page
    ]
    issued = [(i, e.code, e.number) for i, e in enumerate(page) if e.type == "issued"]
    position = page[-1].id if page else after
    return FeedPage(events, issued, encode_cursor(FEED_CURSOR, position), len(rows) > limit)
