"""Provinces, their signing keys, and the units that issue bills in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model


class Province(Model):
    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


class SigningKey(Model):
    """A province's key pair. The private half stays here so restarts keep signing with it."""

    __tablename__ = "signing_key"
    __table_args__ = (UniqueConstraint("province", "seq"),)

    kid: Mapped[str] = mapped_column(String(20), primary_key=True)
    province: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    alg: Mapped[str] = mapped_column(String(40))
    private_pem: Mapped[str] = mapped_column(Text)
    public_pem: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IssuingUnit(Model):
    __tablename__ = "issuing_unit"

    code: Mapped[str] = mapped_column(String(18), primary_key=True)
    province: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(20))
