"""Unit digital accounts: application and the finance department's decisions.

Approval creates the account's first user, its administrator, without a password, and puts
a one-time activation link in the outbox (sealed at rest), which a mailer — or, here, the
finance page and the tests — reads. Every decision runs in one write transaction on the
locked unit row, so two administrators clicking at once cannot both decide.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pyotp
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from common.database import write_transaction
from common.timeutil import utcnow
from wallet.audit import record
from wallet.extensions import db
from wallet.identity import lookup_hash, seal
from wallet.models.unit import CLAIMING_STATES, CONTACT_ID_PURPOSE, Unit, UnitUser
from wallet.refusals import Refusal
from wallet.services import unit_closure
from wallet.services.outbox import latest, queue_message
from wallet.services.unit_activation import activation_text, invite
from wallet.services.unit_forms import UnitApplication

TOTP_ISSUER = "票据夹单位数字账户"
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "approve": (("pending",), "active"),
    "reject": (("pending",), "rejected"),
    "freeze": (("active",), "frozen"),
    "unfreeze": (("frozen",), "active"),
    "cancel": (("active", "frozen"), "cancelled"),
}


def unit_from_application(app: UnitApplication, state: str, at: datetime) -> Unit:
    """The unit as applied for, its contact's ID number sealed and hashed like every ID number."""
    return Unit(
        name=app.name,
        credit_code=app.credit_code,
        code_claim=app.credit_code,
        unit_type=app.unit_type,
        address=app.address,
        legal_rep=app.legal_rep,
        contact_name=app.contact_name,
        contact_phone=app.contact_phone,
        contact_id_enc=seal(app.contact_id, CONTACT_ID_PURPOSE),
        contact_id_hash=lookup_hash(app.contact_id),
        email=app.email,
        state=state,
        applied_at=at,
        updated_at=at,
    )


def submit_application(app: UnitApplication) -> Unit:
    write_transaction(db.session)
    unit = unit_from_application(app, "pending", utcnow())
    db.session.add(unit)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        applied = "该统一社会信用代码已有单位账户或申请正在审核中，无需重复申请。如需帮助请联系财政部门。"
        raise Refusal("already_applied", applied, 409, {"credit_code": applied}) from exc
    return unit


def otpauth_uri(username: str, secret: str, issuer: str = TOTP_ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def add_user(
    unit: Unit, username: str, password: str, totp_secret: str, display_name: str, role: str = "admin"
) -> UnitUser:
    """A user with a known password and TOTP key (the development demo units)."""
    user = UnitUser(
        unit_id=unit.id,
        username=username,
        display_name=display_name,
        role=role,
        password_hash=generate_password_hash(password),
        totp_secret_enc=seal(totp_secret, UnitUser.TOTP_PURPOSE),
        created_at=utcnow(),
    )
    db.session.add(user)
    return user


def _free_username(credit_code: str) -> str:
    base = credit_code.lower()
    taken = set(db.session.scalars(select(UnitUser.username).where(UnitUser.username.like(f"{base}%"))))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 1000) if f"{base}-{n}" not in taken)


def decide(unit_id: int, action: str, note: str = "") -> Unit:
    """Apply one finance decision (``TRANSITIONS``) to a unit; approval also invites its administrator."""
    allowed_from, target = TRANSITIONS[action]
    write_transaction(db.session)
    unit = db.session.scalar(
        select(Unit).where(Unit.id == unit_id).with_for_update().execution_options(populate_existing=True)
    )
    if unit is None:
        db.session.rollback()
        raise Refusal("unit_not_found", "没有找到该单位。", 404)
    if unit.state not in allowed_from:
        db.session.rollback()
        raise Refusal(
            "unit_state", f"该单位当前状态为“{unit.state_name}”，不能进行此操作。请刷新页面查看最新状态。", 409
        )
    unit.state, unit.decided_at, unit.updated_at = target, utcnow(), utcnow()
    unit.decision_note = note[:200] or None
    unit.code_claim = unit.credit_code if target in CLAIMING_STATES else None
    if action == "approve":
        invitation = invite(unit, _free_username(unit.credit_code), unit.contact_name, "admin")
        queue_message(unit, "activation", "单位数字账户开通通知", activation_text(unit, invitation))
    else:
        text = {
            "reject": f"您单位的数字账户申请未通过审核。原因：{note}。请按原因修改后重新申请。",
            "freeze": f"您单位的数字账户已被冻结，冻结期间不能进行任何操作。原因：{note}。",
            "unfreeze": "您单位的数字账户已解除冻结，可以正常使用。",
            "cancel": f"您单位的数字账户已注销。原因：{note}。",
        }[action]
        queue_message(unit, action, f"单位数字账户{unit.state_name}通知", {"text": text})
    if action == "cancel":
        unit_closure.release_claims(unit.id, utcnow())
    record(f"finance.{action}", "finance:1", f"unit:{unit.id}", state=target, note=note[:200])
    db.session.commit()
    return unit


def units_in_state(state: str) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.state == state).order_by(Unit.applied_at)))


def all_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.state, Unit.name)))


def activation_for(unit_id: int) -> dict[str, Any] | None:
    """The latest activation message of a unit: its username and one-time link."""
    return latest(unit_id, "activation")


def record_login(user_id: int) -> None:
    write_transaction(db.session)
    db.session.execute(update(UnitUser).where(UnitUser.id == user_id).values(last_login_at=utcnow()))
    db.session.commit()


def count_units() -> int:
    return int(db.session.scalar(select(func.count(Unit.id))) or 0)
