"""Login by phone number and SMS code. The stub sends nothing; the page shows the code instead.

A code lives five minutes and allows five wrong tries; a new one can be asked for after a minute.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import select

from common.timeutil import utcnow
from identity_stub.extensions import db
from identity_stub.models import Person, SmsChallenge

CODE_LIFETIME = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5
PHONE = re.compile(r"^1[3-9][0-9]{9}$")


class SmsRefused(ValueError):
    """A step of the SMS login that cannot go on; the message tells the person what to do."""


def person_by_phone(phone: str) -> Person:
    if not PHONE.match(phone):
        raise SmsRefused(gettext("请输入11位手机号码。"))
    person = db.session.scalar(select(Person).where(Person.phone == phone))
    if person is None:
        raise SmsRefused(gettext("该手机号尚未在蒙速办实名注册，请核对号码，或选择下方的演示账号。"))
    return person


def _live_challenge(phone: str) -> SmsChallenge | None:
    return db.session.scalar(
        select(SmsChallenge)
        .where(
            SmsChallenge.phone == phone,
            SmsChallenge.used_at.is_(None),
            SmsChallenge.expires_at > utcnow(),
            SmsChallenge.attempts < MAX_ATTEMPTS,
        )
        .order_by(SmsChallenge.id.desc())
        .limit(1)
    )


def send_code(phone: str) -> SmsChallenge:
    """A new code for ``phone``, or the one sent less than a minute ago."""
    person_by_phone(phone)
    live = _live_challenge(phone)
    if live is not None and live.created_at > utcnow() - RESEND_AFTER:
        return live
    challenge = SmsChallenge(phone=phone, code=f"{secrets.randbelow(10**6):06d}", expires_at=utcnow() + CODE_LIFETIME)
    db.session.add(challenge)
    db.session.commit()
    return challenge


def verify_code(phone: str, code: str) -> Person:
    """The person whose phone received ``code``; each wrong try is counted."""
    person = person_by_phone(phone)
    challenge = _live_challenge(phone)
    if challenge is None:
        raise SmsRefused(gettext("验证码已失效，请重新获取。"))
    if not secrets.compare_digest(challenge.code, code.strip()):
        challenge.attempts += 1
        db.session.commit()
        left = MAX_ATTEMPTS - challenge.attempts
        if not left:
            raise SmsRefused(gettext("验证码错误次数过多，请重新获取。"))
        raise SmsRefused(gettext("验证码不正确，还可再试%(left)s次。", left=left))
    challenge.used_at = utcnow()
    db.session.commit()
    return person
