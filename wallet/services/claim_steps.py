"""The three steps of every unit action on a claim, so no write transaction spans a network call.

1. **reserve** — one short write transaction locks the claim row, asks :mod:`wallet.policy`,
   and marks the claim with the action under way (``pending_*``) so the resident's revoke and a
   second clerk's action wait for it instead of racing it;
2. **call** the fiscal network, with nothing held;
3. **settle** — a second short write transaction finds the claim again and clears the mark; the
   caller records the network's answer in it (or only the mark goes, when the network refused
   or could not be reached).

A process that dies between the steps leaves either the claim untouched with a stale mark, which
lapses after ``policy.PENDING_TTL`` and lets the action be tried again, or the network changed
and the wallet not yet: the network's rules make the retry converge (the lock holder may lock
again, a feedback serial is idempotent, unlocking an unlocked bill is tolerated).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import bindparam, select, update

from common.database import write_transaction
from common.timeutil import utcnow
from wallet import policy
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.claim import Claim, ClaimFile
from wallet.models.unit import Unit
from wallet.refusals import Refusal
from wallet.services import activity, bill_store

NETWORK_DOWN = "全国财政电子票据网络暂时无法访问，本次操作未生效，请稍后重试。"
BUSY = "该票据的上一项操作正在等待全国财政电子票据网络答复，请稍后刷新页面查看结果。"


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
class Reservation:
    """What step 2 needs to know, read while the claim was locked in step 1."""

    claim_id: int
    token: str
    code: str
    number: str
    state: str
    lapsed: bool


# Built once, like _COPIES below: every unit action locks its claim twice.
_LOCKED = (
    select(Claim)
    .where(Claim.id == bindparam("claim_id"))
    .with_for_update(of=Claim)
    .execution_options(populate_existing=True)
)


def locked(claim_id: int) -> Claim | None:
    return db.session.scalar(_LOCKED, {"claim_id": claim_id})


def reserve(user: UnitCaller, claim_id: int, action: policy.Action, amount: int | None = None) -> Reservation:
    write_transaction(db.session)
    claim = locked(claim_id)
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
    reservation = Reservation(
        claim.id, token, claim.bill.code, claim.bill.number, claim.state, policy.lock_lapsed(claim, now)
    )
    db.session.commit()
    return reservation


def settle(reservation: Reservation) -> Claim:
    """Step 3's transaction: the claim locked again, its mark cleared (the caller records and commits)."""
    write_transaction(db.session)
    claim = locked(reservation.claim_id)
    assert claim is not None, "claims are never deleted while a unit acts on them"
    if claim.pending_token == reservation.token:
        claim.pending_action, claim.pending_token, claim.pending_since = None, None, None
    return claim


def release(reservation: Reservation) -> None:
    """The network refused or could not be reached: only the mark goes."""
    settle(reservation)
    db.session.commit()


def call(
    reservation: Reservation, client: FiscalClient, call: Callable[[], Any], tolerate: frozenset[str] = frozenset()
) -> Any:
    """Step 2: ask the network; on failure clear the mark and say why."""
    try:
        return call()
    except FiscalUnavailable as exc:
        release(reservation)
        raise Refusal("network_unavailable", NETWORK_DOWN, 503) from exc
    except FiscalError as exc:
        if exc.code in tolerate:
            return None
        release(reservation)
        refresh_after_refusal(client, reservation)
        raise Refusal(exc.code, exc.message or "全国财政电子票据网络拒绝了本次操作，请刷新后重试。", 409) from exc


# Every lock, release and reimbursement mirrors the bill's status.
_COPIES = select(Bill.id, Bill.resident_id).where(Bill.code == bindparam("code"), Bill.number == bindparam("number"))


def mirror(served: dict[str, Any], told: int | None = None) -> None:
    """Apply a bill's status as the network just served it to every copy, nudging the wallets' owners.

    ``told`` is the resident the caller notifies in this transaction: that notification bumps
    their change sequence already, so they are not bumped (and woken) a second time for it.
    """
    rows = db.session.execute(_COPIES, {"code": served["code"], "number": served["number"]}).all()
    for bill_id, resident_id in rows:
        if bill_store.apply_status(bill_id, served["status"], int(served["version"])) and resident_id != told:
            activity.announce(resident_id)
    version = int(served["version"])
    db.session.execute(
        update(ClaimFile)
        .where(
            ClaimFile.code == served["code"],
            ClaimFile.number == served["number"],
            ClaimFile.version < version,
        )
        .values(**bill_store.status_columns(served["status"], version))
        .execution_options(synchronize_session="fetch")
    )


def refresh_after_refusal(client: FiscalClient, reservation: Reservation) -> None:
    """A refusal means our copy may be behind: fetch the bill's status so pages show why."""
    try:
        served = client.bill(reservation.code, reservation.number)
    except (FiscalError, FiscalUnavailable):
        return
    write_transaction(db.session)
    mirror(served)
    db.session.commit()
