"""Unit accounts (the bill administrator's login) and finance officers: opening, passwords, signing in."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from common.database import DbSession, write_transaction
from fiscal_stub.models import FinanceOfficer, IssuingUnit, UnitAccount
from fiscal_stub.models.accounts import ISSUING_MODES, ONLINE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision.audit import Actor, record

PHONE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# Checked against when nobody matches, so a wrong unit code costs as long as a wrong password.
_NOBODY = generate_password_hash("no-such-account")


def password_problem(password: str, again: str | None = None) -> str | None:
    """Why a new password is refused (in Chinese), or None."""
    if not 8 <= len(password) <= 64:
        return "密码应为8至64位。"
    if not (re.search(r"[A-Za-z]", password) and re.search(r"[0-9]", password)):
        return "密码应同时包含字母和数字。"
    if again is not None and again != password:
        return "两次输入的密码不一致。"
    return None


def mask_phone(phone: str) -> str:
    """``13847100123`` → ``138****0123``: enough for the administrator to recognise their phone."""
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else "****"


def issuing_mode(account: UnitAccount | None) -> str:
    """How a unit issues; a unit without an account issues online (numbers at issuance)."""
    return account.issuing_mode if account is not None else ONLINE


def open_account(
    session: DbSession,
    unit: IssuingUnit,
    admin_name: str,
    admin_phone: str,
    password: str,
    mode: str,
    actor: Actor,
    now: datetime,
) -> UnitAccount:
    """Open a unit's console account for its bill administrator."""
    if mode not in ISSUING_MODES:
        raise ValueError(f"unknown issuing mode {mode!r}")
    if not PHONE.fullmatch(admin_phone):
        raise FiscalError(422, "invalid_phone", "票据管理员手机号码应为11位手机号。")
    problem = password_problem(password)
    if problem:
        raise FiscalError(422, "weak_password", problem)
    write_transaction(session)
    if session.get(UnitAccount, unit.code) is not None:
        session.rollback()
        raise FiscalError(409, "account_exists", f"{unit.name}已开通单位账号。")
    account = UnitAccount(
        unit_code=unit.code,
        admin_name=admin_name,
        admin_phone=admin_phone,
        password_hash=generate_password_hash(password),
        issuing_mode=mode,
        created_at=now,
        password_changed_at=now,
    )
    session.add(account)
    record(session, actor, "account.opened", unit.code, f"票据管理员 {admin_name}，{ISSUING_MODES[mode]}", now)
    session.commit()
    return account


def unit_login(session: DbSession, unit_code: str, password: str) -> UnitAccount | None:
    account = session.get(UnitAccount, unit_code) if unit_code else None
    if account is None:
        check_password_hash(_NOBODY, password)
        return None
    return account if check_password_hash(account.password_hash, password) else None


def set_password(account: UnitAccount, password: str, now: datetime) -> None:
    """Inside the caller's transaction (after it checked the SMS code)."""
    account.password_hash = generate_password_hash(password)
    account.password_changed_at = now


def create_officer(session: DbSession, username: str, name: str, password: str, now: datetime) -> FinanceOfficer:
    problem = password_problem(password)
    if problem:
        raise FiscalError(422, "weak_password", problem)
    write_transaction(session)
    officer = FinanceOfficer(
        username=username, name=name, password_hash=generate_password_hash(password), created_at=now
    )
    session.add(officer)
    session.commit()
    return officer


def officer_login(session: DbSession, username: str, password: str) -> FinanceOfficer | None:
    officer = session.get(FinanceOfficer, username) if username else None
    if officer is None:
        check_password_hash(_NOBODY, password)
        return None
    return officer if check_password_hash(officer.password_hash, password) else None


def accounts_by_unit(session: DbSession, codes: list[str]) -> dict[str, UnitAccount]:
    rows = session.execute(select(UnitAccount).where(UnitAccount.unit_code.in_(codes))).scalars()
    return {a.unit_code: a for a in rows}
