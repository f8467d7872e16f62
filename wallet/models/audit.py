"""The audit log: append-only entries, each chained by SHA-256 to the one before.

Entries hold ids, masked values and keyed hashes only — never a readable name or ID
number — so the log can outlive a deactivated account without keeping personal data.
Ids are assigned by the appender under a lock (not by the database), gapless from 1,
so a missing id is itself evidence of a deleted entry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from wallet.extensions import Model


class AuditEntry(Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_action_at", "action", "at"),
        Index("ix_audit_entries_actor", "actor_kind", "actor_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(48))
    subject: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditVerification(Model):
    """One run of the chain check, kept so the console can say when it was last verified, by whom, and how.

    A run walks entries ``1..up_to`` (the head when it began) in slices; ``last_id`` and
    ``last_hash`` are where the next slice starts, so a long chain never holds one request.
    """

    __tablename__ = "audit_verifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    started_by: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(12))  # running | intact | broken | stopped
    up_to: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    heads_checked: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fault_kind: Mapped[str] = mapped_column(String(24), default="")
    fault_id: Mapped[int | None] = mapped_column(Integer)
    fault_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fault_text: Mapped[str] = mapped_column(String(400), default="")
