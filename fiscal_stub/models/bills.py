"""A bill: its immutable signed document plus the status its issuing province keeps for it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model


class Bill(Model):
    __tablename__ = "bill"
    __table_args__ = (
        UniqueConstraint("code", "number"),
        Index("ix_bill_payer_change", "payer_id_number", "last_event_id"),
        Index("ix_bill_issuer_issued", "issuer_code", "issued_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(10))
    check_code: Mapped[str] = mapped_column(String(6))
    province: Mapped[str] = mapped_column(String(2))
    type_key: Mapped[str] = mapped_column(String(30))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issue_date: Mapped[str] = mapped_column(String(8))
    total: Mapped[int] = mapped_column(BigInteger)
    payer_id_number: Mapped[str] = mapped_column(String(18))
    payer_name: Mapped[str] = mapped_column(String(60))
    issuer_code: Mapped[str] = mapped_column(String(18))
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    sig_alg: Mapped[str] = mapped_column(String(40))
    sig_kid: Mapped[str] = mapped_column(String(20))
    sig_value: Mapped[str] = mapped_column(Text)
    issuance: Mapped[str] = mapped_column(String(16), default="normal")
    original_code: Mapped[str | None] = mapped_column(String(8))
    original_number: Mapped[str | None] = mapped_column(String(10))
    red_code: Mapped[str | None] = mapped_column(String(8))
    red_number: Mapped[str | None] = mapped_column(String(10))
    exchanged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lock_unit_code: Mapped[str | None] = mapped_column(String(40))
    lock_unit_name: Mapped[str | None] = mapped_column(String(100))
    lock_platform: Mapped[str | None] = mapped_column(String(2))
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimable: Mapped[int] = mapped_column(BigInteger)  # common.claimable: what the person bore
    reimbursed: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    last_event_id: Mapped[int] = mapped_column(BigInteger)
    verify_count: Mapped[int] = mapped_column(Integer, default=0)
    # 自动核销 (fiscal_stub.supervision): None until its cycle is submitted, then written_off | abnormal | violation.
    writeoff: Mapped[str | None] = mapped_column(String(12))

    @property
    def is_red(self) -> bool:
        return self.original_code is not None


class FeedbackRecord(Model):
    """One reimbursement unit's report on a bill; the serial (业务流水号) makes it idempotent."""

    __tablename__ = "feedback_record"
    __table_args__ = (UniqueConstraint("bill_id", "serial"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(40))
    unit_name: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(2))
    serial: Mapped[str] = mapped_column(String(64))
    voucher: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    result: Mapped[str] = mapped_column(String(16))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
