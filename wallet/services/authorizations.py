"""The resident's side of 授权流转: authorize bills to a unit, revoke, and let stale ones lapse.

Each change runs in one write transaction (``write_transaction`` first, rows read
``FOR UPDATE``), asks :mod:`wallet.policy` again on the rows it locked, and nudges the
resident's open pages in the same commit. The unique ``open_key`` column is the
backstop: two confirmations racing for one bill cannot both leave an open authorization.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from common.database import write_transaction
from common.timeutil import SHANGHAI, as_utc, utcnow
from wallet import audit, copy, policy
from wallet.extensions import db
from wallet.models.authorization import AuthorizationReceipt
from wallet.models.bill import Bill
from wallet.models.claim import OPEN_STATES, Claim
from wallet.models.resident import Resident
from wallet.models.unit import Unit
from wallet.refusals import Refusal
from wallet.services import activity, receipts


@dataclass(frozen=True)
class Confirmation:
    """How the resident confirmed: the identity provider's assurance level and when it verified them."""

    acr: str
    verified_at: datetime


def open_by_bill(resident_id: int, bill_ids: list[int] | None = None) -> dict[int, Claim]:
    stmt = select(Claim).where(Claim.resident_id == resident_id, Claim.source == "account", Claim.open_key.is_not(None))
    if bill_ids is not None:
        stmt = stmt.where(Claim.bill_id.in_(bill_ids))
    return {a.wallet_copy.id: a for a in db.session.scalars(stmt)}


def _expire(auth: Claim, now: datetime) -> None:
    issuance = auth.bill.issuance if auth.bill.issuance in ("red_reversed", "exchanged") else "ttl"
    auth.close("expired", now, copy.END_REASONS[issuance])
    audit.record("authorization.expire", None, audit.subject_of(auth), bill=auth.bill_id, unit=auth.unit_id)
    activity.tell(
        auth.owner_id,
        copy.expired_kind(auth.bill.issuance),
        auth.bill_id,
        kind="expired",
        unit=auth.unit.name,
        bill=activity.bill_label(auth),
    )


def withdraw(auth: Claim, now: datetime) -> None:
    """The unit's account was cancelled: the authorization ends, and the resident is told (caller commits)."""
    auth.close("expired", now, copy.END_REASONS["unit_cancelled"])
    audit.record("authorization.withdraw", None, audit.subject_of(auth), bill=auth.bill_id, unit=auth.unit_id)
    activity.record_access(auth, "withdrawn")
    activity.tell(auth.owner_id, "withdrawn", auth.bill_id, unit=auth.unit.name, bill=activity.bill_label(auth))


