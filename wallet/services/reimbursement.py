"""The unit's side of every claim: lock, report feedback, unlock, reject — through the fiscal network.

No write transaction is open while the network is asked, so a slow or silent network never
holds the database's writer (on SQLite, the one writer) for other residents and units. Each
action runs in three steps:

1. **reserve** — one short write transaction locks the claim row, asks :mod:`wallet.policy`,
   and marks the claim with the action under way (``pending_*``) so the resident's revoke and a
   second clerk's action wait for it instead of racing it;
2. **call** the network, with nothing held;
3. **record** — a second short write transaction applies the network's answer (or only clears
   the mark when the network refused or could not be reached), mirrors the bill's status onto
   every wallet copy and tells the resident.

A process that dies between the steps leaves either the claim untouched with a stale mark, which
lapses after ``policy.PENDING_TTL`` and lets the action be tried again, or the network changed and the
wallet not yet: the network's rules make the retry converge (the lock holder may lock again, a
feedback serial is idempotent, unlocking an unlocked bill is tolerated).
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import select, update

from common.database import write_transaction
from common.timeutil import as_utc, utcnow
from wallet import audit, copy, policy
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.claim import OPEN_STATES, Claim, ClaimFile
from wallet.models.unit import Unit
from wallet.refusals import Refusal
from wallet.services import activity, bill_store

NETWORK_DOWN = "全国财政电子票据网络暂时无法访问，本次操作未生效，请稍后重试。"
BUSY = "该票据的上一项操作正在等待全国财政电子票据网络答复，请稍后刷新页面查看结果。"
LOCK_GONE = {"not_locked", "not_lock_holder"}


class UnitCaller(Protocol):
    """Who acts for a unit: a signed-in unit user, or the unit's own system through the
    integration API, which has no person behind it (``id`` is None)."""

    @property
    def id(self) -> int | None: ...

    @property
    def unit(self) -> Unit: ...

    @property
    def unit_id(self) -> int: ...


@dataclass(frozen=True)
class Feedback:
    amount: int
    serial: str
    voucher: str
    time: datetime


@dataclass(frozen=True)
class Reservation:
    """What step 2 needs to know, read while the claim was locked in step 1."""

    claim_id: int
    token: str
    code: str
    number: str
    state: str
    lapsed: bool


def _locked(claim_id: int) -> Claim | None:
    return db.session.scalar(select(Claim).where(Claim.id == claim_id)
                             .with_for_update(of=Claim).execution_options(populate_existing=True))


def _reserve(user: UnitCaller, claim_id: int, action: policy.Action, amount: int | None = None) -> Reservation:
    write_transaction(db.session)
    claim = _locked(claim_id)
    now = utcnow()
    decision = policy.decide(policy.UnitActor(user.unit), action, authorization=claim, amount=amount, now=now)
    if not decision or claim is None:
        db.session.rollback()
        raise decision.refusal()
    if policy.is_pending(claim, now):
        db.session.rollback()
        raise Refusal("claim_busy", BUSY, 409)
    token = secrets.token_hex(8)
    claim.pending_action, claim.pending_token, claim.pending_since = action, token, now
    reservation = Reservation(claim.id, token, claim.bill.code, claim.bill.number, claim.state,
                              policy.lock_lapsed(claim, now))
    db.session.commit()
    return reservation


def _settle(reservation: Reservation) -> Claim:
    """Step 3's transaction: the claim locked again, its mark cleared (the caller records and commits)."""
    write_transaction(db.session)
    claim = _locked(reservation.claim_id)
    assert claim is not None, "claims are never deleted while a unit acts on them"
    if claim.pending_token == reservation.token:
        claim.pending_action, claim.pending_token, claim.pending_since = None, None, None
    return claim


def _release(reservation: Reservation) -> None:
    """The network refused or could not be reached: only the mark goes."""
    _settle(reservation)
    db.session.commit()


