"""The one shape in which bills, statuses and feedback records leave the network."""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from common.database import DbSession
from fiscal_stub import crypto
from fiscal_stub.models import Bill, FeedbackRecord


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_json(record: Any) -> dict[str, Any]:
    """A feedback record (a ``FeedbackRecord`` or any object with its attributes) as served."""
    return {
        "unit_code": record.unit_code,
        "unit_name": record.unit_name,
        "platform": record.platform,
        "serial": record.serial,
        "voucher": record.voucher,
        "amount": record.amount,
        "result": record.result,
        "time": iso(record.reported_at),
        "recorded_at": iso(record.recorded_at),
    }


def lock_active(bill: Any, now: datetime) -> bool:
    return bill.lock_unit_code is not None and bill.lock_expires_at is not None and bill.lock_expires_at > now


def reimbursement_state(claimable: int, reimbursed: int, locked: bool) -> str:
    """``reimbursed`` once every claimable fen is paid (what the person bore; see common.claimable)."""
    if locked:
        return "locked"
    if reimbursed > 0 and reimbursed >= claimable:
        return "reimbursed"
    return "partially_reimbursed" if reimbursed > 0 else "unreimbursed"


def bill_status(bill: Any, records: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    """Status as it stands at ``now``: a lock past its expiry is shown as released.

    ``bill`` is a ``Bill`` or, while bulk-loading, any object with the same attributes.
    """
    locked = lock_active(bill, now)
    return {
        "issuance": bill.issuance,
        "reimbursement": reimbursement_state(bill.claimable, bill.reimbursed, locked),
        "locked_by": {
            "unit_code": bill.lock_unit_code,
            "unit_name": bill.lock_unit_name,
            "platform": bill.lock_platform,
        }
        if locked
        else None,
        "lock_expires_at": iso(bill.lock_expires_at) if locked and bill.lock_expires_at else None,
        "reimbursed_amount": bill.reimbursed,
        "claimable_amount": bill.claimable,
        "records": records,
        "red_bill": {"code": bill.red_code, "number": bill.red_number} if bill.red_code else None,
        "original": {"code": bill.original_code, "number": bill.original_number} if bill.original_code else None,
        "exchanged_at": iso(bill.exchanged_at) if bill.exchanged_at else None,
        "writeoff": bill.writeoff,
    }


def records_by_bill(session: DbSession, bill_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    ids = list(bill_ids)
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not ids:
        return grouped
    rows = session.execute(
        select(FeedbackRecord).where(FeedbackRecord.bill_id.in_(ids)).order_by(FeedbackRecord.id)
    ).scalars()
    for row in rows:
        grouped[row.bill_id].append(record_json(row))
    return grouped


def serve_bill(bill: Bill, records: list[dict[str, Any]], now: datetime, forged: bool = False) -> dict[str, Any]:
    """The bill as every endpoint serves it; ``forged`` swaps in a signature from an unpublished key."""
    value = crypto.forged_signature(bill.canonical) if forged else bill.sig_value
    return {
        "code": bill.code,
        "number": bill.number,
        "canonical": base64.b64encode(bill.canonical).decode("ascii"),
        "signature": {"alg": bill.sig_alg, "kid": bill.sig_kid, "value": value},
        "status": bill_status(bill, records, now),
        "version": bill.version,
    }


def serve_bills(
    session: DbSession, bills: list[Bill], now: datetime, forge_first: bool = False
) -> list[dict[str, Any]]:
    records = records_by_bill(session, [b.id for b in bills])
    return [serve_bill(b, records.get(b.id, []), now, forged=forge_first and i == 0) for i, b in enumerate(bills)]
