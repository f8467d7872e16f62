"""What a resident keeps of authorizing (授权流转): the signed receipts, the access history, notifications.

The claims themselves — what a unit does with an authorized bill — are :mod:`wallet.models.claim`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import Model
from wallet.models.bill import Bill
from wallet.models.share import ShareLink
from wallet.models.unit import Unit


class AuthorizationReceipt(Model):
    """What the resident confirmed, as signed canonical JSON; ``request_id`` makes confirming idempotent."""

    __tablename__ = "authorization_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    signature_alg: Mapped[str] = mapped_column(String(40))
    signature_kid: Mapped[str] = mapped_column(String(40))
    signature_value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccessEvent(Model):
    """Who touched a resident's bill (append-only): a unit saw, locked, reimbursed or rejected it;
    someone opened it through one of the resident's share links (then ``share_link_id``, no unit); or a
    family member (a guardian, a spouse) opened or acted on it (``actor_label``, no unit, no claim —
    a unit's pages list only the entries of its own claim, so it never learns of family)."""

    __tablename__ = "access_events"
    __table_args__ = (Index("ix_access_events_resident_at", "resident_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    share_link_id: Mapped[int | None] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"), index=True)
    # A family member who acted, and how the bill's owner sees them ("监护人 乌*娜"), kept as shown then.
    actor_resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(40), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit | None] = relationship(lazy="joined")
    share_link: Mapped[ShareLink | None] = relationship(lazy="joined")
    bill: Mapped[Bill] = relationship(lazy="joined", innerjoin=True)

    @property
    def who(self) -> str:
        """The unit, the family member or the share link, as the owner's access history names them."""
        if self.unit is not None:
            return self.unit.name
        return self.actor_label or "分享链接"


# A notice's words, sized for its longest language: Mongolian runs three to four times the Chinese.
NOTICE_TITLE_CHARS, NOTICE_BODY_CHARS, NOTICE_LINK_LABEL_CHARS = 200, 1200, 80


class Notification(Model):
    """An entry in the resident's notification centre; unread while ``read_at`` is NULL."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_resident_read", "resident_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(NOTICE_TITLE_CHARS))
    body: Mapped[str] = mapped_column(String(NOTICE_BODY_CHARS))
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The one action that settles what the notice is about (a reminder's), as a path in the wallet.
    link: Mapped[str] = mapped_column(String(200), default="", server_default="")
    link_label: Mapped[str] = mapped_column(String(NOTICE_LINK_LABEL_CHARS), default="", server_default="")
