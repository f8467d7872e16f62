"""What one spouse shares with the other: single bills, or all medical bills of a year.

Shares belong to a standing spouse link and end with it (they are read only through a link the
policy lets stand). Sharing is the owner's alone: nothing here lets the other spouse add to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, delete, or_, select
from sqlalchemy.exc import IntegrityError

from common.database import write_transaction
from common.timeutil import SHANGHAI, utcnow
from common.translatable import lazy_gettext
from wallet import audit
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.family import SPOUSE, FamilyLink, FamilyShare
from wallet.refusals import Refusal

MEDICAL_TYPES = "medical%"
NOT_YOURS = Refusal("not_found", lazy_gettext("没有找到这张票据，或配偶关联已解除。请返回重新选择。"), 404)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in Beijing time, as the instants bills are stored at."""
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def _shared_filter(link: FamilyLink, owner_id: int) -> Select[int]:
    shares = select(FamilyShare.bill_id, FamilyShare.year).where(
        FamilyShare.link_id == link.id, FamilyShare.owner_id == owner_id
    )
    rows = db.session.execute(shares).all()
    bill_ids = [r.bill_id for r in rows if r.bill_id is not None]
    years = [r.year for r in rows if r.year is not None]
    whole_years = [
        and_(Bill.type_key.like(MEDICAL_TYPES), Bill.issued_at >= start, Bill.issued_at < end)
        for start, end in map(year_bounds, years)
    ]
    return select(Bill.id).where(Bill.resident_id == owner_id, or_(Bill.id.in_(bill_ids), *whole_years))


def shared_bill_ids(link: FamilyLink, owner_id: int) -> set[int]:
    """The ids of the owner's bills shared through ``link``."""
    return set(db.session.scalars(_shared_filter(link, owner_id)))


def share_state(link: FamilyLink, owner_id: int, bill_id: int) -> tuple[bool, bool]:
    """(shared on its own, shared at all — on its own or with its year's medical bills)."""
    own = db.session.scalar(
        select(FamilyShare.id).where(
            FamilyShare.link_id == link.id, FamilyShare.owner_id == owner_id, FamilyShare.bill_id == bill_id
        )
    )
    return own is not None, own is not None or bill_id in shared_bill_ids(link, owner_id)


def shared_bills(link: FamilyLink, owner_id: int) -> list[Bill]:
    ids = _shared_filter(link, owner_id)
    return list(db.session.scalars(select(Bill).where(Bill.id.in_(ids)).order_by(Bill.issued_at.desc(), Bill.id)))


def shared_years(link: FamilyLink, owner_id: int) -> list[int]:
    return sorted(
        db.session.scalars(
            select(FamilyShare.year).where(
                FamilyShare.link_id == link.id, FamilyShare.owner_id == owner_id, FamilyShare.year.is_not(None)
            )
        ),
        reverse=True,
    )


def _own_spouse_link(owner_id: int, link_id: int) -> FamilyLink:
    link = db.session.get(FamilyLink, link_id)
    party = link is not None and owner_id in (link.resident_id, link.member_id)
    if link is None or not party or link.relation != SPOUSE or link.open_key is None or link.confirmed_at is None:
        db.session.rollback()
        raise NOT_YOURS
    return link


def set_share(owner_id: int, link_id: int, shared: bool, bill_id: int | None = None, year: int | None = None) -> None:
    """Share (or stop sharing) one of the owner's bills, or the medical bills of one year."""
    write_transaction(db.session)
    link = _own_spouse_link(owner_id, link_id)
    if (
        bill_id is not None
        and db.session.scalar(select(Bill.id).where(Bill.id == bill_id, Bill.resident_id == owner_id)) is None
    ):
        db.session.rollback()
        raise NOT_YOURS
    which = FamilyShare.bill_id == bill_id if bill_id is not None else FamilyShare.year == year
    if shared:
        try:
            with db.session.begin_nested():
                db.session.add(
                    FamilyShare(link_id=link.id, owner_id=owner_id, bill_id=bill_id, year=year, created_at=utcnow())
                )
        except IntegrityError:  # shared already: nothing to add
            pass
    else:
        db.session.execute(
            delete(FamilyShare).where(FamilyShare.link_id == link.id, FamilyShare.owner_id == owner_id, which)
        )
    audit.record(
        "family.share" if shared else "family.unshare",
        f"resident:{owner_id}",
        audit.subject_of(link),
        bill=bill_id,
        year=year,
    )
    db.session.commit()
