"""What a resident's pages read about their authorizations: lists, one claim, a receipt, recent units.

Only account claims are the resident's authorizations: a claim a unit took in itself may point
at the resident's bill (so they see what the unit did), but it is not theirs to revoke or list.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload, raiseload

from wallet.extensions import db
from wallet.models.authorization import AuthorizationReceipt
from wallet.models.claim import OPEN_STATES, Claim
from wallet.models.unit import Unit

# Built once: a list page's cards read their open authorizations on every freshly made page, and a
# statement reused as it is is compiled and keyed once.
_OPEN_OF_BILLS_LEAN = (
    select(Claim)
    .where(
        Claim.resident_id == bindparam("resident_id"),
        Claim.source == "account",
        Claim.open_key.is_not(None),
        Claim.bill_id.in_(bindparam("bill_ids", expanding=True)),
    )
    .options(lazyload(Claim.wallet_bill), raiseload(Claim.file), raiseload(Claim.unit))
)


def open_by_bill(resident_id: int, bill_ids: list[int] | None = None, lean: bool = False) -> dict[int, Claim]:
    """The resident's open authorizations by bill id. ``lean``: the claims alone, for a page whose bills
    are already loaded (each claim's bill is then found among them) and which shows no unit."""
    if lean and bill_ids is not None:
        if not bill_ids:
            return {}
        claims = db.session.scalars(_OPEN_OF_BILLS_LEAN, {"resident_id": resident_id, "bill_ids": bill_ids})
        return {a.bill_id: a for a in claims if a.bill_id is not None}
    stmt = select(Claim).where(Claim.resident_id == resident_id, Claim.source == "account", Claim.open_key.is_not(None))
    if bill_ids is not None:
        stmt = stmt.where(Claim.bill_id.in_(bill_ids))
    if lean:
        stmt = stmt.options(lazyload(Claim.wallet_bill), raiseload(Claim.file), raiseload(Claim.unit))
    return {a.bill_id: a for a in db.session.scalars(stmt) if a.bill_id is not None}


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


# Built once, as the bill's page reads it on every view. The page has its bill loaded already, so
# each claim finds it in the session instead of joining it again (an account claim has no file).
_FOR_BILL = (
    select(Claim)
    .where(
        Claim.resident_id == bindparam("resident_id"), Claim.bill_id == bindparam("bill_id"), Claim.source == "account"
    )
    .order_by(Claim.created_at.desc(), Claim.id.desc())
    .options(lazyload(Claim.wallet_bill), raiseload(Claim.file))
)


def for_bill(resident_id: int, bill_id: int) -> list[Claim]:
    return list(db.session.scalars(_FOR_BILL, {"resident_id": resident_id, "bill_id": bill_id}))


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
