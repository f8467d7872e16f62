"""Following the network's change feed so status changes and new bills arrive unasked.

The cursor advances in the same transaction that applies the events, so each event's
effect lands exactly once even though the feed delivers at least once; several
followers may run, since every write is idempotent (version guard, unique event ids).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from common.database import write_transaction
from common.timeutil import as_utc, utcnow
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.collection import FeedCursor
from wallet.services import bill_store, rejections
from wallet.services.rejections import Rejection
from wallet.services.signatures import BillRejected, verify_bill
from wallet.services.sync import sync_state

log = logging.getLogger(__name__)
FEED = "fiscal"
STATUS_EVENTS = {"locked", "unlocked", "lock_expired", "feedback", "red_reversed", "exchanged"}

ResidentLookup = Callable[[str], "int | None"]


def feed_cursor() -> FeedCursor:
    row = db.session.get(FeedCursor, FEED)
    if row is None:
        row = FeedCursor(name=FEED, cursor=None)
        db.session.add(row)
        db.session.flush()
    return row


def follow_once(client: FiscalClient, resident_for: ResidentLookup, limit: int = 500) -> int:
    """Apply one page of the feed; returns how many events it held.

    The network is asked (and new bills verified) before the write transaction starts;
    if another follower moved the cursor meanwhile, this page is left to it.
    """
    known = db.session.get(FeedCursor, FEED)  # created under the write lock below, if it is the first page
    start = known.cursor if known is not None else None
    db.session.commit()
    page = client.feed(start, limit=limit)
    if not page["events"] and page["next_cursor"] == start:
        return 0  # nothing new: no write transaction to move the cursor where it stands
    planned = plan(page["events"], client, resident_for)
    db.session.commit()
    write_transaction(db.session)
    cursor = feed_cursor()
    if cursor.cursor != start:
        db.session.rollback()
        return 0
    touched: set[int] = set()
    for resident_id, event, verified in planned:
        if apply_event(resident_id, event, verified):
            touched.add(resident_id)
    for resident_id in touched:
        sync_state(resident_id)
        bill_store.bump_change_seq(resident_id)
    cursor.cursor = page["next_cursor"]
    cursor.updated_at = utcnow()
    db.session.commit()
    return len(page["events"])


def plan(
    events: list[dict[str, Any]], client: FiscalClient, resident_for: ResidentLookup
) -> list[tuple[int, dict[str, Any], Any]]:
    """(resident, event, verified bill or rejection) for the events that concern a resident here."""
    planned = []
    for event in events:
        resident_id = resident_for(event.get("id_number", ""))
        if resident_id is None:
            continue
        verified: Any = None
        known = db.session.scalar(
            select(Bill.id).where(
                Bill.resident_id == resident_id, Bill.code == event["code"], Bill.number == event["number"]
            )
        )
        if known is None:
            item = event.get("bill") or client.bill(event["code"], event["number"])
            try:
                canonical, document = verify_bill(item, client)
                verified = (canonical, document, item)
            except BillRejected as exc:
                verified = rejections.of(item, exc)
        planned.append((resident_id, event, verified))
    return planned


def apply_event(resident_id: int, event: dict[str, Any], verified: Any) -> bool:
    """Mirror one event into the resident's wallet; True when anything changed."""
    code, number = event["code"], event["number"]
    if isinstance(verified, Rejection):
        log.warning("rejected bill %s/%s from feed: %s", code, number, verified.reason)
        return bool(rejections.record(resident_id, [verified]))
    if verified is not None:
        canonical, document, item = verified
        bill_store.upsert_bills([bill_store.bill_row(resident_id, canonical, document, item)])
    bill = db.session.scalar(
        select(Bill).where(Bill.resident_id == resident_id, Bill.code == code, Bill.number == number)
    )
    if bill is None:
        return False
    changed = verified is not None or bill_store.apply_status(bill.id, event["status"], int(event["version"]))
    if event["type"] in STATUS_EVENTS:
        bill_store.record_events(
            [
                {
                    "bill_id": bill.id,
                    "network_event_id": int(event["id"]),
                    "type": event["type"],
                    "at": as_utc(datetime.fromisoformat(event["at"])),
                    "detail_json": json.dumps(event["status"], ensure_ascii=False, sort_keys=True),
                }
            ]
        )
        changed = True
    return changed