def authorize_bills(
    resident: Resident,
    unit_id: int,
    bill_ids: list[int],
    claim_ref: str,
    note: str,
    request_id: str,
    confirmation: Confirmation,
) -> AuthorizationReceipt:
    """Authorize ``bill_ids`` to the unit under one signed receipt; the same ``request_id`` again returns it."""
    done = _replayed(resident.id, request_id)
    if done is not None:
        return done
    now = utcnow()
    write_transaction(db.session)
    unit = db.session.get(Unit, unit_id, populate_existing=True)
    if unit is None or not unit.is_active:
        db.session.rollback()
        raise Refusal("unit_unavailable", "该单位账户当前不能接收授权，请重新选择单位。", 404 if unit is None else 409)
    bills = list(
        db.session.scalars(
            select(Bill).where(Bill.id.in_(bill_ids), Bill.resident_id == resident.id).order_by(Bill.issued_at.desc())
        )
    )
    if not bill_ids or len(bills) != len(set(bill_ids)):
        db.session.rollback()
        raise Refusal("not_found", "请选择您自己的票据后再授权。", 404)
    current = {
        a.bill_id: a
        for a in db.session.scalars(
            select(Claim)
            .where(Claim.open_key.in_([Claim.account_key(bill_id) for bill_id in bill_ids]))
            .with_for_update(of=Claim)
            .execution_options(populate_existing=True)
        )
    }
    for bill in bills:
        held = current.get(bill.id)
        if held is not None and not policy.is_open(held, now):
            _expire(held, now)
            held = None
        decision = policy.decide(
            policy.ResidentActor(resident.id),
            "authorize",
            bill=bill,
            open_authorization=held,
            target_unit=unit,
            now=now,
        )
        if not decision:
            db.session.rollback()
            raise decision.refusal(f"{bill.issuer_name} {bill.code}-{bill.number}：")
    db.session.flush()
    expires = now + timedelta(seconds=current_app.config["AUTHORIZATION_TTL_SECONDS"])
    receipt = _signed_receipt(resident, unit, bills, claim_ref, note, request_id, expires, confirmation, now)
    try:
        db.session.add(receipt)
        db.session.flush()
        for bill in bills:
            db.session.add(
                Claim(
                    source="account",
                    receipt_id=receipt.id,
                    resident_id=resident.id,
                    bill_id=bill.id,
                    unit_id=unit.id,
                    state="authorized",
                    open_key=Claim.account_key(bill.id),
                    claim_ref=claim_ref,
                    note=note,
                    created_at=now,
                    expires_at=expires,
                )
            )
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        replay = _replayed(resident.id, request_id)
        if replay is not None:
            return replay
        raise Refusal("already_authorized", "所选票据刚刚已被授权，请刷新后查看。", 409) from exc
    audit.record("authorization.create", resident, audit.subject_of(receipt), unit=unit.id, bills=[b.id for b in bills])
    total = sum(policy.remaining(b) for b in bills)
    activity.tell(
        resident.id,
        "authorized",
        bills[0].id if len(bills) == 1 else None,
        count=len(bills),
        amount=copy.money(total),
        unit=unit.name,
        until=copy.minute(expires),
    )
    activity.announce(resident.id)
    db.session.commit()
    return receipt


def _replayed(resident_id: int, request_id: str) -> AuthorizationReceipt | None:
    return db.session.scalar(
        select(AuthorizationReceipt).where(
            AuthorizationReceipt.request_id == request_id, AuthorizationReceipt.resident_id == resident_id
        )
    )


