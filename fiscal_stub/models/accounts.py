"""Who signs in to the console besides the operator: issuing units' bill administrators and finance officers.

A unit's account carries what the supervision rules need about its people: the
administrator's phone (SMS codes go there), how the unit issues (接口开票 or 在线开票),
and since when a reported UKey loss holds its issuing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from fiscal_stub.extensions import Model

ONLINE = "online"  # 在线开票: numbers handed out at issuance (即领即开)
INTERFACE = "interface"  # 接口开票: numbers applied for in batches beforehand (分次限量)
ISSUING_MODES = {ONLINE: "在线开票", INTERFACE: "接口开票"}


class UnitAccount(Model):
    __tablename__ = "unit_account"

    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"), primary_key=True)
    admin_name: Mapped[str] = mapped_column(String(30))
    admin_phone: Mapped[str] = mapped_column(String(11))
    password_hash: Mapped[str] = mapped_column(String(200))
    issuing_mode: Mapped[str] = mapped_column(String(10), default=ONLINE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ukey_lost_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FinanceOfficer(Model):
    """A finance department (财政部门) officer; the username is what the audit trail names."""

    __tablename__ = "finance_officer"

    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UKey(Model):
    """A unit's digital certificate device, modelled as a registered Ed25519 public key."""

    __tablename__ = "ukey"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), unique=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # raw key, hex
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | lost
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_by: Mapped[str] = mapped_column(String(60))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lost_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UKeyEnrolment(Model):
    """A one-time code the finance department hands a unit to register its new UKey itself."""

    __tablename__ = "ukey_enrolment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UKeyChallenge(Model):
    """A login challenge already answered: its nonce is kept so the same signature cannot log in twice."""

    __tablename__ = "ukey_challenge"
    __table_args__ = (UniqueConstraint("nonce"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str] = mapped_column(String(18))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SmsCode(Model):
    """A verification code sent to an administrator's phone; stored only as a keyed hash."""

    __tablename__ = "sms_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("issuing_unit.code"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str] = mapped_column(String(11))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SmsMessage(Model):
    """The simulated SMS gateway's outbox: what a phone would have received."""

    __tablename__ = "sms_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(11))
    unit_code: Mapped[str] = mapped_column(String(18))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
