"""Bill number batches (核旧领新) and the monthly write-off cycles they depend on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model

APPLIED = "applied"  # 分次限量: an interface unit's batch, applied for and approved beforehand
AT_ISSUANCE = "at_issuance"  # 即领即开: the one number an online unit received as it issued


class BillBatch(Model):
    """Numbers ``first_number``…``last_number`` of one bill code, handed to one unit; ``used`` of them issued so far."""

    __tablename__ = "bill_batch"
    __table_args__ = (Index("ix_bill_batch_open", "unit_code", "code", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"))
    type_key: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(String(8))
    first_number: Mapped[int] = mapped_column(BigInteger)
    last_number: Mapped[int] = mapped_column(BigInteger)
    used: Mapped[int] = mapped_column(BigInteger, default=0)
    kind: Mapped[str] = mapped_column(String(12))
    six_month_use: Mapped[int] = mapped_column(BigInteger)  # what the batch size was checked against
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def count(self) -> int:
        return self.last_number - self.first_number + 1

    @property
    def left(self) -> int:
        return self.count - self.used


class WriteOffCycle(Model):
    """One unit's monthly write-off cycle (1st to last day); ``status`` is what the next batch waits for.

    Opened by the unit's first supervised issuance in the month. ``pending`` until the unit
    submits its reconciliation (自动核销); then ``written_off`` when every bill agreed, else
    ``abnormal`` while the finance department reviews its 异常票据, ``violation`` while bills
    marked 违规 await rectification. Only ``pending`` holds new numbers back (核旧领新).
    """

    __tablename__ = "writeoff_cycle"
    __table_args__ = (UniqueConstraint("unit_code", "period_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"))
    period_start: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | abnormal | violation | written_off
    written_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 到账金额 as the unit gave it: a typed total, or per bill from an imported CSV (JSON "code-number": fen).
    received_total: Mapped[int | None] = mapped_column(BigInteger)
    received_by_bill: Mapped[str | None] = mapped_column(Text)
    received_source: Mapped[str | None] = mapped_column(String(8))  # typed | csv
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
