"""Incremental collection of one resident's bills from the fiscal network.

The cursor only moves forward after the page it belongs to is committed, and bills are
upserted by (resident, code, number) under a version guard: a sync interrupted at any
point resumes without losing or duplicating anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from common.database import write_transaction
from common.timeutil import utcnow
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models.collection import SyncState
from wallet.services import bill_store, rejections
from wallet.services.rejections import Rejection
from wallet.services.signatures import BillRejected, verify_bill

log = logging.getLogger(__name__)
PAGE_SIZE = 500


@dataclass
class SyncResult:
    collected: int = 0
    rejected: int = 0


def sync_state(resident_id: int) -> SyncState:
    state = db.session.get(SyncState, resident_id)
    if state is None:
        state = SyncState(resident_id=resident_id, state="queued", progress=0, rejected=0, attempts=0, change_seq=0)
        db.session.add(state)
        db.session.flush()
    return state


def sync_person(resident_id: int, id_number: str, client: FiscalClient) -> SyncResult:
    """Pull everything new for one payer; raises FiscalUnavailable when the network fails.

    Network calls and signature checks happen outside any write transaction; each page is
    then stored under the write lock together with its cursor, so nothing waits on the
    network while holding the database.
    """
    write_transaction(db.session)
    state = sync_state(resident_id)
    if not state.subscribed:
        db.session.commit()
        client.subscribe(id_number)
        write_transaction(db.session)
        sync_state(resident_id).subscribed = True
        db.session.commit()
    cursor = sync_state(resident_id).cursor
    db.session.commit()
    rejections.retry(resident_id, client)  # bills that failed at an earlier sync are asked for again
    result = SyncResult()
    while True:
        page = client.payer_bills(id_number, cursor, limit=PAGE_SIZE)
        rows, rejected = verified_rows(resident_id, page["bills"], client)
        db.session.commit()
        write_transaction(db.session)
        state = sync_state(resident_id)
        bill_store.upsert_bills(rows)
        new_rejects = rejections.record(resident_id, rejected)
        state.cursor = cursor = page["next_cursor"]
        state.progress = SyncState.progress + len(rows)
        if rows or new_rejects:
            bill_store.bump_change_seq(resident_id)  # and wakes the resident's open pages at commit
        db.session.commit()
        result.collected += len(rows)
        result.rejected += len(rejected)
        if not page.get("has_more"):
            break
    write_transaction(db.session)
    sync_state(resident_id).last_synced_at = utcnow()
    db.session.commit()
    return result


def verified_rows(
    resident_id: int, items: list[dict[str, Any]], client: FiscalClient
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    """Rows ready to store for the genuine bills, and the rejection of each other one."""
    rows, rejected = [], []
    for item in items:
        try:
            canonical, document = verify_bill(item, client)
        except BillRejected as exc:
            rejection = rejections.of(item, exc)
            log.warning(
                "rejected bill %s/%s for resident %s: %s", rejection.code, rejection.number, resident_id, exc.reason
            )
            rejected.append(rejection)
            continue
        rows.append(bill_store.bill_row(resident_id, canonical, document, item))
    return rows, rejected
