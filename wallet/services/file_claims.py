"""Taking a bill handed over in file mode into a unit's workspace (文件报销受理).

A unit may act only on a bill it verified with all five elements (DESIGN.md §6): the page
shows the verified bill, and taking it in sends those five elements back, so the service
fetches the bill again from the network, checks its signature, and compares every element
with the signed document before anything is stored. The claim is an ordinary :class:`Claim`
(``source="file"``) with the verified copy beside it; lock, feedback, reject and unlock go
through :mod:`wallet.services.reimbursement` like every other claim. When the bill also sits in
a resident's wallet, the claim points at that copy, so the resident sees what the unit does.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from common.claimable import claimable_total
from common.database import write_transaction
from common.timeutil import utcnow
from wallet import policy
from wallet.extensions import db
from wallet.models.bill import Bill, BillDocument
from wallet.models.claim import Claim, ClaimFile
from wallet.refusals import Refusal
from wallet.scan.five_elements import FiveElements
from wallet.services import bill_store
from wallet.services.claim_keys import search_keys
from wallet.services.claim_steps import UnitCaller
from wallet.services.verification import VerifiedBill, fetch_verified


def elements_of(bill: VerifiedBill) -> FiveElements:
    """The five elements as the signed document states them."""
    document = bill.document
    return FiveElements(
        code=bill.code,
        number=bill.number,
        check=str(document["check"]).lower(),
        issued_on=datetime.fromisoformat(document["issued_at"]).date(),
        amount_fen=bill.total,
    )


def elements_match(bill: VerifiedBill, elements: FiveElements) -> bool:
    return elements_of(bill) == elements


def claimable_problem(bill: VerifiedBill) -> str | None:
    """Why a verified bill cannot be taken in for reimbursement, in words for the unit."""
    if bill.is_red:
        return "这是红字冲销票据，不能报销。"
    status = bill.status
    if status["issuance"] == "red_reversed":
        return "该票据已冲红作废，不能报销。"
    if status["issuance"] == "exchanged":
        return "该票据已换开为纸质票据，电子票据不能再报销。"
    claimable = claimable_total(bill.document)
    if claimable <= 0:
        return policy.NOTHING_CLAIMABLE
    if status["reimbursement"] == "reimbursed" or int(status.get("reimbursed_amount") or 0) >= claimable:
        return policy.FULLY_REIMBURSED
    return None


def open_claim_of(unit_id: int, code: str, number: str) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.open_key == Claim.file_key(unit_id, code, number)))


def take_in(user: UnitCaller, elements: FiveElements, verified_by: str) -> Claim:
    """Store the bill named by ``elements`` as the unit's open file-mode claim, after checking it again."""
    if not user.unit.is_active:
        raise policy.decide(policy.UnitActor(user.unit), "view").refusal()  # the policy's words for a frozen unit
    verification = fetch_verified(elements.code, elements.number)
    if verification.bill is None:
        raise verification.refusal or Refusal.of("network_refused")
    bill = verification.bill
    if not elements_match(bill, elements):
        raise Refusal.of("mismatch")
    problem = claimable_problem(bill)
    if problem is not None:
        raise Refusal("not_reimbursable", problem, 409)
    existing = open_claim_of(user.unit_id, bill.code, bill.number)
    if existing is not None:
        raise Refusal("already_taken", f"本单位已受理这张票据（文件报销 #{existing.id}），请在待办中继续办理。", 409)
    return _store(user, bill, verified_by)


def _holder(code: str, number: str) -> Bill | None:
    """The wallet copy of the bill, if a resident holds it (the first one taken in, should several)."""
    return db.session.scalar(select(Bill).where(Bill.code == code, Bill.number == number).order_by(Bill.id).limit(1))


def _store(user: UnitCaller, bill: VerifiedBill, verified_by: str) -> Claim:
    row = bill.row(0, source="file")
    now = utcnow()
    write_transaction(db.session)
    db.session.execute(
        bill_store.dialect_insert(BillDocument.__table__).on_conflict_do_nothing(),
        [{"code": bill.code, "number": bill.number, "canonical": bill.canonical}],
    )
    holder = _holder(bill.code, bill.number)
    payer = json.loads(bill.canonical).get("payer", {}).get("name", "")
    claim = Claim(
        **search_keys(bill.code, bill.number, row["total"], row["type_key"], payer),
        source="file",
        unit_id=user.unit_id,
        state="authorized",
        created_at=now,
        acted_by=user.id,
        open_key=Claim.file_key(user.unit_id, bill.code, bill.number),
        resident_id=holder.resident_id if holder else None,
        bill_id=holder.id if holder else None,
        expires_at=now + timedelta(seconds=current_app.config["AUTHORIZATION_TTL_SECONDS"]),
        file=ClaimFile(
            code=bill.code,
            number=bill.number,
            check_code=row["check_code"],
            type_key=row["type_key"],
            type_name=row["type_name"],
            issuer_name=row["issuer_name"],
            issued_at=row["issued_at"],
            total=row["total"],
            claimable=row["claimable"],
            signature_alg=row["signature_alg"],
            signature_kid=row["signature_kid"],
            signature_value=row["signature_value"],
            verified_by=verified_by,
            issuance=row["issuance"],
            reimbursement=row["reimbursement"],
            reimbursed_amount=row["reimbursed_amount"],
            status_json=row["status_json"],
            version=row["version"],
        ),
    )
    db.session.add(claim)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Refusal("already_taken", "本单位已受理这张票据，请在待办中继续办理。", 409) from exc
    return claim
