"""The unit's side of 授权流转: lock, report feedback, reject — through the fiscal network.

Each action holds the authorization row (``write_transaction`` + ``FOR UPDATE``) while it
asks the network, so a resident's revoke and the unit's lock are decided one after the
other; the network's own rules (one lock holder, the cumulative cap, idempotent serials)
then decide against other platforms. What the network answers is mirrored onto every
wallet copy of the bill at once, in the same commit that nudges the residents' pages.

The same functions serve file-mode claims (``mode="file"``, :class:`FileClaim`): the rules
and network calls are identical; only the resident-facing records (access history,
notifications) are skipped, because no resident authorized the bill to the unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from flask import current_app
from sqlalchemy import select, update

from common.database import write_transaction
from common.timeutil import as_utc, utcnow
from wallet import copy, policy
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet import audit
from wallet.extensions import db
from wallet.models.authorization import Authorization
from wallet.models.bill import Bill
from wallet.models.file_claim import FileClaim
from wallet.models.unit import Unit
from wallet.services import activity, bill_store

NETWORK_DOWN = "全国财政电子票据网络暂时无法访问，本次操作未生效，请稍后重试。"
LOCK_GONE = {"not_locked", "not_lock_holder"}
Mode = Literal["account", "file"]
Claim = Authorization | FileClaim
MODELS: dict[str, type[Claim]] = {"account": Authorization, "file": FileClaim}


class ClaimRefused(Exception):
    """Nothing changed; ``message`` (Chinese) says why and what to do next."""

    def __init__(self, message: str, status: int = 409, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


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


def _held(user: UnitCaller, authorization_id: int, action: policy.Action, amount: int | None = None,
          mode: Mode = "account") -> Any:
    """The unit's claim, locked for this transaction, once the policy allows ``action``."""
    model = MODELS[mode]
    write_transaction(db.session)
    auth = db.session.scalar(select(model).where(model.id == authorization_id)
                             .with_for_update(of=model).execution_options(populate_existing=True))
    decision = policy.decide(policy.UnitActor(user.unit), action, authorization=auth, amount=amount)
    if not decision or auth is None:
        db.session.rollback()
        raise ClaimRefused(decision.message, decision.status, decision.code)
    return auth


def mirror(served: dict[str, Any]) -> None:
    """Apply a bill's status as the network just served it to every wallet copy, nudging their owners."""
    rows = db.session.execute(select(Bill.id, Bill.resident_id).where(
        Bill.code == served["code"], Bill.number == served["number"])).all()
    for bill_id, resident_id in rows:
        if bill_store.apply_status(bill_id, served["status"], int(served["version"])):
            activity.announce(resident_id)
    version = int(served["version"])
    db.session.execute(update(FileClaim).where(
        FileClaim.code == served["code"], FileClaim.number == served["number"], FileClaim.version < version,
    ).values(**bill_store.status_columns(served["status"], version)).execution_options(synchronize_session="fetch"))


def _for_resident(claim: Claim) -> bool:
    """Whether a resident authorized this claim and so is told about what the unit does."""
    return isinstance(claim, Authorization)


def _refresh_after_refusal(client: FiscalClient, auth: Claim) -> None:
    """A refusal means our copy may be behind: fetch the bill's status so pages show why."""
    try:
        served = client.bill(auth.bill.code, auth.bill.number)
    except (FiscalError, FiscalUnavailable):
        return
    write_transaction(db.session)
    mirror(served)
    db.session.commit()


def _network_refused(client: FiscalClient, auth: Claim, error: FiscalError) -> ClaimRefused:
    db.session.rollback()
    _refresh_after_refusal(client, auth)
    return ClaimRefused(error.message or "全国财政电子票据网络拒绝了本次操作，请刷新后重试。", 409, error.code)


def lock_claim(user: UnitCaller, authorization_id: int, mode: Mode = "account") -> Any:
    auth = _held(user, authorization_id, "lock", mode=mode)
    client, unit, now = FiscalClient.from_app(), user.unit, utcnow()
    try:
        served = client.lock(auth.bill.code, auth.bill.number, unit.credit_code, unit.name,
                             current_app.config["UNIT_LOCK_TTL_SECONDS"])
    except FiscalUnavailable as exc:
        db.session.rollback()
        raise ClaimRefused(NETWORK_DOWN, 503, "network_unavailable") from exc
    except FiscalError as exc:
        raise _network_refused(client, auth, exc) from exc
    expires = served["status"].get("lock_expires_at")
    auth.state, auth.locked_at, auth.lapse_noted_at, auth.acted_by = "locked", now, None, user.id
    auth.lock_expires_at = as_utc(datetime.fromisoformat(expires)) if expires else None
    mirror(served)
    if _for_resident(auth):
        activity.record_access(auth, "locked")
        activity.tell(auth.resident_id, "locked", auth.bill_id, unit=unit.name, bill=activity.bill_label(auth),
                      until=copy.minute(auth.lock_expires_at) or "单位办结")
        activity.announce(auth.resident_id)
    audit.record("claim.lock", user, audit.subject_of(auth))
    db.session.commit()
    return auth


