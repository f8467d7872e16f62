"""UKeys: registering a unit's key, reporting one lost, and logging in by signing a challenge.

Reporting a loss (after an SMS code to the administrator's phone) marks the unit's keys
lost and locks its issuing; the lock lifts when the unit logs in with a key registered
after the loss — registered by the finance department, or by the unit itself with a
one-time enrolment code the finance department issued.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from common.database import DbSession, write_transaction
from common.timeutil import to_local
from fiscal_stub.models import IssuingUnit, UKey, UKeyChallenge, UKeyEnrolment, UnitAccount
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision.accounts import mask_phone
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.reasons import Reason, UnitContext
from fiscal_stub.supervision.sms import consume_code, logged, queue
from fiscal_stub.supervision.ukey_device import login_message

CHALLENGE_TTL = timedelta(minutes=5)
ENROLMENT_TTL = timedelta(hours=72)
ENROLMENT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def public_key_of(text: str) -> bytes:
    """The raw 32-byte Ed25519 key from a PEM block or 64 hex digits; ValueError with a Chinese message."""
    value = text.strip()
    try:
        if value.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(value.encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                raise ValueError
            return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        raw = bytes.fromhex(value)
        Ed25519PublicKey.from_public_bytes(raw)
        return raw
    except (ValueError, UnicodeEncodeError):
        raise ValueError("UKey 公钥格式不正确：请粘贴 UKey 导出的 Ed25519 公钥（PEM 格式或64位十六进制）。") from None


def serial_of(public_raw: bytes) -> str:
    return "UK" + hashlib.sha256(public_raw).hexdigest()[:12].upper()


def keys_of(session: DbSession, unit_code: str) -> list[UKey]:
    return list(session.execute(select(UKey).where(UKey.unit_code == unit_code).order_by(UKey.id.desc())).scalars())


def _add_key(session: DbSession, unit: IssuingUnit, public_raw: bytes, actor: Actor, how: str, now: datetime) -> UKey:
    serial = serial_of(public_raw)
    if session.execute(select(UKey.id).where(UKey.serial == serial)).first() is not None:
        session.rollback()
        raise FiscalError(409, "ukey_exists", "这个 UKey 已经登记过，请换一个新的 UKey。")
    key = UKey(
        serial=serial,
        unit_code=unit.code,
        public_key=public_raw.hex(),
        status="active",
        registered_at=now,
        registered_by=f"{actor.kind}:{actor.id}",
    )
    session.add(key)
    record(session, actor, "ukey.registered", unit.code, f"UKey {serial}（{how}）", now)
    return key


def register_key(session: DbSession, unit: IssuingUnit, public_raw: bytes, officer: Actor, now: datetime) -> UKey:
    """The finance department registers a unit's new UKey."""
    write_transaction(session)
    key = _add_key(session, unit, public_raw, officer, "财政部门登记", now)
    session.commit()
    return key


def _enrolment_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def issue_enrolment(session: DbSession, unit: IssuingUnit, officer: Actor, now: datetime) -> str:
    """Text a one-time enrolment code to the unit's administrator; earlier unused codes stop working.

    The officer never sees the code: it goes to the administrator's phone, like every other
    code here. Returns the masked phone.
    """
    code = "-".join("".join(secrets.choice(ENROLMENT_ALPHABET) for _ in range(4)) for _ in range(3))
    write_transaction(session)
    account = session.get(UnitAccount, unit.code)
    if account is None:
        session.rollback()
        raise FiscalError(409, "no_account", f"{unit.name}还没有开通单位账号，无法发送登记码。")
    for old in session.execute(
        select(UKeyEnrolment).where(UKeyEnrolment.unit_code == unit.code, UKeyEnrolment.used_at.is_(None))
    ).scalars():
        old.expires_at = min(old.expires_at, now)
    session.add(
        UKeyEnrolment(
            unit_code=unit.code,
            code_hash=_enrolment_digest(code),
            created_by=officer.id,
            created_at=now,
            expires_at=now + ENROLMENT_TTL,
        )
    )
    record(session, officer, "ukey.enrolment_issued", unit.code, "短信发送，有效期72小时，仅可使用一次", now)
    text = f"【财政电子票据】UKey 登记码 {code}，72小时内有效，仅可使用一次：在单位控制台“登记新UKey”中填写。"
    queue(session, account, text, now)
    session.commit()
    logged(account, text)
    return mask_phone(account.admin_phone)


def enrol_with_code(session: DbSession, unit: IssuingUnit, code: str, public_raw: bytes, now: datetime) -> UKey:
    """The unit registers its new UKey itself with the enrolment code; the code is then used up."""
    write_transaction(session)
    entry = session.execute(
        select(UKeyEnrolment)
        .where(UKeyEnrolment.unit_code == unit.code, UKeyEnrolment.code_hash == _enrolment_digest(code.strip().upper()))
        .with_for_update()
    ).scalar_one_or_none()
    if entry is None or entry.used_at is not None or entry.expires_at <= now:
        session.rollback()
        raise FiscalError(400, "enrolment_code_invalid", "登记码不正确、已使用或已过期，请向财政部门重新申请。")
    entry.used_at = now
    key = _add_key(session, unit, public_raw, Actor.unit(unit.code), "单位凭登记码登记", now)
    session.commit()
    return key


