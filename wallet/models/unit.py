"""Unit digital accounts (单位数字账户): the unit, its users, login throttles and the credential outbox.

A unit applies, the finance department approves (which creates its first user) or rejects
it, and may later freeze, unfreeze or cancel it. ``code_claim`` holds the credit code while
the account is pending, active or frozen, so one unit cannot hold two live accounts while a
rejected or cancelled one does not block a new application.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import utcnow
from common.translatable import N_
from wallet.extensions import Model
from wallet.identity import mask_id_number, unseal

UNIT_TYPES: dict[str, str] = {
    "medical_insurance": N_("医保经办机构"),
    "insurer": N_("商业保险公司"),
    "public_institution": N_("行政事业单位"),
    "other": N_("其他"),
}
UNIT_STATES: dict[str, str] = {
    "pending": "待审核",
    "active": "正常",
    "rejected": "未通过",
    "frozen": "已冻结",
    "cancelled": "已注销",
}
CLAIMING_STATES = ("pending", "active", "frozen")
USER_ROLES: dict[str, str] = {"admin": "管理员", "clerk": "经办人"}
CONTACT_ID_PURPOSE = "unit.contact_id_number"
OUTBOX_PURPOSE = "outbox.message"


class Unit(Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    code_claim: Mapped[str | None] = mapped_column(String(18), unique=True)
    unit_type: Mapped[str] = mapped_column(String(24))
    address: Mapped[str] = mapped_column(String(200))
    legal_rep: Mapped[str] = mapped_column(String(40))
    contact_name: Mapped[str] = mapped_column(String(40))
    contact_phone: Mapped[str] = mapped_column(String(20))
    contact_id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    contact_id_hash: Mapped[str] = mapped_column(String(64))
    email: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Days from a bill's issue date within which this unit accepts it; NULL: its kind's default
    # (wallet.services.claim_periods). Residents are reminded before the window closes.
    claim_period_days: Mapped[int | None] = mapped_column(Integer)

    users: Mapped[list[UnitUser]] = relationship(back_populates="unit", order_by="UnitUser.id")

    @property
    def type_name(self) -> str:
        return UNIT_TYPES.get(self.unit_type, "其他")

    @property
    def state_name(self) -> str:
        return UNIT_STATES.get(self.state, self.state)

    @property
    def is_active(self) -> bool:
        return self.state == "active"

    @property
    def masked_contact_id(self) -> str:
        return mask_id_number(unseal(self.contact_id_enc, CONTACT_ID_PURPOSE))


class UnitUser(Model):
    """A person who signs in to a unit's workspace; the session id reads ``unit:<id>``."""

    __tablename__ = "unit_users"
    TOTP_PURPOSE = "unit_user.totp_secret"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Account lifecycle (wallet.services.unit_users): an administrator manages the unit's users;
    # a new user has no password until they open their one-time activation link.
    role: Mapped[str] = mapped_column(String(12), default="clerk", server_default="clerk")
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    activation_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    activation_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship(back_populates="users", lazy="joined", innerjoin=True)

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.unit.is_active and self.disabled_at is None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_activated(self) -> bool:
        """Whether the user has set a password (through their activation link, or seeded)."""
        return bool(self.password_hash)

    @property
    def status_name(self) -> str:
        if self.disabled_at is not None:
            return "已停用"
        return "正常" if self.is_activated else "待激活"

    @property
    def role_name(self) -> str:
        return USER_ROLES.get(self.role, self.role)

    def get_id(self) -> str:
        return f"unit:{self.id}"

    @property
    def totp_secret(self) -> str:
        return unseal(self.totp_secret_enc, self.TOTP_PURPOSE)


class LoginThrottle(Model):
    """Failed logins per username and realm (``unit``, ``finance``), and the last TOTP step used.

    Kept for unknown usernames too, so a lockout reveals nothing about which names exist;
    the last step makes each one-time code usable once.
    """

    __tablename__ = "login_throttles"

    realm: Mapped[str] = mapped_column(String(12), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OutboxMessage(Model):
    """A message to a unit (e.g. its new credentials), sealed at rest until a mailer delivers it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(100))
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def payload(self) -> dict[str, Any]:
        """The message: ``text`` always; ``username`` and ``activation_url`` for an activation link."""
        return dict(json.loads(unseal(self.body_enc, OUTBOX_PURPOSE)))
