"""SMS verification codes sent to a unit's bill administrator, through a simulated gateway.

The gateway is this stub's outbox: each message is stored (the development outbox page
reads it) and logged, and the code never travels in any HTTP response. A code lives five
minutes, works once, and is given up after five wrong tries; a new one may be asked for
after a minute. Only a keyed hash of the code is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from common.database import DbSession, write_transaction
from fiscal_stub.models import SmsCode, SmsMessage, UnitAccount
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision.accounts import mask_phone

log = logging.getLogger("fiscal_stub.sms")

CODE_TTL = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
PURPOSES = {"reset_password": "重置登录密码", "report_ukey_loss": "挂失UKey"}


def _digest(secret: str, unit_code: str, purpose: str, code: str) -> str:
    message = f"{unit_code}:{purpose}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def send_code(session: DbSession, account: UnitAccount, purpose: str, secret: str, now: datetime) -> str:
    """Text a fresh code to the administrator's phone; returns the masked phone to show (never the code)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown SMS purpose {purpose!r}")
    write_transaction(session)
    latest = session.execute(
        select(SmsCode)
        .where(SmsCode.unit_code == account.unit_code, SmsCode.purpose == purpose)
        .order_by(SmsCode.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is not None and latest.created_at + RESEND_AFTER > now:
        wait = int((latest.created_at + RESEND_AFTER - now).total_seconds()) + 1
        session.rollback()
        raise FiscalError(429, "sms_too_soon", f"验证码已发送，请 {wait} 秒后再重新获取。")
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        SmsCode(
            unit_code=account.unit_code,
            purpose=purpose,
            phone=account.admin_phone,
            code_hash=_digest(secret, account.unit_code, purpose, code),
            created_at=now,
            expires_at=now + CODE_TTL,
            attempts=0,
        )
    )
    text = f"【财政电子票据】验证码 {code}，用于{PURPOSES[purpose]}，5分钟内有效。如非本人操作，请忽略并联系财政部门。"
    queue(session, account, text, now)
    session.commit()
    logged(account, text)
    return mask_phone(account.admin_phone)


def queue(session: DbSession, account: UnitAccount, text: str, now: datetime) -> None:
    """Put a message to the administrator's phone in the outbox, inside the caller's transaction."""
    session.add(SmsMessage(phone=account.admin_phone, unit_code=account.unit_code, text=text, sent_at=now))


def logged(account: UnitAccount, text: str) -> None:
    """The gateway's log line, once the transaction that sent the message has committed."""
    log.info("SMS to %s (unit %s): %s", account.admin_phone, account.unit_code, text)


def consume_code(session: DbSession, unit_code: str, purpose: str, code: str, secret: str, now: datetime) -> None:
    """Use up the latest code for ``purpose`` inside a write transaction the caller then finishes.

    A wrong code counts one try (that is committed, so tries cannot be had for free) and
    raises; an expired, used or exhausted code raises without a change.
    """
    write_transaction(session)
    row = session.execute(
        select(SmsCode)
        .where(SmsCode.unit_code == unit_code, SmsCode.purpose == purpose)
        .order_by(SmsCode.id.desc())
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None or row.used_at is not None:
        session.rollback()
        raise FiscalError(400, "sms_code_missing", "请先获取短信验证码。")
    if row.expires_at <= now:
        session.rollback()
        raise FiscalError(400, "sms_code_expired", "短信验证码已过期，请重新获取。")
    if row.attempts >= MAX_ATTEMPTS:
        session.rollback()
        raise FiscalError(400, "sms_code_exhausted", "验证码错误次数过多，已失效，请重新获取。")
    expected = row.code_hash
    if not hmac.compare_digest(expected, _digest(secret, unit_code, purpose, code.strip())):
        row.attempts += 1
        left = MAX_ATTEMPTS - row.attempts
        session.commit()
        if left <= 0:
            raise FiscalError(400, "sms_code_exhausted", "验证码错误次数过多，已失效，请重新获取。")
        raise FiscalError(400, "sms_code_wrong", f"短信验证码不正确，还可以再试 {left} 次。")
    row.used_at = now


def outbox(session: DbSession, limit: int = 50) -> list[SmsMessage]:
    """The latest messages the simulated gateway sent, newest first."""
    return list(session.execute(select(SmsMessage).order_by(SmsMessage.id.desc()).limit(limit)).scalars())