def _signed_receipt(
    resident: Resident,
    unit: Unit,
    bills: list[Bill],
    claim_ref: str,
    note: str,
    request_id: str,
    expires: datetime,
    confirmation: Confirmation,
    now: datetime,
) -> AuthorizationReceipt:
    document = {
        "format": receipts.RECEIPT_FORMAT,
        "receipt_id": request_id,
        "issued_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platform": current_app.config["WALLET_BASE_URL"].rstrip("/"),
        "resident": {"name": resident.masked_name, "id_number": resident.masked_id_number},
        "unit": {"name": unit.name, "credit_code": unit.credit_code, "type": unit.type_name},
        "bills": [
            {
                "code": b.code,
                "number": b.number,
                "type": b.type_name,
                "issuer": b.issuer_name,
                "issued_on": b.issued_at.astimezone(SHANGHAI).strftime("%Y-%m-%d"),
                "total": b.total,
                "reimbursed": b.reimbursed_amount,
                "remaining": policy.remaining(b),
            }
            for b in bills
        ],
        "claim_ref": claim_ref,
        "note": note,
        "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "confirmed_by": {
            "method": "蒙速办人脸核验",
            "acr": confirmation.acr,
            "verified_at": as_utc(confirmation.verified_at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    }
    canonical = receipts.canonical_bytes(document)
    alg, kid, value = receipts.sign(canonical)
    return AuthorizationReceipt(
        resident_id=resident.id,
        unit_id=unit.id,
        request_id=request_id,
        canonical=canonical,
        signature_alg=alg,
        signature_kid=kid,
        signature_value=value,
        created_at=now,
    )


def revoke(resident_id: int, claim_id: int) -> Claim:
    """Withdraw an authorization the unit has not locked (or whose lock lapsed)."""
    now = utcnow()
    write_transaction(db.session)
    auth = db.session.scalar(
        select(Claim).where(Claim.id == claim_id).with_for_update(of=Claim).execution_options(populate_existing=True)
    )
    decision = policy.decide(policy.ResidentActor(resident_id), "revoke", authorization=auth, now=now)
    if not decision or auth is None:
        db.session.rollback()
        raise decision.refusal()
    auth.close("revoked", now, copy.END_REASONS["revoked"])
    audit.record("authorization.revoke", f"resident:{resident_id}", audit.subject_of(auth), bill=auth.bill_id)
    activity.tell(resident_id, "revoked", auth.bill_id, unit=auth.unit.name, bill=activity.bill_label(auth))
    activity.announce(resident_id)
    db.session.commit()
    return auth


def _due(now: datetime) -> Any:
    return and_(
        Claim.source == "account",
        or_(
            and_(Claim.state == "authorized", or_(Claim.expires_at <= now, Bill.issuance != "normal")),
            and_(Claim.state == "locked", Claim.lock_expires_at <= now, Claim.lapse_noted_at.is_(None)),
        ),
    )


def sweep(resident_id: int | None = None, unit_id: int | None = None, limit: int = 200) -> int:
    """Record what time alone changed: expired authorizations and lapsed locks. Returns how many."""
    now = utcnow()
    scope = [Claim.resident_id == resident_id] if resident_id is not None else []
    scope += [Claim.unit_id == unit_id] if unit_id is not None else []
    probe = select(Claim.id).join(Bill, Bill.id == Claim.bill_id).where(_due(now), *scope)
    if db.session.scalar(probe.limit(1)) is None:
        return 0
    write_transaction(db.session)
    ids = list(db.session.scalars(probe.limit(limit)))
    due = db.session.scalars(
        select(Claim).where(Claim.id.in_(ids)).with_for_update(of=Claim).execution_options(populate_existing=True)
    ).all()
    touched: set[int] = set()
    for auth in due:
        if auth.state == "authorized" and not policy.is_open(auth, now):
            _expire(auth, now)
        elif policy.lock_lapsed(auth, now) and auth.unit.state == "cancelled":
            withdraw(auth, now)
        elif policy.lock_lapsed(auth, now) and auth.lapse_noted_at is None:
            auth.lapse_noted_at = now
            audit.record("claim.lock_lapsed", None, audit.subject_of(auth), bill=auth.bill_id, unit=auth.unit_id)
            activity.record_access(auth, "lock_lapsed")
            activity.tell(
                auth.owner_id, "lock_lapsed", auth.bill_id, unit=auth.unit.name, bill=activity.bill_label(auth)
            )
        else:
            continue
        touched.add(auth.owner_id)
    for rid in touched:
        activity.announce(rid)
    db.session.commit()
    return len(due)


def authorizations_of(resident_id: int, limit: int = 100) -> list[Claim]:
    """Open ones first, then the rest, newest first."""
    opened = Claim.state.in_(OPEN_STATES)
    return list(
        db.session.scalars(
            select(Claim)
            .where(Claim.resident_id == resident_id, Claim.source == "account")
            .order_by(opened.desc(), Claim.created_at.desc(), Claim.id.desc())
            .limit(limit)
        )
    )


def for_bill(resident_id: int, bill_id: int) -> list[Claim]:
    return list(
        db.session.scalars(
            select(Claim)
            .where(Claim.resident_id == resident_id, Claim.bill_id == bill_id, Claim.source == "account")
            .order_by(Claim.created_at.desc(), Claim.id.desc())
        )
    )


def authorization_of(resident_id: int, claim_id: int) -> Claim | None:
    return db.session.scalar(
        select(Claim).where(Claim.id == claim_id, Claim.resident_id == resident_id, Claim.source == "account")
    )


def receipt_of(resident_id: int, receipt_id: int) -> AuthorizationReceipt | None:
    return db.session.scalar(
        select(AuthorizationReceipt).where(
            AuthorizationReceipt.id == receipt_id, AuthorizationReceipt.resident_id == resident_id
        )
    )


def recent_units(resident_id: int, limit: int = 5) -> list[Unit]:
    rows = db.session.execute(
        select(AuthorizationReceipt.unit_id, AuthorizationReceipt.created_at)
        .where(AuthorizationReceipt.resident_id == resident_id)
        .order_by(AuthorizationReceipt.created_at.desc())
        .limit(50)
    ).all()
    ordered = list(dict.fromkeys(unit_id for unit_id, _ in rows))
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ordered), Unit.state == "active"))}
    return [units[i] for i in ordered if i in units][:limit]
