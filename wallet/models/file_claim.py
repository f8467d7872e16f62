"""File-mode claims (文件报销): a bill a unit verified itself, from a layout PDF or the five elements.

No resident authorized it, so there is no wallet ``bills`` row to hang it on: the claim keeps
its own copy of what the signed document says (the signed bytes sit in ``bill_documents``,
shared with the wallets) and of the status the network last served. ``bill`` returns the claim
itself, so the policy and the reimbursement service read a file claim exactly as they read an
authorization's bill. States and their names match the authorization's, except that the open,
unlocked state reads 已受理. ``open_key`` is set while the claim is open, so the database
refuses a unit taking the same bill in twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from common.columns import UTCDateTime
from common.timeutil import utcnow
from wallet.extensions import db
from wallet.models.authorization import STATE_NAMES
from wallet.models.bill import BillDocument
from wallet.models.unit import Unit

FILE_STATE_NAMES = {**STATE_NAMES, "authorized": "已受理"}
MODE_NAME = "文件报销"


class FileClaim(db.Model):
    __tablename__ = "file_claims"
    __table_args__ = (
        Index("ix_file_claims_unit_state", "unit_id", "state", "created_at"),
        Index("ix_file_claims_code_number", "code", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    code: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(10))
    check_code: Mapped[str] = mapped_column(String(6))
    type_key: Mapped[str] = mapped_column(String(40))
    type_name: Mapped[str] = mapped_column(String(60))
    issuer_name: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    total: Mapped[int] = mapped_column(BigInteger)
    claimable: Mapped[int] = mapped_column(BigInteger)  # common.claimable, as on Bill
    signature_alg: Mapped[str] = mapped_column(String(40))
    signature_kid: Mapped[str] = mapped_column(String(40))
    signature_value: Mapped[str] = mapped_column(Text)
    verified_by: Mapped[str] = mapped_column(String(16))
    issuance: Mapped[str] = mapped_column(String(20))
    reimbursement: Mapped[str] = mapped_column(String(24))
    reimbursed_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    status_json: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(12), default="authorized")
    open_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    claim_ref: Mapped[str] = mapped_column(String(64), default="")
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

    # The reimbursement service closes every kind of claim by clearing ``open_bill_id``.
    open_bill_id = synonym("open_key")

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    document: Mapped[BillDocument] = relationship(
        primaryjoin="and_(FileClaim.code == foreign(BillDocument.code), "
                    "FileClaim.number == foreign(BillDocument.number))",
        viewonly=True, lazy="select", uselist=False,
    )

    @staticmethod
    def key_of(unit_id: int, code: str, number: str) -> str:
        return f"{unit_id}:{code}{number}"

    @property
    def bill(self) -> "FileClaim":
        return self

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def canonical(self) -> bytes:
        return self.document.canonical

    @property
    def state_name(self) -> str:
        return FILE_STATE_NAMES.get(self.state, self.state)

    @property
    def mode_name(self) -> str:
        return MODE_NAME
