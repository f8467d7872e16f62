"""One-time activation links of unit users: no password ever travels in a message.

A new user — the first administrator at approval, or one an administrator adds — gets a link
valid ``ACTIVATION_HOURS``: the token is random and only its SHA-256 is stored, so the table
alone opens nothing. Opening the link lets the person choose a password and enrol their own
TOTP key; using it spends it. An administrator (or, for a unit's first user, the finance
department) may send a fresh link to a user who has not activated yet, which voids the old one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from common.database import write_transaction
from common.timeutil import as_utc, utcnow
from wallet.audit import record
from wallet.extensions import db
from wallet.identity import seal
from wallet.models.unit import Unit, UnitUser
from wallet.refusals import Refusal
from wallet.services.outbox import queue_message
from wallet.services.passwords import form_refusal, new_password_errors

ACTIVATION_HOURS = 72
ACTIVATION_PATH = "/unit/activate/"  # the route of wallet.unit.activate


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link(user: UnitUser) -> str:
    """A fresh token for ``user`` (its hash and expiry stored on the row) and the link carrying it."""
    token = secrets.token_urlsafe(32)
    user.activation_token_hash = token_hash(token)
    user.activation_expires_at = utcnow() + timedelta(hours=ACTIVATION_HOURS)
    # Built from the public base URL, not the request: approval may run outside a request.
    return f"{current_app.config['WALLET_BASE_URL'].rstrip('/')}{ACTIVATION_PATH}{token}"


@dataclass(frozen=True)
class Invitation:
    user: UnitUser
    url: str


def invite(unit: Unit, username: str, display_name: str, role: str) -> Invitation:
    """A new user of ``unit`` without a password, and their activation link (caller commits)."""
    user = UnitUser(
        unit_id=unit.id,
        username=username,
        display_name=display_name,
        role=role,
        password_hash="",
        totp_secret_enc=seal(pyotp.random_base32(), UnitUser.TOTP_PURPOSE),
        created_at=utcnow(),
    )
    url = _link(user)
    db.session.add(user)
    return Invitation(user, url)


def activation_text(unit: Unit, invitation: Invitation) -> dict[str, str]:
    """The outbox message of an invitation: the link, never a password."""
    user = invitation.user
    return {
        "text": (
            f"{unit.name}：已为{user.display_name}开通单位数字账户（{user.role_name}），登录用户名见下。"
            f"请在 {ACTIVATION_HOURS} 小时内打开激活链接，设置密码并绑定手机验证器；链接只能使用一次。"
        ),
        "username": user.username,
        "activation_url": invitation.url,
    }


def resend(actor: Any, unit_id: int, user_id: int) -> Invitation:
    """A fresh link for a user of ``unit_id`` who has not activated yet; the old link stops working."""
    write_transaction(db.session)
    user = db.session.get(UnitUser, user_id, populate_existing=True)
    if user is None or user.unit_id != unit_id:
        db.session.rollback()
        raise Refusal.of("user_not_found")
    if user.is_activated or user.disabled_at is not None:
        db.session.rollback()
        raise Refusal("no_link_needed", "该用户已激活或已停用，不需要激活链接。", 409)
    invitation = Invitation(user, _link(user))
    queue_message(
        user.unit, "activation", "单位数字账户用户激活通知（重新发送）", activation_text(user.unit, invitation)
    )
    record("unit.activation_resent", actor, f"unit_user:{user.id}")
    db.session.commit()
    return invitation


def activation_problem(user: UnitUser | None) -> str | None:
    """Why a link cannot be used (Chinese, saying what to do), or None while it is good."""
    ask = "请联系本单位管理员重新发送激活链接；单位的第一个用户请联系财政部门。"
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
        raise Refusal("link_unusable", problem or "", 410)
    errors = new_password_errors(user.username, new, again)
    if errors:
        db.session.rollback()
        raise form_refusal(errors)
    user.password_hash, user.must_change_password = generate_password_hash(new), False
    user.activation_expires_at = None
    record("unit.user_activated", user, f"unit_user:{user.id}")
    db.session.commit()
    return user
