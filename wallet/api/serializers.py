"""How claims and bills look on the wire: money in integer fen, times in ISO 8601 UTC.

A bill in full travels in the fiscal network's own shape (``canonical`` bytes, the issuing
province's ``signature``, live ``status``, ``version``), so a unit can check the province's
signature itself instead of trusting the wallet; ``document`` is the same bytes decoded.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from common.timeutil import utcnow
from wallet import policy
from wallet.models.claim import Claim
from wallet.services.verification import VerifiedBill


def when(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def bill_summary(bill: policy.ClaimedBill) -> dict[str, Any]:
    return {
        "code": bill.code,
        "number": bill.number,
        "check_code": bill.check_code,
        "type_key": bill.type_key,
        "type_name": bill.type_name,
        "issuer_name": bill.issuer_name,
        "province": bill.province,
        "issued_at": when(bill.issued_at),
        "total": bill.total,
        "reimbursed_amount": bill.reimbursed_amount,
        "claimable": bill.claimable,
        "remaining": policy.remaining(bill),
        "issuance": bill.issuance,
        "reimbursement": bill.reimbursement,
        "lock_expires_at": when(policy.lock_expiry(bill)),
        "status_version": bill.version,
    }


def served_bill(bill: policy.ClaimedBill) -> dict[str, Any]:
    """The bill as the network served it when the wallet last mirrored it."""
    return {
        "code": bill.code,
        "number": bill.number,
        "canonical": base64.b64encode(bill.canonical).decode(),
        "signature": {"alg": bill.signature_alg, "kid": bill.signature_kid, "value": bill.signature_value},
        "status": json.loads(bill.status_json),
        "version": bill.version,
    }


def authorization(auth: Claim, full: bool = False) -> dict[str, Any]:
    now = utcnow()
    row: dict[str, Any] = {
        "id": auth.id,
        "source": auth.source,
        "state": policy.effective_state(auth, now),
        "claim_ref": auth.claim_ref,
        "note": auth.note,
        "authorized_at": when(auth.created_at),
        "expires_at": when(auth.expires_at),
        "locked_at": when(auth.locked_at),
        "lock_expires_at": when(auth.lock_expires_at),
        "lock_lapsed": policy.lock_lapsed(auth, now),
        "reimbursement": (
            {"amount": auth.amount, "serial": auth.serial, "voucher": auth.voucher, "time": when(auth.reimbursed_at)}
            if auth.state == "reimbursed"
            else None
        ),
        "closed_at": when(auth.closed_at),
        "end_reason": auth.end_reason,
        "bill": bill_summary(auth.bill),
    }
    if full:
        row["signed_bill"] = served_bill(auth.bill)
        row["document"] = json.loads(auth.bill.canonical)
    return row


def verified(bill: VerifiedBill) -> dict[str, Any]:
    return {
        "authentic": True,
        "reimbursable": bill.reimbursable,
        "verify_count": bill.verify_count,
        "checks_today": bill.checks_today,
        "signed_bill": dict(bill.item),
        "document": bill.document,
    }
