"""State of collection from the fiscal network: per-resident sync, the feed cursor, keys, rejects."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import Model


class SyncState(Model):
    """One row per resident: where their incremental sync stands and what the page should show.

    ``change_seq`` grows whenever any of the resident's bills changes, and at each step of a sync
    the bill list shows (failed, running again, done); open pages follow it to learn of
    changes without a reload, from whichever process made them. ``progress`` counts the bills the
    current sync received.
    """

    __tablename__ = "sync_states"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default="queued")  # queued|running|done|failed
    cursor: Mapped[str | None] = mapped_column(Text)
    subscribed: Mapped[bool] = mapped_column(default=False)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    change_seq: Mapped[int] = mapped_column(Integer, default=0)
    # Kept with the sequence by every writer of notifications, in the same statement: the top bar
    # of every page shows it, and reading it here costs nothing (the resident is loaded with this row).
    unread_notifications: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The list page's filter choices as JSON ``[kind, value, label]`` rows, kept by every writer of the
    # resident's bills (wallet.services.bill_summary.keep_facets); NULL until the first such write.
    facets: Mapped[str | None] = mapped_column(Text)


class RejectedBill(Model):
    """A bill whose signature did not verify: never stored as a bill, but shown, counted and tried again.

    ``issuer_name`` is the issuer the unverified document names, so the resident knows whom to ask.
    """

    __tablename__ = "rejected_bills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(40))
    issuer_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FeedCursor(Model):
    """Where the follower of the network's change feed stands (shared by all follower processes)."""

    __tablename__ = "feed_cursors"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ProvinceKey(Model):
    """A province's published signing key, cached so verification works while the network is down."""

    __tablename__ = "province_keys"

    kid: Mapped[str] = mapped_column(String(40), primary_key=True)
    province: Mapped[str] = mapped_column(String(2))
    alg: Mapped[str] = mapped_column(String(40))
    public_key_pem: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
