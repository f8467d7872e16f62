"""A unit's users: the administrator adds and disables them, each user sets and changes a password.

No password ever travels in a message. A new user — the first administrator at approval, or
one an administrator adds — gets a one-time activation link, valid ``ACTIVATION_HOURS``: the
token is random, only its SHA-256 is stored, and opening it lets the person choose a
password and enrol their own TOTP key. Every change is audited in the same transaction.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from common.database import write_transaction
from common.timeutil import as_utc, utcnow
from wallet.audit import record
from wallet.extensions import db
from wallet.identity import seal
from wallet.models.unit import USER_ROLES, Unit, UnitUser
from wallet.services.logins import password_matches
from wallet.services.outbox import queue_message

ACTIVATION_HOURS = 72
ACTIVATION_PATH = "/unit/activate/"  # the route of wallet.unit.activate
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
PASSWORD_MIN = 10
PASSWORD_RULE = f"密码至少 {PASSWORD_MIN} 位，并包含大写字母、小写字母、数字、符号中的至少三类，且不能包含用户名。"


class UserRefused(Exception):
    """A refused change; ``errors`` names the form field each Chinese message belongs to."""

    def __init__(self, errors: dict[str, str], status: int = 422) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
        self.status = status


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` is too weak for ``username``, or None."""
    classes = sum(bool(re.search(p, password)) for p in (r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z0-9]"))
    if not PASSWORD_MIN <= len(password) <= 128 or classes < 3:
        return PASSWORD_RULE
    if len(username) >= 3 and username.lower() in password.lower():
        return "密码不能包含用户名，请换一个。"
    return None


def new_password_errors(user: UnitUser, new: str, again: str) -> dict[str, str]:
    """The problems of a chosen password and its repetition, by form field."""
    problem = password_problem(new, user.username)
    if problem:
        return {"new_password": problem}
    if new != again:
        return {"new_password_again": "两次输入的新密码不一致，请重新输入。"}
    return {}


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
        errors.update(new_password_errors(user, new, again))
    if errors:
        db.session.rollback()
        raise UserRefused(errors)
    user.password_hash = generate_password_hash(new)
    forced, user.must_change_password = user.must_change_password, False
    record("unit.password_changed", user, f"unit_user:{user.id}", forced=forced)
    db.session.commit()
    return user


@dataclass(frozen=True)
class Invitation:
    user: UnitUser
    url: str


def invite(unit: Unit, username: str, display_name: str, role: str) -> Invitation:
    """A new user of ``unit`` without a password, and their activation link (caller commits)."""
    token = secrets.token_urlsafe(32)
    user = UnitUser(unit_id=unit.id, username=username, display_name=display_name, role=role, password_hash="",
                    totp_secret_enc=seal(pyotp.random_base32(), UnitUser.TOTP_PURPOSE), created_at=utcnow(),
                    activation_token_hash=token_hash(token),
                    activation_expires_at=utcnow() + timedelta(hours=ACTIVATION_HOURS))
    db.session.add(user)
    # Built from the public base URL, not the request: approval may run outside a request.
    return Invitation(user, f"{current_app.config['WALLET_BASE_URL'].rstrip('/')}{ACTIVATION_PATH}{token}")


def activation_text(unit: Unit, invitation: Invitation) -> dict[str, str]:
    """The outbox message of an invitation: the link, never a password."""
    user = invitation.user
    return {"text": (f"{unit.name}：已为您开通单位数字账户用户 {user.username}（{user.role_name}）。"
                     f"请在 {ACTIVATION_HOURS} 小时内打开激活链接，设置密码并绑定手机验证器；链接只能使用一次。"),
            "username": user.username, "activation_url": invitation.url}


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
        raise UserRefused(errors)
    write_transaction(db.session)
    unit = db.session.get(Unit, admin.unit_id)
    assert unit is not None
    invitation = invite(unit, username, display_name, role)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise UserRefused({"username": "该用户名已被使用，请换一个。"}, 409) from exc
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
        raise UserRefused({"user": "没有找到该用户，请刷新页面。"}, 404)
    if user.id == admin.id:
        db.session.rollback()
        raise UserRefused({"user": "不能停用自己的账号。如需停用，请由本单位其他管理员操作。"}, 409)
    user.disabled_at = utcnow() if disabled else None
    record("unit.user_disabled" if disabled else "unit.user_enabled", admin, f"unit_user:{user.id}")
    db.session.commit()
    return user


def activation_problem(user: UnitUser | None) -> str | None:
    """Why a link cannot be used (Chinese, saying what to do), or None while it is good."""
    ask = "请联系本单位管理员重新添加用户；单位的第一个用户请联系财政部门。"
    if user is None:
        return "该激活链接无效。请核对链接是否完整复制；如仍无法打开，" + ask
    if user.activation_expires_at is None or user.is_activated:
        return "该激活链接已使用过，不能再次使用。请直接登录；如忘记密码，" + ask
    if as_utc(user.activation_expires_at) <= utcnow():
        return f"该激活链接已过期（有效期 {ACTIVATION_HOURS} 小时）。" + ask
    if user.disabled_at is not None or not user.unit.is_active:
        return "该账号或所属单位当前不可用，不能激活。如有疑问请联系本单位管理员或财政部门。"
    return None


def user_for_token(token: str) -> UnitUser | None:
    if not 20 <= len(token) <= 100:
        return None
    return db.session.scalar(select(UnitUser).where(UnitUser.activation_token_hash == token_hash(token)))


def activate(token: str, new: str, again: str) -> UnitUser:
    """Set the first password through a good link; the link is spent in the same transaction.

    The caller has already checked the TOTP code against the user's key, which proves the
    person enrolled it before the account becomes usable.
    """
    write_transaction(db.session)
    user = user_for_token(token)
    problem = activation_problem(user)
    if problem or user is None:
        db.session.rollback()
        raise UserRefused({"link": problem or ""}, 410)
    errors = new_password_errors(user, new, again)
    if errors:
        db.session.rollback()
        raise UserRefused(errors)
    user.password_hash, user.must_change_password = generate_password_hash(new), False
    user.activation_expires_at = None
    record("unit.user_activated", user, f"unit_user:{user.id}")
    db.session.commit()
    return user
