"""Incremental collection of one resident's bills from the fiscal network.

The cursor only moves forward after the page it belongs to is committed, and bills are
upserted by (resident, code, number) under a version guard: a sync interrupted at any
point resumes without losing or duplicating anything.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from common.timeutil import utcnow
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.models.collection import SyncState
from wallet.services import bill_store
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
        state = SyncState(resident_id=resident_id, state="queued", progress=0, rejected=0, attempts=0,
                          change_seq=0)
        db.session.add(state)
        db.session.flush()
    return state


def sync_person(resident_id: int, id_number: str, client: FiscalClient) -> SyncResult:
    """Pull everything new for one payer; raises FiscalUnavailable when the network fails."""
    state = sync_state(resident_id)
    if not state.subscribed:
        client.subscribe(id_number)
        state.subscribed = True
        db.session.commit()
    result = SyncResult()
    while True:
        page = client.payer_bills(id_number, state.cursor, limit=PAGE_SIZE)
        rows, rejected = [], []
        for item in page["bills"]:
            try:
                canonical, document = verify_bill(item, client)
            except BillRejected as exc:
                code, number = str(item.get("code", ""))[:8], str(item.get("number", ""))[:10]
                log.warning("rejected bill %s/%s for resident %s: %s", code, number, resident_id, exc.reason)
                rejected.append((code, number, exc.reason))
                continue
            rows.append(bill_store.bill_row(resident_id, canonical, document, item))
        bill_store.upsert_bills(rows)
        new_rejects = bill_store.record_rejections(resident_id, rejected)
        state.cursor = page["next_cursor"]
        state.progress += len(rows)
        state.rejected += new_rejects
        if rows or new_rejects:
            state.change_seq += 1
        db.session.commit()
        result.collected += len(rows)
        result.rejected += len(rejected)
        if not page.get("has_more"):
            break
    state.last_synced_at = utcnow()
    db.session.commit()
    return result
