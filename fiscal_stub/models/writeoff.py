"""After issuance (事后): each bill's write-off outcome, and the finance department's rectification notices."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model


class WriteOffLine(Model):
    """One bill of a submitted cycle: what it should have brought in, what arrived, and how it was decided.

    ``state`` mirrors ``Bill.writeoff``; ``problem`` says why reconciliation found it
    inconsistent (empty for a bill that agreed).
    """

    __tablename__ = "writeoff_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("writeoff_cycle.id"), index=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), unique=True)
    expected: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(12))  # written_off | abnormal | violation
    problem: Mapped[str] = mapped_column(Text, default="")
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("rectification_notice.id"), index=True)
    decided_by: Mapped[str] = mapped_column(String(60), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RectificationNotice(Model):
    """整改通知: bills the finance department marked 违规, what to put right, and by when.

    ``open`` until the unit reports what it did (``reported``); ``rectified`` once the
    finance department accepts the report. Still not rectified on ``deadline`` (three months
    after issue), it suspends the unit's allocation of numbers.
    """

    __tablename__ = "rectification_notice"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("writeoff_cycle.id"))
    text: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(60))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | reported | rectified
    report: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str] = mapped_column(String(60), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
