"""The unit's side of every claim: lock, report feedback, unlock, reject — through the fiscal network.

No write transaction is open while the network is asked, so a slow or silent network never
holds the database's writer (on SQLite, the one writer) for other residents and units: each
action reserves the claim, calls the network and records the answer in the three steps of
:mod:`wallet.services.claim_steps`, then mirrors the bill's status onto every copy and tells
the resident whose wallet holds the bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from common.database import write_transaction
from common.timeutil import as_utc, utcnow
from wallet import audit, copy, policy
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.models.claim import OPEN_STATES, Claim
from wallet.models.unit import Unit
from wallet.refusals import Refusal
from wallet.services import activity, claim_steps

LOCK_GONE = {"not_locked", "not_lock_holder"}


@dataclass(frozen=True)
class Feedback:
    amount: int
    serial: str
    voucher: str
    time: datetime


def _tell(
    claim: Claim, event: str, notice: str | None = None, paid: int | None = None, detail: str = "", **facts: object
) -> None:
    """The resident's access history and notifications, when a resident's wallet holds the bill.

    The notification bumps the resident's change sequence, which is the one nudge their open
    pages need for everything this transaction changed.
    """
    if not claim.for_resident:
        return
    assert claim.resident_id is not None and claim.bill_id is not None
    activity.record_access(claim, event, paid, detail)
    activity.tell(
        claim.resident_id,
        notice or event,
        claim.bill_id,
        kind=event if notice else None,
        unit=claim.unit.name,
        bill=activity.bill_label(claim),
        **facts,
    )


def _told(claim: Claim) -> int | None:
    """The resident :func:`_tell` notifies about ``claim`` (None for a file claim)."""
    return claim.resident_id if claim.for_resident else None


def lock_claim(user: claim_steps.UnitCaller, claim_id: int) -> Claim:
    reservation = claim_steps.reserve(user, claim_id, "lock")
    client, unit = FiscalClient.from_app(), user.unit
    served = claim_steps.call(
        reservation,
        client,
        lambda: client.lock(
            reservation.code,
            reservation.number,
            unit.credit_code,
            unit.name,
            current_app.config["UNIT_LOCK_TTL_SECONDS"],
        ),
    )
    claim = claim_steps.settle(reservation)
    if claim.state not in OPEN_STATES:
        # Closed while the network locked it (the mark had gone stale): give the lock back.
        db.session.commit()
        _give_back(client, reservation, unit)
        raise Refusal("closed", f"该{claim.source_name}{claim.state_name}，不能再锁定。", 409)
    expires = served["status"].get("lock_expires_at")
    claim.state, claim.locked_at, claim.lapse_noted_at, claim.acted_by = "locked", utcnow(), None, user.id
    claim.lock_expires_at = as_utc(datetime.fromisoformat(expires)) if expires else None
    claim_steps.mirror(served, _told(claim))
    _tell(claim, "locked", until=copy.minute(claim.lock_expires_at) or "单位办结")
    audit.record("claim.lock", user, audit.subject_of(claim))
    db.session.commit()
    return claim


def _give_back(client: FiscalClient, reservation: claim_steps.Reservation, unit: Unit) -> None:
    try:
        served = client.unlock(reservation.code, reservation.number, unit.credit_code)
    except (FiscalError, FiscalUnavailable):
        return  # the lock lapses by itself at the network
    write_transaction(db.session)
    claim_steps.mirror(served)
    db.session.commit()


def record_feedback(user: claim_steps.UnitCaller, claim_id: int, feedback: Feedback) -> tuple[Claim, bool]:
    """Report a reimbursement; returns the claim and whether this was a replay of one already recorded."""
    replay = _replay_of(user, claim_id, feedback)
    if replay is not None:
        return replay, True
    reservation = claim_steps.reserve(user, claim_id, "feedback", feedback.amount)
    client, unit = FiscalClient.from_app(), user.unit
    body = claim_steps.call(
        reservation,
        client,
        lambda: client.feedback(
            reservation.code,
            reservation.number,
            unit.credit_code,
            serial=feedback.serial,
            voucher=feedback.voucher,
            amount=feedback.amount,
            result="reimbursed",
            time=feedback.time.isoformat(),
        ),
    )
    claim = claim_steps.settle(reservation)
    claim.close("reimbursed", utcnow())
    claim.acted_by, claim.amount, claim.serial = user.id, feedback.amount, feedback.serial
    claim.voucher, claim.reimbursed_at = feedback.voucher, feedback.time
    claim_steps.mirror(body["bill"], _told(claim))
    left = policy.remaining(claim.bill)
    _tell(
        claim,
        "reimbursed",
        copy.reimbursed_kind(claim.bill.claimable, claim.bill.claimable - left),
        feedback.amount,
        f"业务流水号 {feedback.serial}",
        amount=copy.money(feedback.amount),
        remaining=copy.money(left),
    )
    audit.record("claim.feedback", user, audit.subject_of(claim), amount=feedback.amount)
    db.session.commit()
    return claim, bool(body.get("replayed"))


def _replay_of(user: claim_steps.UnitCaller, claim_id: int, feedback: Feedback) -> Claim | None:
    """The same form sent twice: already recorded with this serial → the record; other content → refused."""
    claim = db.session.scalar(select(Claim).where(Claim.id == claim_id, Claim.unit_id == user.unit_id))
    if claim is None or claim.state != "reimbursed" or claim.serial != feedback.serial:
        return None
    if (claim.amount, claim.voucher) != (feedback.amount, feedback.voucher):
        raise Refusal(
            "serial_conflict", "该业务流水号已登记过不同的报销内容，请核对流水号；新的报销请使用新的流水号。", 409
        )
    return claim


def _unlock_at_network(reservation: claim_steps.Reservation, user: claim_steps.UnitCaller) -> dict[str, Any] | None:
    """Release the unit's lock at the network unless it already lapsed there."""
    if reservation.state != "locked" or reservation.lapsed:
        return None
    client, unit = FiscalClient.from_app(), user.unit
    answer: dict[str, Any] | None = claim_steps.call(
        reservation,
        client,
        lambda: client.unlock(reservation.code, reservation.number, unit.credit_code),
        tolerate=frozenset(LOCK_GONE),
    )
    return answer