def _call(reservation: Reservation, client: FiscalClient, call: Callable[[], Any],
          tolerate: frozenset[str] = frozenset()) -> Any:
    """Step 2: ask the network; on failure clear the mark and say why."""
    try:
        return call()
    except FiscalUnavailable as exc:
        _release(reservation)
        raise Refusal("network_unavailable", NETWORK_DOWN, 503) from exc
    except FiscalError as exc:
        if exc.code in tolerate:
            return None
        _release(reservation)
        _refresh_after_refusal(client, reservation)
        raise Refusal(exc.code, exc.message or "全国财政电子票据网络拒绝了本次操作，请刷新后重试。", 409) from exc


def mirror(served: dict[str, Any]) -> None:
    """Apply a bill's status as the network just served it to every copy, nudging the wallets' owners."""
    rows = db.session.execute(select(Bill.id, Bill.resident_id).where(
        Bill.code == served["code"], Bill.number == served["number"])).all()
    for bill_id, resident_id in rows:
        if bill_store.apply_status(bill_id, served["status"], int(served["version"])):
            activity.announce(resident_id)
    version = int(served["version"])
    db.session.execute(update(ClaimFile).where(
        ClaimFile.code == served["code"], ClaimFile.number == served["number"], ClaimFile.version < version,
    ).values(**bill_store.status_columns(served["status"], version)).execution_options(synchronize_session="fetch"))


def _refresh_after_refusal(client: FiscalClient, reservation: Reservation) -> None:
    """A refusal means our copy may be behind: fetch the bill's status so pages show why."""
    try:
        served = client.bill(reservation.code, reservation.number)
    except (FiscalError, FiscalUnavailable):
        return
    write_transaction(db.session)
    mirror(served)
    db.session.commit()


def _tell(claim: Claim, event: str, notice: str | None = None, paid: int | None = None, detail: str = "",
          **facts: object) -> None:
    """The resident's access history and notifications, when a resident's wallet holds the bill."""
    if not claim.for_resident:
        return
    assert claim.resident_id is not None and claim.bill_id is not None
    activity.record_access(claim, event, paid, detail)
    activity.tell(claim.resident_id, notice or event, claim.bill_id, kind=event if notice else None,
                  unit=claim.unit.name, bill=activity.bill_label(claim), **facts)
    activity.announce(claim.resident_id)


def lock_claim(user: UnitCaller, claim_id: int) -> Claim:
    reservation = _reserve(user, claim_id, "lock")
    client, unit = FiscalClient.from_app(), user.unit
    served = _call(reservation, client, lambda: client.lock(
        reservation.code, reservation.number, unit.credit_code, unit.name, current_app.config["UNIT_LOCK_TTL_SECONDS"]))
    claim = _settle(reservation)
    if claim.state not in OPEN_STATES:
        # Closed while the network locked it (the mark had gone stale): give the lock back.
        db.session.commit()
        _give_back(client, reservation, unit)
        raise Refusal("closed", f"该{claim.source_name}{claim.state_name}，不能再锁定。", 409)
    expires = served["status"].get("lock_expires_at")
    claim.state, claim.locked_at, claim.lapse_noted_at, claim.acted_by = "locked", utcnow(), None, user.id
    claim.lock_expires_at = as_utc(datetime.fromisoformat(expires)) if expires else None
    mirror(served)
    _tell(claim, "locked", until=copy.minute(claim.lock_expires_at) or "单位办结")
    audit.record("claim.lock", user, audit.subject_of(claim))
    db.session.commit()
    return claim


def _give_back(client: FiscalClient, reservation: Reservation, unit: Unit) -> None:
    try:
        served = client.unlock(reservation.code, reservation.number, unit.credit_code)
    except (FiscalError, FiscalUnavailable):
        return  # the lock lapses by itself at the network
    write_transaction(db.session)
    mirror(served)
    db.session.commit()


