"""Reminders (提醒) the worker works out from bills and claims, the resident's choices, and push subscriptions.

A :class:`Reminder` row is written once per thing due: ``due_key`` names the rule, the bill or
claim, the due date and the stage, and its unique constraint is what keeps two workers (or one
worker run twice) from reminding of the same due date twice. Delivery then moves the row from
``pending`` to ``sent`` or ``digested`` (or ``muted``, ``stale``) under the resident's row lock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import Model
from wallet.models.authorization import NOTICE_BODY_CHARS, NOTICE_LINK_LABEL_CHARS, NOTICE_TITLE_CHARS

REMINDER_STATES = ("pending", "sent", "digested", "muted", "stale")


class Reminder(Model):
    __tablename__ = "reminders"
    __table_args__ = (
        # Delivery reads what is pending, per resident; the cap reads what a bill was sent lately.
        Index("ix_reminders_state_resident", "state", "resident_id"),
        Index("ix_reminders_bill_sent", "bill_id", "sent_at"),
        Index("ix_reminders_resident_sent", "resident_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    due_key: Mapped[str] = mapped_column(String(96), unique=True)
    # The deadline the reminder is about (NULL for the once-only kinds); past it, a pending one is stale.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stage: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="SET NULL"))
    # What the notification said and where it leads, kept for the reminder list (a digest's entries).
    title: Mapped[str] = mapped_column(String(NOTICE_TITLE_CHARS), default="")
    body: Mapped[str] = mapped_column(String(NOTICE_BODY_CHARS), default="")
    link: Mapped[str] = mapped_column(String(200), default="")
    link_label: Mapped[str] = mapped_column(String(NOTICE_LINK_LABEL_CHARS), default="")


class ReminderSettings(Model):
    """The resident's choices; no row means every kind on and the digest on."""

    __tablename__ = "reminder_settings"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    # Comma-separated kinds the resident turned off (new kinds start on).
    off_kinds: Mapped[str] = mapped_column(String(200), default="", server_default="")
    digest: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def kind_on(self, kind: str) -> bool:
        return kind not in self.off_kinds.split(",")


class PushSubscription(Model):
    """A browser's Web Push subscription (endpoint and its keys), posted by the resident's own page."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    endpoint_hash: Mapped[str] = mapped_column(String(64), unique=True)
    endpoint: Mapped[str] = mapped_column(Text)
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PushMessage(Model):
    """One notification to push to the resident's browsers: queued in the delivering transaction, sent
    after it commits by whichever worker claims it (``due`` → ``sending`` → ``sent``/``failed``)."""

    __tablename__ = "push_messages"
    __table_args__ = (Index("ix_push_messages_state", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8), default="due")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReminderScan(Model):
    """How far the claim-window rule has looked: each round reads only the bills whose reminder
    stage began since the last one, whatever the size of the wallet."""

    __tablename__ = "reminder_scans"

    rule: Mapped[str] = mapped_column(String(16), primary_key=True)
    scanned_to: Mapped[datetime] = mapped_column(UTCDateTime())
