"""Closing a personal digital account, following docs/data-policy.md.

Order matters: time-lapsed authorizations are swept, then a bill a unit still holds a lock
on stops everything (nothing has changed yet), then open authorizations are revoked through
the ordinary service (so units lose access the usual way), and finally one transaction
erases the rest. Authorizations that ended in reimbursement are part of the unit's
accounting records: they stay, with their bills and signed receipts, under an anonymised
account row that no one can log in to or look up again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, exists, or_, select, tuple_, update

from common.database import rows_changed, write_transaction
from common.timeutil import utcnow
from common.translatable import gettext
from wallet import audit, policy
from wallet.extensions import db
from wallet.identity import seal
from wallet.models import (
    AccessEvent,
    AuthorizationReceipt,
    Bill,
    BillDocument,
    BillEvent,
    Claim,
    Notification,
    RejectedBill,
    Resident,
    ShareLink,
    ShareLinkBill,
    SyncState,
)
from wallet.models.claim import ClaimFile
from wallet.models.claim_count import forget_claims
from wallet.models.resident import ID_NUMBER_PURPOSE, NAME_PURPOSE
from wallet.refusals import Refusal
from wallet.services import authorizations, bill_store

TOMBSTONE_PREFIX = "deactivated:"
TOMBSTONE_NAME = "已注销用户"
DOCUMENT_CHUNK = 400


@dataclass(frozen=True)
class Deactivated:
    revoked: int
    deleted_bills: int
    kept_authorizations: int
    account_deleted: bool


def is_tombstone(resident: Resident) -> bool:
    return resident.oidc_sub.startswith(TOMBSTONE_PREFIX)


def _open(resident_id: int) -> list[Claim]:
    return list(
        db.session.scalars(
            select(Claim)
            .where(Claim.resident_id == resident_id, Claim.source == "account", Claim.open_key.is_not(None))
            .execution_options(populate_existing=True)
        )
    )


def _locked_by(auths: list[Claim]) -> list[str]:
    now = utcnow()
    return sorted({a.unit.name for a in auths if a.state == "locked" and not policy.lock_lapsed(a, now)})


def _held(units: list[str]) -> Refusal:
    return Refusal(
        "bills_locked",
        gettext(
            "%(units)s正在处理您的票据（已锁定），暂时不能注销账户。请等待单位完成报销或解除锁定后再试，账户内容未做任何改动。",
            units="、".join(units),
        ),
        409,
    )


def deactivate(resident_id: int) -> Deactivated:
    """Revoke, erase, anonymise; raises :class:`Refusal` while a unit holds a lock."""
    authorizations.sweep(resident_id=resident_id)
    still_open = _open(resident_id)
    held = _locked_by(still_open)
    if held:
        db.session.rollback()
        raise _held(held)
    revoked = 0
    for auth in still_open:
        try:
            authorizations.revoke(resident_id, auth.id)
        except Refusal as refused:
            raise Refusal(
                "revoke_failed", gettext("有一项授权未能撤销：%(why)s 请稍后再试。", why=refused.message), 409
            ) from refused
        revoked += 1
    return _erase(resident_id, revoked)


def _erase(resident_id: int, revoked: int) -> Deactivated:
    write_transaction(db.session)
    held = _locked_by(
        list(
            db.session.scalars(
                select(Claim)
                .where(Claim.resident_id == resident_id, Claim.source == "account", Claim.open_key.is_not(None))
                .with_for_update(of=Claim)
            )
        )
    )
    if held:
        db.session.rollback()
        raise _held(held)
    kept = db.session.execute(
        select(Claim.id, Claim.bill_id, Claim.receipt_id).where(
            Claim.resident_id == resident_id, Claim.source == "account", Claim.state == "reimbursed"
        )
    ).all()
    kept_bills = {row.bill_id for row in kept}
    kept_receipts = {row.receipt_id for row in kept}
    doomed = select(Bill.id).where(Bill.resident_id == resident_id, Bill.id.not_in(kept_bills))
    documents = db.session.execute(
        select(Bill.code, Bill.number).where(Bill.resident_id == resident_id, Bill.id.not_in(kept_bills))
    ).all()
    erased = (Claim.resident_id == resident_id, Claim.source == "account", Claim.state != "reimbursed")
    forget_claims(db.session, *erased)
    for stmt in (
        delete(AccessEvent).where(AccessEvent.resident_id == resident_id),
        delete(ShareLinkBill).where(
            ShareLinkBill.link_id.in_(select(ShareLink.id).where(ShareLink.resident_id == resident_id))
        ),
        delete(ShareLink).where(ShareLink.resident_id == resident_id),
        delete(Notification).where(Notification.resident_id == resident_id),
        delete(Claim).where(*erased),
        # A unit's own file claims stay the unit's; they stop pointing at the erased wallet.
        update(Claim)
        .where(Claim.resident_id == resident_id, Claim.source == "file")
        .values(resident_id=None, bill_id=None),
        delete(AuthorizationReceipt).where(
            AuthorizationReceipt.resident_id == resident_id, AuthorizationReceipt.id.not_in(kept_receipts)
        ),
        delete(BillEvent).where(BillEvent.bill_id.in_(doomed)),
        delete(RejectedBill).where(RejectedBill.resident_id == resident_id),
        delete(SyncState).where(SyncState.resident_id == resident_id),
    ):
        db.session.execute(stmt, execution_options={"synchronize_session": False})
    # The kept bills (of reimbursed claims) stay counted; the erased ones leave the summary.
    with bill_store.summary_kept_up({resident_id}, Bill.resident_id == resident_id):
        deleted_bills = rows_changed(
            db.session.execute(
                delete(Bill).where(Bill.resident_id == resident_id, Bill.id.not_in(kept_bills)),
                execution_options={"synchronize_session": False},
            )
        )
    _drop_orphan_documents([(row.code, row.number) for row in documents])
    if kept:
        _anonymise(db.session.get_one(Resident, resident_id, populate_existing=True))
    else:
        db.session.execute(
            delete(Resident).where(Resident.id == resident_id), execution_options={"synchronize_session": False}
        )
    audit.record(
        "resident.deactivate",
        f"resident:{resident_id}",
        f"resident:{resident_id}",
        revoked=revoked,
        deleted_bills=int(deleted_bills or 0),
        kept_authorizations=len(kept),
        account="anonymised" if kept else "deleted",
    )
    db.session.commit()
    db.session.expire_all()
    return Deactivated(revoked, int(deleted_bills or 0), len(kept), not kept)


def _drop_orphan_documents(pairs: list[tuple[str, str]]) -> None:
    """Signed documents are shared by code and number; drop only those no remaining bill refers to."""
    still_used = or_(
        exists().where(Bill.code == BillDocument.code, Bill.number == BillDocument.number),
        exists().where(ClaimFile.code == BillDocument.code, ClaimFile.number == BillDocument.number),
    )
    for start in range(0, len(pairs), DOCUMENT_CHUNK):
        chunk = pairs[start : start + DOCUMENT_CHUNK]
        db.session.execute(
            delete(BillDocument).where(tuple_(BillDocument.code, BillDocument.number).in_(chunk), ~still_used),
            execution_options={"synchronize_session": False},
        )


def _anonymise(resident: Resident) -> None:
    """Keep the row the retained authorizations point at, with nothing left that names or finds the person."""
    marker = TOMBSTONE_PREFIX + secrets.token_hex(16)
    resident.oidc_sub = marker
    resident.id_number_hash = marker
    resident.name_enc = seal(TOMBSTONE_NAME, NAME_PURPOSE)
    resident.id_number_enc = seal("", ID_NUMBER_PURPOSE)
    resident.last_login_at = None
    resident.terms_version = "deactivated"