def record_feedback(user: UnitCaller, claim_id: int, feedback: Feedback) -> tuple[Claim, bool]:
    """Report a reimbursement; returns the claim and whether this was a replay of one already recorded."""
    replay = _replay_of(user, claim_id, feedback)
    if replay is not None:
        return replay, True
    reservation = _reserve(user, claim_id, "feedback", feedback.amount)
    client, unit = FiscalClient.from_app(), user.unit
    body = _call(reservation, client, lambda: client.feedback(
        reservation.code, reservation.number, unit.credit_code, serial=feedback.serial, voucher=feedback.voucher,
        amount=feedback.amount, result="reimbursed", time=feedback.time.isoformat()))
    claim = _settle(reservation)
    claim.close("reimbursed", utcnow())
    claim.acted_by, claim.amount, claim.serial = user.id, feedback.amount, feedback.serial
    claim.voucher, claim.reimbursed_at = feedback.voucher, feedback.time
    mirror(body["bill"])
    left = policy.remaining(claim.bill)
    _tell(claim, "reimbursed", copy.reimbursed_kind(claim.bill.claimable, claim.bill.claimable - left),
          feedback.amount, f"业务流水号 {feedback.serial}", amount=copy.money(feedback.amount),
          remaining=copy.money(left))
    audit.record("claim.feedback", user, audit.subject_of(claim), amount=feedback.amount)
    db.session.commit()
    return claim, bool(body.get("replayed"))


def _replay_of(user: UnitCaller, claim_id: int, feedback: Feedback) -> Claim | None:
    """The same form sent twice: already recorded with this serial → the record; other content → refused."""
    claim = db.session.scalar(select(Claim).where(Claim.id == claim_id, Claim.unit_id == user.unit_id))
    if claim is None or claim.state != "reimbursed" or claim.serial != feedback.serial:
        return None
    if (claim.amount, claim.voucher) != (feedback.amount, feedback.voucher):
        raise Refusal("serial_conflict", "该业务流水号已登记过不同的报销内容，请核对流水号；"
                                         "新的报销请使用新的流水号。", 409)
    return claim


def _unlock_at_network(reservation: Reservation, user: UnitCaller) -> dict[str, Any] | None:
    """Release the unit's lock at the network unless it already lapsed there."""
    if reservation.state != "locked" or reservation.lapsed:
        return None
    client, unit = FiscalClient.from_app(), user.unit
    answer: dict[str, Any] | None = _call(
        reservation, client, lambda: client.unlock(reservation.code, reservation.number, unit.credit_code),
        tolerate=frozenset(LOCK_GONE))
    return answer


def reject_claim(user: UnitCaller, claim_id: int, reason: str) -> Claim:
    """Refuse the claim and release the bill (unlocking it at the network if this unit holds it)."""
    reservation = _reserve(user, claim_id, "reject")
    served = _unlock_at_network(reservation, user)
    claim = _settle(reservation)
    if served is not None:
        mirror(served)
    claim.close("rejected", utcnow(), reason)
    claim.acted_by = user.id
    _tell(claim, "rejected", None, None, reason, reason=reason)
    audit.record("claim.reject", user, audit.subject_of(claim))
    db.session.commit()
    return claim


def unlock_claim(user: UnitCaller, claim_id: int) -> Claim:
    """Release the unit's lock but keep the claim: the bill is the unit's to lock again, and for an
    account claim the resident may revoke it until then (a lapsed lock needs no network call)."""
    reservation = _reserve(user, claim_id, "unlock")
    served = _unlock_at_network(reservation, user)
    claim = _settle(reservation)
    if served is not None:
        mirror(served)
    claim.state, claim.locked_at, claim.lock_expires_at, claim.lapse_noted_at = "authorized", None, None, None
    claim.acted_by = user.id
    _tell(claim, "unlocked")
    audit.record("claim.unlock", user, audit.subject_of(claim))
    db.session.commit()
    return claim


def view_claim(user: UnitCaller, claim_id: int) -> Claim:
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
