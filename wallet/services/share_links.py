"""A resident's share links: make one for chosen bills, list them, revoke one.

What the resident asks for is checked in full before anything is written: every bill must
be theirs and shareable now (:func:`wallet.policy.decide`, action ``share``), the purpose one
of the list, the validity 1–30 days. The token and the access code are returned once, to be
shown to the resident right away; the wallet keeps only their hashes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from common.database import rows_changed, write_transaction
from common.timeutil import utcnow
from common.translatable import N_, gettext
from wallet import audit, policy
from wallet.extensions import db
from wallet.models.authorization import AccessEvent
from wallet.models.bill import Bill
from wallet.models.share import ShareLink, ShareLinkBill
from wallet.refusals import Refusal
from wallet.services import share_tokens

PURPOSES: dict[str, str] = {
    "reimbursement": N_("单位报销"),
    "insurance": N_("保险理赔"),
    "medical_insurance": N_("医保报销"),
    "records": N_("核验留存"),
}
DEFAULT_DAYS = 7
MAX_DAYS = 30
DAY_CHOICES = (1, 3, 7, 15, 30)
MAX_BILLS = 20


@dataclass(frozen=True)
class ShareRequest:
    bill_ids: list[int]
    purpose: str
    days: int
    with_code: bool


@dataclass(frozen=True)
class NewLink:
    """A link just made, with the two secrets the resident sees this once."""

    link_id: int
    token: str
    code: str | None


def parse_request(form: Mapping[str, object], bill_ids: list[int]) -> ShareRequest:
    """The resident's choices, or a refusal naming each field that is wrong."""
    errors: dict[str, str] = {}
    if not bill_ids:
        errors["bill"] = gettext("请至少勾选一张要分享的票据。")
    elif len(bill_ids) > MAX_BILLS:
        errors["bill"] = gettext("一个链接最多分享 %(count)s 张票据，请分开分享。", count=MAX_BILLS)
    purpose = str(form.get("purpose") or "")
    if purpose not in PURPOSES:
        errors["purpose"] = gettext("请选择分享用途。")
    raw_days = str(form.get("days") or "").strip()
    days = int(raw_days) if raw_days.isascii() and raw_days.isdigit() and len(raw_days) <= 3 else 0
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = gettext("有效期应为 1 至 %(days)s 天。", days=MAX_DAYS)
    if errors:
        raise Refusal("share_invalid", " ".join(errors.values()), 400, errors)
    return ShareRequest(bill_ids, purpose, days, form.get("with_code") == "1")


def create_link(resident_id: int, request: ShareRequest, now: datetime | None = None) -> NewLink:
    """Store the link for the request's bills, after checking each under the write lock."""
    now = now or utcnow()
    write_transaction(db.session)
    bills = list(
        db.session.scalars(
            select(Bill).where(Bill.resident_id == resident_id, Bill.id.in_(request.bill_ids)).with_for_update()
        )
    )
    by_id = {bill.id: bill for bill in bills}
    if len(by_id) != len(request.bill_ids):
        db.session.rollback()
        raise Refusal("not_found", gettext("没有找到所选的票据，请返回重新选择。"), 404)
    actor = policy.ResidentActor(resident_id)
    for bill_id in request.bill_ids:
        bill = by_id[bill_id]
        decision = policy.decide(actor, "share", bill=bill, now=now)
        if not decision:
            db.session.rollback()
            raise decision.refusal(f"{bill.issuer_name}（{bill.code}-{bill.number}）：")
    token = share_tokens.new_token()
    hashed = share_tokens.token_hash(token)
    code = share_tokens.new_code() if request.with_code else None
    link = ShareLink(
        resident_id=resident_id,
        token_hash=hashed,
        purpose=request.purpose,
        code_hash=share_tokens.code_hash(hashed, code) if code else None,
        code_failures=0,
        created_at=now,
        expires_at=now + timedelta(days=request.days),
        opened_count=0,
        bills=[
            ShareLinkBill(bill_id=bill_id, position=index, reimbursed_at_share=by_id[bill_id].reimbursed_amount)
            for index, bill_id in enumerate(request.bill_ids, start=1)
        ],
    )
    db.session.add(link)
    db.session.flush()
    audit.record(
        "share.create",
        f"resident:{resident_id}",
        f"share_link:{link.id}",
        bills=len(request.bill_ids),
        purpose=request.purpose,
        days=request.days,
        access_code=code is not None,
    )
    db.session.commit()
    return NewLink(link.id, token, code)


def revoke_link(resident_id: int, link_id: int, now: datetime | None = None) -> bool:
    """End the link at once; False when it had ended already (revoking twice changes nothing)."""
    now = now or utcnow()
    write_transaction(db.session)
    changed = rows_changed(
        db.session.execute(
            update(ShareLink)
            .where(ShareLink.id == link_id, ShareLink.resident_id == resident_id, ShareLink.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        )
    )
    if changed:
        audit.record("share.revoke", f"resident:{resident_id}", f"share_link:{link_id}")
    db.session.commit()
    return bool(changed)


def links_of(resident_id: int, limit: int = 100) -> list[ShareLink]:
    return list(
        db.session.scalars(
            select(ShareLink)
            .where(ShareLink.resident_id == resident_id)
            .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
            .limit(limit)
        )
    )


def link_of(resident_id: int, link_id: int) -> ShareLink | None:
    """The link only if it is this resident's."""
    return db.session.scalar(select(ShareLink).where(ShareLink.id == link_id, ShareLink.resident_id == resident_id))


def openings(link_id: int, limit: int = 100) -> list[AccessEvent]:
    return list(
        db.session.scalars(
            select(AccessEvent)
            .where(AccessEvent.share_link_id == link_id)
            .order_by(AccessEvent.at.desc(), AccessEvent.id.desc())
            .limit(limit)
        )
    )
