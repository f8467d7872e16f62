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
from sqlalchemy import ColumnClause, CompoundSelect, literal_column, select, union
from sqlalchemy.exc import IntegrityError

from common.database import write_transaction
from common.timeutil import utcnow
from common.translatable import gettext
from wallet import audit, copy, policy
from wallet.extensions import db
from wallet.models.authorization import AuthorizationReceipt
from wallet.models.bill import Bill
from wallet.models.claim import Claim
from wallet.models.resident import Resident
from wallet.models.unit import Unit
from wallet.refusals import Refusal
from wallet.services import activity, receipts
from wallet.services.claim_keys import search_keys
from wallet.services.family_access import Acting, record_access


@dataclass(frozen=True)
class Confirmation:
    """How the resident confirmed: the identity provider's assurance level and when it verified them."""

    acr: str
    verified_at: datetime


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
    on_behalf: Acting | None = None,
) -> AuthorizationReceipt:
    """Authorize ``bill_ids`` to the unit under one signed receipt; the same ``request_id`` again returns it.

    ``resident`` is whose bills they are; ``on_behalf``, the guardian confirming for that child.
    The receipt and the claims are the child's, as a unit sees them; the guardian appears only in
    the audit log and the child's access history.
    """
    done = _replayed(resident.id, request_id)
    if done is not None:
        return done
    now = utcnow()
    write_transaction(db.session)
    unit = db.session.get(Unit, unit_id, populate_existing=True)
    if unit is None or not unit.is_active:
        db.session.rollback()
        raise Refusal(
            "unit_unavailable", gettext("该单位账户当前不能接收授权，请重新选择单位。"), 404 if unit is None else 409
        )
    bills = list(
        db.session.scalars(
            select(Bill).where(Bill.id.in_(bill_ids), Bill.resident_id == resident.id).order_by(Bill.issued_at.desc())
        )
    )
    if not bill_ids or len(bills) != len(set(bill_ids)):
        db.session.rollback()
        raise Refusal("not_found", gettext("请选择您自己的票据后再授权。"), 404)
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
    receipt = receipts.signed_receipt(
        resident, unit, bills, claim_ref, note, request_id, expires, confirmation.acr, confirmation.verified_at, now
    )
    try:
        db.session.add(receipt)
        db.session.flush()
        claimant = resident.name
        for bill in bills:
            db.session.add(
                Claim(
                    **search_keys(bill.code, bill.number, bill.total, bill.type_key, claimant),
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
        raise Refusal("already_authorized", gettext("所选票据刚刚已被授权，请刷新后查看。"), 409) from exc
    actor = on_behalf.actor if on_behalf is not None else resident
    audit.record("authorization.create", actor, audit.subject_of(receipt), unit=unit.id, bills=[b.id for b in bills])
    if on_behalf is not None:
        for bill in bills:
            record_access(on_behalf, bill.id, "family_authorize", f"授权给{unit.name}")
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


def revoke(resident_id: int, claim_id: int, on_behalf: Acting | None = None) -> Claim:
    """Withdraw an authorization the unit has not locked (or whose lock lapsed); ``on_behalf`` as for
    :func:`authorize_bills`."""
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
    actor = f"resident:{on_behalf.actor.id if on_behalf is not None else resident_id}"
    audit.record("authorization.revoke", actor, audit.subject_of(auth), bill=auth.bill_id)
    if on_behalf is not None and auth.bill_id is not None:
        record_access(on_behalf, auth.bill_id, "family_revoke", f"撤销对{auth.unit.name}的授权")
    activity.tell(resident_id, "revoked", auth.bill_id, unit=auth.unit.name, bill=activity.bill_label(auth))
    activity.announce(resident_id)
    db.session.commit()
    return auth


# Written as a literal, not a bound parameter, so the planners can use the partial index on bills.
NOT_NORMAL_LITERAL: ColumnClause[str] = literal_column("'normal'")


def _due(now: datetime, scope: list[Any]) -> CompoundSelect[tuple[int]]:
    """The ids of claims time alone has changed, as three reads that each walk an index of their own.

    One ``OR`` across states, clocks and the bill's issuance read every open claim of a
    unit (0.6 s at 400,000), and open streams sweep every few seconds: each branch now
    starts from ``ix_claims_due_expiry``, ``ix_claims_due_lapse`` or the few bills that
    are no longer normal (``ix_bills_not_normal``).
    """
    account = Claim.source == "account"
    expired = select(Claim.id).where(account, Claim.state == "authorized", Claim.expires_at <= now, *scope)
    not_normal = select(Bill.id).where(Bill.issuance != NOT_NORMAL_LITERAL)
    voided = select(Claim.id).where(account, Claim.state == "authorized", Claim.bill_id.in_(not_normal), *scope)
    lapsed = select(Claim.id).where(
        account, Claim.state == "locked", Claim.lock_expires_at <= now, Claim.lapse_noted_at.is_(None), *scope
    )
    return union(expired, voided, lapsed)


def sweep(resident_id: int | None = None, unit_id: int | None = None, limit: int = 200) -> int:
    """Record what time alone changed: expired authorizations and lapsed locks. Returns how many."""
    now = utcnow()
    scope = [Claim.resident_id == resident_id] if resident_id is not None else []
    scope += [Claim.unit_id == unit_id] if unit_id is not None else []
    probe = _due(now, scope)
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