def record_feedback(user: UnitCaller, authorization_id: int, feedback: Feedback,
                    mode: Mode = "account") -> tuple[Any, bool]:
    """Report a reimbursement; returns the claim and whether this was a replay of one already recorded."""
    replay = _replay_of(user, authorization_id, feedback, mode)
    if replay is not None:
        return replay, True
    auth = _held(user, authorization_id, "feedback", feedback.amount, mode)
    client, unit, now = FiscalClient.from_app(), user.unit, utcnow()
    try:
        body = client.feedback(auth.bill.code, auth.bill.number, unit.credit_code, serial=feedback.serial,
                               voucher=feedback.voucher, amount=feedback.amount, result="reimbursed",
                               time=feedback.time.isoformat())
    except FiscalUnavailable as exc:
        db.session.rollback()
        raise ClaimRefused(NETWORK_DOWN, 503, "network_unavailable") from exc
    except FiscalError as exc:
        raise _network_refused(client, auth, exc) from exc
    auth.state, auth.open_bill_id, auth.closed_at, auth.acted_by = "reimbursed", None, now, user.id
    auth.amount, auth.serial, auth.voucher, auth.reimbursed_at = feedback.amount, feedback.serial, \
        feedback.voucher, feedback.time
    mirror(body["bill"])
    if _for_resident(auth):
        left = policy.remaining(auth.bill)
        activity.record_access(auth, "reimbursed", feedback.amount, f"业务流水号 {feedback.serial}")
        notice = copy.reimbursed_kind(auth.bill.claimable, auth.bill.claimable - left)
        activity.tell(auth.resident_id, notice, auth.bill_id, kind="reimbursed", unit=unit.name,
                      bill=activity.bill_label(auth), amount=copy.money(feedback.amount), remaining=copy.money(left))
        activity.announce(auth.resident_id)
    audit.record("claim.feedback", user, audit.subject_of(auth), amount=feedback.amount)
    db.session.commit()
    return auth, bool(body.get("replayed"))


def _replay_of(user: UnitCaller, authorization_id: int, feedback: Feedback, mode: Mode) -> Any:
    """The same form sent twice: already recorded with this serial → the record; other content → refused."""
    model = MODELS[mode]
    auth = db.session.scalar(select(model).where(model.id == authorization_id, model.unit_id == user.unit_id))
    if auth is None or auth.state != "reimbursed" or auth.serial != feedback.serial:
        return None
    if (auth.amount, auth.voucher) != (feedback.amount, feedback.voucher):
        raise ClaimRefused("该业务流水号已登记过不同的报销内容，请核对流水号；新的报销请使用新的流水号。", 409, "serial_conflict")
    return auth


def reject_claim(user: UnitCaller, authorization_id: int, reason: str, mode: Mode = "account") -> Any:
    """Refuse the claim and release the bill (unlocking it at the network if this unit holds it)."""
    auth = _held(user, authorization_id, "reject", mode=mode)
    client, unit, now = FiscalClient.from_app(), user.unit, utcnow()
    if auth.state == "locked" and not policy.lock_lapsed(auth, now):
        try:
            mirror(client.unlock(auth.bill.code, auth.bill.number, unit.credit_code))
        except FiscalUnavailable as exc:
            db.session.rollback()
            raise ClaimRefused(NETWORK_DOWN, 503, "network_unavailable") from exc
        except FiscalError as exc:
            if exc.code not in LOCK_GONE:
                raise _network_refused(client, auth, exc) from exc
    auth.state, auth.open_bill_id, auth.closed_at, auth.acted_by = "rejected", None, now, user.id
    auth.end_reason = reason[:200]
    if _for_resident(auth):
        activity.record_access(auth, "rejected", None, reason)
        activity.tell(auth.resident_id, "rejected", auth.bill_id, unit=unit.name, bill=activity.bill_label(auth),
                      reason=reason)
        activity.announce(auth.resident_id)
    audit.record("claim.reject", user, audit.subject_of(auth))
    db.session.commit()
    return auth


def view_claim(user: UnitCaller, authorization_id: int, mode: Mode = "account") -> Any:
    """The unit's claim for its detail page (recorded in the resident's access history)."""
    write_transaction(db.session)
    auth = db.session.get(MODELS[mode], authorization_id, populate_existing=True)
    decision = policy.decide(policy.UnitActor(user.unit), "view", authorization=auth)
    if not decision or auth is None:
        db.session.rollback()
        raise ClaimRefused(decision.message, decision.status, decision.code)
    if _for_resident(auth):
        activity.record_view(auth)
    audit.record("claim.view", user, audit.subject_of(auth))
    db.session.commit()
    return auth


def unlock_claim(user: UnitCaller, authorization_id: int, mode: Mode = "account") -> Any:
    """Release the unit's lock but keep the claim: the bill is authorized to the unit again, and
    the resident may revoke it until the unit locks it anew (a lapsed lock needs no network call)."""
    auth = _held(user, authorization_id, "unlock", mode=mode)
    client, unit, now = FiscalClient.from_app(), user.unit, utcnow()
    if not policy.lock_lapsed(auth, now):
        try:
            mirror(client.unlock(auth.bill.code, auth.bill.number, unit.credit_code))
        except FiscalUnavailable as exc:
            db.session.rollback()
            raise ClaimRefused(NETWORK_DOWN, 503, "network_unavailable") from exc
        except FiscalError as exc:
            if exc.code not in LOCK_GONE:
                raise _network_refused(client, auth, exc) from exc
    auth.state, auth.locked_at, auth.lock_expires_at, auth.lapse_noted_at = "authorized", None, None, None
    auth.acted_by = user.id
    if _for_resident(auth):
        activity.record_access(auth, "unlocked")
        activity.tell(auth.resident_id, "unlocked", auth.bill_id, unit=unit.name, bill=activity.bill_label(auth))
        activity.announce(auth.resident_id)
    audit.record("claim.unlock", user, audit.subject_of(auth))
    db.session.commit()
    return auth
