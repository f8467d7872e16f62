"""Password + TOTP logins for unit users and the finance administrator, with lockout.

Failures are counted per (realm, username) in the database, for names that do not exist
too, so every process sees the same count and a lockout tells nothing about which names
are real; a missing user still costs one password hash, so timing tells nothing either.
Each one-time code is accepted once: the last TOTP step used is kept with the counter.
"""

from __future__ import annotations

import hmac
import re
import time
from datetime import datetime, timedelta
from functools import lru_cache

import pyotp
from flask import current_app
from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash

from common.database import rows_changed, write_transaction
from common.timeutil import utcnow
from wallet.extensions import db
from wallet.models.unit import LoginThrottle
from wallet.refusals import Refusal
from wallet.services.bill_store import dialect_insert

CODE = re.compile(r"^\d{6}$")
STEP_SECONDS = 30


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("no-such-user-password")


def _throttle(realm: str, username: str) -> LoginThrottle:
    write_transaction(db.session)
    db.session.execute(
        dialect_insert(LoginThrottle.__table__).on_conflict_do_nothing(),
        [{"realm": realm, "username": username, "failures": 0, "totp_last_step": 0, "updated_at": utcnow()}],
    )
    db.session.commit()
    row = db.session.get(LoginThrottle, (realm, username), populate_existing=True)
    assert row is not None
    return row


def _minutes_left(until: datetime) -> int:
    return max(1, int((until - utcnow()).total_seconds() + 59) // 60)


def ensure_not_locked(realm: str, username: str) -> None:
    row = _throttle(realm, username)
    if row.locked_until is not None and row.locked_until > utcnow():
        minutes = _minutes_left(row.locked_until)
        raise Refusal("account_locked", f"登录失败次数过多，该账号已暂时锁定，请 {minutes} 分钟后再试。", 429)


def _fail(realm: str, username: str, what: str) -> Refusal:
    cfg = current_app.config
    limit = cfg["LOGIN_MAX_FAILURES"]
    write_transaction(db.session)
    db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.realm == realm, LoginThrottle.username == username)
        .values(failures=LoginThrottle.failures + 1, updated_at=utcnow())
    )
    row = db.session.get(LoginThrottle, (realm, username), populate_existing=True)
    assert row is not None
    if row.failures >= limit:
        row.failures = 0
        row.locked_until = utcnow() + timedelta(seconds=cfg["LOGIN_LOCKOUT_SECONDS"])
        db.session.commit()
        minutes = _minutes_left(row.locked_until)
        return Refusal("account_locked", f"{what}。失败次数过多，该账号已锁定 {minutes} 分钟，请稍后再试。", 429)
    db.session.commit()
    return Refusal("login_failed", f"{what}，请核对后重试（还可尝试 {limit - row.failures} 次）。", 401)


def check_password(realm: str, username: str, password: str, password_hash: str | None) -> None:
    """Raise Refusal unless the name is not locked out and the password matches ``password_hash``."""
    ensure_not_locked(realm, username)
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        raise _fail(realm, username, "用户名或密码不正确")
    if not password_matches(password_hash, password):
        raise _fail(realm, username, "用户名或密码不正确")


def password_matches(stored: str, password: str) -> bool:
    """``stored`` is a werkzeug hash; a plain configured secret is compared in constant time."""
    if stored.startswith(("scrypt:", "pbkdf2:")):
        return check_password_hash(stored, password)
    return hmac.compare_digest(stored.encode(), password.encode())


def check_code(realm: str, username: str, secret: str, code: str) -> None:
    """Accept a current, not yet used TOTP code (one step of clock drift either way); then reset failures."""
    ensure_not_locked(realm, username)
    code = code.strip().replace(" ", "")
    step = _matching_step(secret, code) if CODE.match(code) else None
    write_transaction(db.session)
    used = (
        step is not None
        and rows_changed(
            db.session.execute(
                update(LoginThrottle)
                .where(
                    LoginThrottle.realm == realm,
                    LoginThrottle.username == username,
                    LoginThrottle.totp_last_step < step,
                )
                .values(totp_last_step=step)
            )
        )
        == 1
    )
    if not used:
        db.session.rollback()
        raise _fail(realm, username, "动态验证码不正确或已使用过")
    db.session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.realm == realm, LoginThrottle.username == username)
        .values(failures=0, locked_until=None, updated_at=utcnow())
    )
    db.session.commit()


def _matching_step(secret: str, code: str) -> int | None:
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // STEP_SECONDS
    for step in (now_step, now_step - 1, now_step + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None