def report_lost(session: DbSession, account: UnitAccount, sms_code: str, secret: str, now: datetime) -> int:
    """Report the unit's UKeys lost (after the SMS code checks); issuing is locked from now. Returns how many."""
    consume_code(session, account.unit_code, "report_ukey_loss", sms_code, secret, now)
    keys = (
        session.execute(select(UKey).where(UKey.unit_code == account.unit_code, UKey.status == "active"))
        .scalars()
        .all()
    )
    for key in keys:
        key.status, key.lost_at = "lost", now
    locked = session.get(UnitAccount, account.unit_code)
    assert locked is not None
    locked.ukey_lost_at = now
    serials = "、".join(k.serial for k in keys) or "（无在用UKey）"
    record(session, Actor.unit(account.unit_code), "ukey.reported_lost", account.unit_code, serials, now)
    session.commit()
    return len(keys)


def _mac(secret: str, body: str) -> str:
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]


def new_challenge(unit_code: str, secret: str, now: datetime) -> str:
    """A signed, time-stamped challenge for ``unit_code``: nothing is stored until it is answered."""
    body = f"{unit_code}.{int(now.timestamp())}.{secrets.token_hex(8)}"
    return f"{body}.{_mac(secret, body)}"


def _challenge_nonce(unit_code: str, challenge: str, secret: str, now: datetime) -> str:
    parts = "".join(challenge.split()).split(".")
    if len(parts) != 4 or not hmac.compare_digest(parts[3], _mac(secret, ".".join(parts[:3]))):
        raise FiscalError(400, "challenge_invalid", "挑战码无效，请刷新页面获取新的挑战码。")
    if parts[0] != unit_code:
        raise FiscalError(400, "challenge_invalid", "挑战码不属于本单位，请刷新页面获取新的挑战码。")
    issued = int(parts[1])
    if not 0 <= now.timestamp() - issued <= CHALLENGE_TTL.total_seconds():
        raise FiscalError(400, "challenge_expired", "挑战码已过期（5分钟），请刷新页面重新签名。")
    return parts[2]


def login_with_key(
    session: DbSession, unit_code: str, challenge: str, serial: str, signature: str, secret: str, now: datetime
) -> UKey:
    """Check the UKey's signature over the challenge; a new key lifts a loss lock. Each challenge works once."""
    nonce = _challenge_nonce(unit_code, challenge, secret, now)
    write_transaction(session)
    key = session.execute(
        select(UKey).where(UKey.unit_code == unit_code, UKey.serial == serial.strip().upper())
    ).scalar_one_or_none()
    if key is None:
        session.rollback()
        raise FiscalError(403, "ukey_unknown", "这个 UKey 没有登记在本单位名下，请先由财政部门登记或使用登记码登记。")
    if key.status != "active":
        session.rollback()
        raise FiscalError(403, "ukey_lost", "这个 UKey 已挂失，不能再登录，请使用新的 UKey。")
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key)).verify(
            base64.b64decode(signature.strip(), validate=True), login_message(unit_code, challenge)
        )
    except (InvalidSignature, ValueError, binascii.Error):
        session.rollback()
        message = "UKey 签名验证失败，请确认插入的是本单位的 UKey 后重试。"
        raise FiscalError(403, "ukey_signature_invalid", message) from None
    session.add(UKeyChallenge(nonce=nonce, unit_code=unit_code, used_at=now))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise FiscalError(409, "challenge_used", "这个挑战码已经用过，请刷新页面重新签名。") from None
    key.last_login_at = now
    account = session.get(UnitAccount, unit_code)
    lifted = account is not None and account.ukey_lost_at is not None and key.registered_at >= account.ukey_lost_at
    if lifted and account is not None:
        account.ukey_lost_at = None
    detail = f"UKey {key.serial}" + ("，解除挂失锁定" if lifted else "")
    record(session, Actor.unit(unit_code), "ukey.login", unit_code, detail, now)
    session.commit()
    return key


def lock_reason(ctx: UnitContext) -> Reason | None:
    """A reported UKey loss locks issuing until a new key logs in (a rule of the issuing guard)."""
    if ctx.account is None or ctx.account.ukey_lost_at is None:
        return None
    when = to_local(ctx.account.ukey_lost_at)
    return Reason(
        "ukey_lost",
        f"本单位 UKey 已于 {when:%Y-%m-%d %H:%M} 挂失，开票功能已锁定。",
        "请由财政部门登记新 UKey（或凭财政部门发放的登记码自行登记），用新 UKey 登录后即解除锁定。",
    )
