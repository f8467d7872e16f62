"""Every status change appends one event; the feed and incremental sync are read from them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from common.database import DbSession
from fiscal_stub.models import Bill, StatusEvent
from fiscal_stub.services.present import bill_status, records_by_bill
from fiscal_stub.services.sequences import EVENTS, allocate


def event_row(event_id: int, kind: str, bill: Any, status: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {
        "id": event_id,
        "type": kind,
        "code": bill.code,
        "number": bill.number,
        "payer_id_number": bill.payer_id_number,
        "version": bill.version,
        "status": json.dumps(status, ensure_ascii=False, separators=(",", ":")),
        "at": at,
    }


def append_event(session: DbSession, bill: Bill, kind: str, now: datetime) -> None:
    """Bump ``bill``'s version and record the change; call with the bill row already locked."""
    bill.version += 1
    event_id = allocate(session, EVENTS)
    bill.last_event_id = event_id
    session.flush()
    status = bill_status(bill, records_by_bill(session, [bill.id]).get(bill.id, []), now)
    session.add(StatusEvent(**event_row(event_id, kind, bill, status, now)))
