"""Share links (分享链接): a resident hands chosen bills to an office that has no account in the network.

Only the SHA-256 of a link's token is kept, so a copy of the database opens nothing. A link
ends for good — revoked, or dead because a shared bill was red-reversed or taken by a unit —
and the time and reason are kept; expiry is read from ``expires_at`` as time passes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import Model
from wallet.models.bill import Bill


class ShareLink(Model):
    __tablename__ = "share_links"
    __table_args__ = (Index("ix_share_links_resident_created", "resident_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(24))
    # HMAC of the 6-digit access code under a key of the wallet's (NULL: the link has none).
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dead_reason: Mapped[str | None] = mapped_column(String(24))
    opened_count: Mapped[int] = mapped_column(Integer, default=0)
    last_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    bills: Mapped[list[ShareLinkBill]] = relationship(
        lazy="selectin", order_by="ShareLinkBill.position", cascade="all, delete-orphan"
    )


class ShareLinkBill(Model):
    """One bill of a link, with what units had reimbursed on it when it was shared (a unit's
    booking since then means a unit took the bill, and the link dies)."""

    __tablename__ = "share_link_bills"

    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"), primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    reimbursed_at_share: Mapped[int] = mapped_column(BigInteger)

    bill: Mapped[Bill] = relationship(lazy="joined", innerjoin=True)
