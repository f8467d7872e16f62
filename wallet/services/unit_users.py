"""A unit's users: the administrator adds and disables them, each user changes their password.

A new user gets a one-time activation link (``wallet.services.unit_activation``), never a
password. Every change is audited in the same transaction.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from common.database import write_transaction
from common.timeutil import utcnow
from wallet.audit import record
from wallet.extensions import db
from wallet.models.unit import USER_ROLES, Unit, UnitUser
from wallet.refusals import Refusal
from wallet.services.logins import password_matches
from wallet.services.outbox import queue_message
from wallet.services.passwords import form_refusal, new_password_errors
from wallet.services.unit_activation import Invitation, activation_text, invite

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def change_password(user_id: int, current: str, new: str, again: str) -> UnitUser:
    """Replace a signed-in user's password after checking the current one; clears a forced change."""
    write_transaction(db.session)
    user = db.session.get(UnitUser, user_id, populate_existing=True)
    assert user is not None
    errors: dict[str, str] = {}
    if not current or not password_matches(user.password_hash, current):
        errors["current_password"] = "当前密码不正确，请重新输入。"
    if new and new == current:
        errors["new_password"] = "新密码不能与当前密码相同，请换一个。"
    else:
        errors.update(new_password_errors(user.username, new, again))
    if errors:
        db.session.rollback()
        raise form_refusal(errors)
    user.password_hash = generate_password_hash(new)
    forced, user.must_change_password = user.must_change_password, False
    record("unit.password_changed", user, f"unit_user:{user.id}", forced=forced)
    db.session.commit()
    return user


def add_user(admin: UnitUser, username: str, display_name: str, role: str) -> Invitation:
    """An administrator adds a user to their own unit; the activation link goes to the outbox."""
    username, display_name = username.strip().lower(), " ".join(display_name.split())
    errors: dict[str, str] = {}
    if not USERNAME.match(username):
        errors["username"] = "用户名为 3–64 位小写字母、数字或 . _ -，以字母或数字开头。"
    if not 2 <= len(display_name) <= 40:
        errors["display_name"] = "请填写姓名（2–40 个字）。"
    if role not in USER_ROLES:
        errors["role"] = "请选择角色。"
    if errors:
        raise form_refusal(errors)
    write_transaction(db.session)
    unit = db.session.get(Unit, admin.unit_id)
    assert unit is not None
    invitation = invite(unit, username, display_name, role)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        taken = "该用户名已被使用，请换一个。"
        raise Refusal("username_taken", taken, 409, {"username": taken}) from exc
    queue_message(unit, "activation", "单位数字账户用户激活通知", activation_text(unit, invitation))
    record("unit.user_added", admin, f"unit_user:{invitation.user.id}", role=role)
    db.session.commit()
    return invitation


def users_of(unit_id: int) -> list[UnitUser]:
    return list(db.session.scalars(select(UnitUser).where(UnitUser.unit_id == unit_id).order_by(UnitUser.id)))


def set_disabled(admin: UnitUser, user_id: int, disabled: bool) -> UnitUser:
    """Disable (their session ends on its next request) or re-enable a user of the admin's own unit."""
    write_transaction(db.session)
    user = db.session.get(UnitUser, user_id, populate_existing=True)
    if user is None or user.unit_id != admin.unit_id:
        db.session.rollback()
        raise Refusal.of("user_not_found")
    if user.id == admin.id:
        db.session.rollback()
        raise Refusal("own_account", "不能停用自己的账号。如需停用，请由本单位其他管理员操作。", 409)
    user.disabled_at = utcnow() if disabled else None
    record("unit.user_disabled" if disabled else "unit.user_enabled", admin, f"unit_user:{user.id}")
    db.session.commit()
    return user
