"""Bills that failed signature verification: remembered, told to the resident, and tried again.

A bill whose signature does not verify is never stored as a bill. The resident is told
once per bill (a notification, and a notice on the bill list for as long as it stays
unverified) with the issuer the document names and its code and number, so they can ask
the issuer. Each sync asks the network for every such bill again; one that now verifies is
stored like any other and the notice goes away.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import Any, NamedTuple

from sqlalchemy import delete, select, update

from common.database import write_transaction
from wallet import audit
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.models.collection import RejectedBill, SyncState
from wallet.services import activity, bill_store
from wallet.services.signatures import BillRejected, verify_bill

log = logging.getLogger(__name__)


class Rejection(NamedTuple):
    code: str
    number: str
    reason: str
    issuer: str = ""


def of(item: dict[str, Any], exc: BillRejected) -> Rejection:
    """The rejection of a served bill, with the issuer its (unproven) document names."""
    return Rejection(str(item.get("code", ""))[:8], str(item.get("number", ""))[:10], exc.reason, claimed_issuer(item))


def claimed_issuer(item: dict[str, Any]) -> str:
    """The issuer's name as the unverified document states it, or "" when it cannot be read."""
    try:
        document = json.loads(base64.b64decode(item["canonical"], validate=True))
        return str(document["issuer"]["name"])[:100]
    except (KeyError, TypeError, ValueError, binascii.Error):
        return ""


def record(resident_id: int, rejected: list[Rejection]) -> int:
    """Remember each new rejection, count it and tell the resident; returns how many were new. Caller commits."""
    new = 0
    for r in rejected:
        seen = db.session.scalar(
            select(RejectedBill.id).where(
                RejectedBill.resident_id == resident_id, RejectedBill.code == r.code, RejectedBill.number == r.number
            )
        )
        if seen is not None:
            continue
        db.session.add(
            RejectedBill(resident_id=resident_id, code=r.code, number=r.number, reason=r.reason, issuer_name=r.issuer)
        )
        audit.record("sync.verification_failed", None, f"resident:{resident_id}", code=r.code, reason=r.reason[:80])
        activity.tell(resident_id, "unverified", issuer=r.issuer or "开票单位", code=r.code, number=r.number)
        new += 1
    if new:
        db.session.execute(
            update(SyncState).where(SyncState.resident_id == resident_id).values(rejected=SyncState.rejected + new)
        )
    return new


def outstanding(resident_id: int) -> list[RejectedBill]:
    return list(
        db.session.scalars(
            select(RejectedBill)
            .where(RejectedBill.resident_id == resident_id)
            .order_by(RejectedBill.at.desc(), RejectedBill.id.desc())
        )
    )


def retry(resident_id: int, client: FiscalClient) -> int:
    """Ask the network again for each unverified bill; store those that now verify. Returns how many."""
    pending = [(r.id, r.code, r.number) for r in outstanding(resident_id)]
    db.session.commit()
    genuine = []
    for row_id, code, number in pending:
        try:
            item = client.bill(code, number)
            canonical, document = verify_bill(item, client)
        except (BillRejected, FiscalError, FiscalUnavailable) as exc:
            log.info("bill %s/%s still unverified: %s", code, number, exc)
            continue
        genuine.append((row_id, bill_store.bill_row(resident_id, canonical, document, item)))
    if not genuine:
        return 0
    write_transaction(db.session)
    bill_store.upsert_bills([row for _, row in genuine])
    db.session.execute(delete(RejectedBill).where(RejectedBill.id.in_([i for i, _ in genuine])))
    state = db.session.get(SyncState, resident_id)
    if state is not None:
        state.rejected = max(0, state.rejected - len(genuine))
    bill_store.bump_change_seq(resident_id)
    db.session.commit()
    return len(genuine)
