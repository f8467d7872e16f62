"""Status events, who follows which payer, counters, and injected faults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model


class StatusEvent(Model):
    """One change of one bill. Ids come from the ``event`` counter, so they grow in commit order."""

    __tablename__ = "status_event"
    __table_args__ = (Index("ix_status_event_payer", "payer_id_number", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(10))
    payer_id_number: Mapped[str] = mapped_column(String(18))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Subscription(Model):
    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("platform", "id_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(2))
    id_number: Mapped[str] = mapped_column(String(18))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Counter(Model):
    """Named counters (event ids, bill numbers per code); the row lock orders concurrent writers."""

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class FaultState(Model):
    """Faults a test injects; kept in the database so every server process sees the same."""

    __tablename__ = "fault_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    latency_ms: Mapped[int] = mapped_column(Integer, default=0)
    error_permille: Mapped[int] = mapped_column(Integer, default=0)
    forge_next: Mapped[bool] = mapped_column(Boolean, default=False)
    feed_down: Mapped[bool] = mapped_column(Boolean, default=False)
