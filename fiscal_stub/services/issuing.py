"""What an issuing unit does: issue a bill, red-reverse it (冲红), exchange it to paper (换开)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from common.database import DbSession, write_transaction
from common.timeutil import to_local
from fiscal_stub.generator.content import Content
from fiscal_stub.generator.standard_fields import business_serial, extras_rng
from fiscal_stub.models import Bill
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.events import append_event
from fiscal_stub.services.guard import bill_for_update, refuse, require_live_electronic, settle_lapsed_lock
from fiscal_stub.services.minting import Draft, new_check_code
from fiscal_stub.supervision.basis_match import all_found
from fiscal_stub.supervision.basis_reviews import BasisFile, findings_for, keep, mismatch_error
from fiscal_stub.supervision.guard import require_can_issue, supervised
from fiscal_stub.supervision.issuance import issuer_of, require_face_rules, store_guarded
from fiscal_stub.supervision.writeoff import change_refusal


def find_bill(session: DbSession, code: str, number: str) -> Bill | None:
    return session.execute(select(Bill).where(Bill.code == code, Bill.number == number)).scalar_one_or_none()


def issue(
    session: DbSession,
    draft: Draft,
    now: datetime | None = None,
    basis: BasisFile | None = None,
    channel: str = "api",
) -> Bill:
    """Issue one bill in its own transaction, if the issuing guard lets its unit issue at ``now`` and the face
    passes the finance department's rule table; ``now`` is the draft's time unless the face carries an
    earlier 开票日期.

    The number comes from the unit's batch (核旧领新) and the bill gets an ``issued`` event;
    a refusal writes nothing. With a PDF basis (佐证资料) of a supervised unit, the face is
    compared with it: a match issues and keeps the basis beside the bill; a mismatch keeps
    the request for the unit to confirm (and send to manual review) and raises ``basis_mismatch``.
    """
    now = now or draft.issued_at
    write_transaction(session)
    unit = issuer_of(session, draft.issuer_code)
    require_can_issue(session, unit, now)
    require_face_rules(session, unit, draft, now, has_basis=basis is not None)
    findings = findings_for(basis, draft) if basis is not None and supervised(unit) else None
    if basis is not None and findings is not None and not all_found(findings):
        review = keep(session, unit, draft, basis, findings, channel, now)
        session.commit()
        raise mismatch_error(review)
    code, number = store_guarded(session, draft, now)
    if basis is not None and findings is not None:
        keep(session, unit, draft, basis, findings, channel, now, bill=(code, number))
    session.commit()
    bill = find_bill(session, code, number)
    assert bill is not None
    return bill


def _require_untouched(session: DbSession, bill: Bill) -> None:
    require_live_electronic(session, bill)
    written_off = change_refusal(bill.writeoff)
    if written_off is not None:
        raise refuse(session, 409, *written_off)
    if bill.lock_unit_code is not None:
        raise refuse(
            session,
            409,
            "bill_locked",
            f"该票据正由{bill.lock_unit_name}锁定报销中，不能冲红或换开；请待其解锁后再办理。",
        )
    if bill.reimbursed > 0:
        raise refuse(session, 409, "bill_has_reimbursement", "该票据已有报销记录，不能冲红或换开。")


# Amounts a red bill prints with the opposite sign, beside the items and the settlement split.
_MEDICAL_AMOUNTS = ("prepaid", "supplementary", "refunded")


def _negated(document: dict[str, Any], now: datetime) -> Content:
    """The red bill's body: every amount of the original with the opposite sign, nothing else changed."""
    items = [
        {**row, "price": -row["price"], "amount": -row["amount"], "self_paid": -row["self_paid"]}
        for row in document["items"]
    ]
    medical = document["medical"]
    if medical is not None:
        medical = {
            **medical,
            "settlement": {k: -v for k, v in medical["settlement"].items()},
            "other_payments": {k: -v for k, v in (medical.get("other_payments") or {}).items()},
            **{key: -medical[key] for key in _MEDICAL_AMOUNTS if key in medical},
        }
        if "details" in medical:
            medical["details"] = [
                {**row, "price": -row["price"], "amount": -row["amount"]} for row in medical["details"]
            ]
    serial = business_serial(extras_rng(document.get("serial"), document["number"], "red"), to_local(now).date())
    return Content(
        -document["total"],
        items,
        medical,
        document["remark"],
        document["handler"],
        serial,
        document.get("reviewer", ""),
    )


def red_reverse(session: DbSession, code: str, number: str, reason: str, now: datetime) -> tuple[Bill, Bill]:
    """Create the linked red bill and mark the original red-reversed, in one transaction.

    The red bill is a bill its unit issues: the issuing guard and the unit's batch apply.
    """
    original = bill_for_update(session, code, number)
    settle_lapsed_lock(session, original, now)
    _require_untouched(session, original)
    doc = json.loads(original.canonical)
    content = _negated(doc, now)
    content.remark = f"冲红原票据 {code}-{number}" + (f"：{reason}" if reason else "")
    draft = Draft(
        bill_type=BY_KEY[doc["type"]["key"]],
        province=original.province,
        issuer_code=doc["issuer"]["code"],
        issuer_name=doc["issuer"]["name"],
        payer_type=doc["payer"]["type"],
        payer_name=doc["payer"]["name"],
        payer_id_number=doc["payer"]["id_number"],
        issued_at=now,
        check=new_check_code(),
        content=content,
        red_of={"code": code, "number": number},
    )
    red_code, red_number = store_guarded(session, draft, now)
    original.issuance = "red_reversed"
    original.red_code, original.red_number = red_code, red_number
    append_event(session, original, "red_reversed", now)
    session.commit()
    red = find_bill(session, red_code, red_number)
    assert red is not None
    return original, red


def exchange(session: DbSession, code: str, number: str, now: datetime) -> Bill:
    """Exchange to paper: afterwards the electronic bill may not be reimbursed as well.

    Printing the paper bill is issuing: a unit the issuing guard holds cannot exchange.
    """
    bill = bill_for_update(session, code, number)
    settle_lapsed_lock(session, bill, now)
    _require_untouched(session, bill)
    require_can_issue(session, issuer_of(session, bill.issuer_code), now)
    bill.issuance = "exchanged"
    bill.exchanged_at = now
    append_event(session, bill, "exchanged", now)
    session.commit()
    return bill