def reject_claim(user: claim_steps.UnitCaller, claim_id: int, reason: str) -> Claim:
    """Refuse the claim and release the bill (unlocking it at the network if this unit holds it)."""
    reservation = claim_steps.reserve(user, claim_id, "reject")
    served = _unlock_at_network(reservation, user)
    claim = claim_steps.settle(reservation)
    if served is not None:
        claim_steps.mirror(served, _told(claim))
    claim.close("rejected", utcnow(), reason)
    claim.acted_by = user.id
    _tell(claim, "rejected", None, None, reason, reason=reason)
    audit.record("claim.reject", user, audit.subject_of(claim))
    db.session.commit()
    return claim


def unlock_claim(user: claim_steps.UnitCaller, claim_id: int) -> Claim:
    """Release the unit's lock but keep the claim: the bill is the unit's to lock again, and for an
    account claim the resident may revoke it until then (a lapsed lock needs no network call)."""
    reservation = claim_steps.reserve(user, claim_id, "unlock")
    served = _unlock_at_network(reservation, user)
    claim = claim_steps.settle(reservation)
    if served is not None:
        claim_steps.mirror(served, _told(claim))
    claim.state, claim.locked_at, claim.lock_expires_at, claim.lapse_noted_at = "authorized", None, None, None
    claim.acted_by = user.id
    _tell(claim, "unlocked")
    audit.record("claim.unlock", user, audit.subject_of(claim))
    db.session.commit()
    return claim


def view_claim(user: claim_steps.UnitCaller, claim_id: int) -> Claim:
    """The unit's claim for its detail page (recorded in the resident's access history)."""
    write_transaction(db.session)
    claim = db.session.get(Claim, claim_id, populate_existing=True)
    decision = policy.decide(policy.UnitActor(user.unit), "view", authorization=claim)
    if not decision or claim is None:
        db.session.rollback()
        raise decision.refusal()
    if claim.for_resident:
        activity.record_view(claim)
    audit.record("claim.view", user, audit.subject_of(claim))
    db.session.commit()
    return claim
