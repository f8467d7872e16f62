"""Issuing units' qualification certificates (主体资质): what the 到期即锁定 rule reads."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model


class UnitCertificate(Model):
    """One certificate as recorded; a renewal is a new row, so the history stays."""

    __tablename__ = "unit_certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    credit_code: Mapped[str] = mapped_column(String(18))
    number: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)  # 有效期至: issuing is locked from this day on
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(10))  # upload | migrated (recorded before supervision began)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(String(60))
