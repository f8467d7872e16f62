"""Authorizations (授权流转) of a resident's bills to a unit, and the signed receipts that record them.

Lifecycle (DESIGN.md §5): ``authorized`` → (``revoked`` by the resident | ``locked`` by the
unit → (``reimbursed`` | ``rejected``)) | ``expired``. ``open_bill_id`` equals ``bill_id``
while the authorization is open (authorized or locked) and is NULL otherwise; its unique
constraint lets the database itself refuse a second open authorization of one bill.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.unit import Unit

OPEN_STATES = ("authorized", "locked")
UNIT_VISIBLE_STATES = ("authorized", "locked", "reimbursed", "rejected")
STATE_NAMES: dict[str, str] = {
    "authorized": "已授权", "locked": "已锁定", "reimbursed": "已报销", "rejected": "已拒绝",
    "revoked": "已撤销", "expired": "已失效",
}


class AuthorizationReceipt(db.Model):
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


class Authorization(db.Model):
    __tablename__ = "authorizations"
    __table_args__ = (
        Index("ix_authorizations_unit_state", "unit_id", "state", "created_at"),
        Index("ix_authorizations_resident_state", "resident_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("authorization_receipts.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    state: Mapped[str] = mapped_column(String(12), default="authorized")
    open_bill_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    claim_ref: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lapse_noted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_reason: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    serial: Mapped[str | None] = mapped_column(String(64))
    voucher: Mapped[str | None] = mapped_column(String(64))
    reimbursed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acted_by: Mapped[int | None] = mapped_column(ForeignKey("unit_users.id", ondelete="SET NULL"))

    bill: Mapped[Bill] = relationship(lazy="joined", innerjoin=True)
    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)

    @property
    def state_name(self) -> str:
        return STATE_NAMES.get(self.state, self.state)


class AccessEvent(db.Model):
    """Who touched a resident's bill: a unit saw, locked, reimbursed or rejected it (append-only)."""

    __tablename__ = "access_events"
    __table_args__ = (Index("ix_access_events_resident_at", "resident_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    authorization_id: Mapped[int] = mapped_column(ForeignKey("authorizations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    bill: Mapped[Bill] = relationship(lazy="joined", innerjoin=True)


class Notification(db.Model):
    """An entry in the resident's notification centre; unread while ``read_at`` is NULL."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_resident_read", "resident_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(String(300))
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
