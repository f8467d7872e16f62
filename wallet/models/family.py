"""Family links: a guardian acting for a minor child's bills, and two spouses sharing chosen bills.

A link joins the resident who asked (``resident_id``) to a family member (``member_id``), each a
row of ``residents``: a child without a login of their own has a held row (``Resident.held_since``)
that the link's guardians act on. ``open_key`` is set while the link stands and NULL once it ends,
so its unique constraint lets the database itself refuse a second open link of the same two people.

A child's link is confirmed when it is made (the provider attested the child) and ends by itself
on ``ends_on``, the child's 18th birthday. A spouse's link waits for the other spouse to confirm
(``confirmed_at``); either of them may end it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import Model
from wallet.models.resident import Resident

CHILD, SPOUSE = "child", "spouse"
RELATIONS = (CHILD, SPOUSE)


class FamilyLink(Model):
    __tablename__ = "family_links"
    __table_args__ = (
        Index("ix_family_links_resident", "resident_id", "relation"),
        Index("ix_family_links_member", "member_id", "relation"),
        Index("ix_family_links_due", "ended_at", "ends_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    relation: Mapped[str] = mapped_column(String(8))
    open_key: Mapped[str | None] = mapped_column(String(48), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_on: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str] = mapped_column(String(60), default="")

    resident: Mapped[Resident] = relationship(foreign_keys=[resident_id], lazy="joined", innerjoin=True)
    member: Mapped[Resident] = relationship(foreign_keys=[member_id], lazy="joined", innerjoin=True)

    @staticmethod
    def key_for(relation: str, resident_id: int, member_id: int) -> str:
        """A spouse link is one per couple whoever asked: its key names the two in order."""
        if relation == SPOUSE:
            resident_id, member_id = sorted((resident_id, member_id))
        return f"{relation}:{resident_id}:{member_id}"

    def other(self, resident_id: int) -> Resident:
        """The family member as ``resident_id`` sees the link."""
        return self.member if self.resident_id == resident_id else self.resident


class FamilyShare(Model):
    """A bill (``bill_id``) or a year's medical bills (``year``) one spouse shares with the other."""

    __tablename__ = "family_shares"
    __table_args__ = (
        UniqueConstraint("link_id", "owner_id", "bill_id", name="uq_family_shares_bill"),
        UniqueConstraint("link_id", "owner_id", "year", name="uq_family_shares_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("family_links.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
