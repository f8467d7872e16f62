"""Bill number batches under 核旧领新: every number a unit issues comes from one batch of its own.

- Interface units (接口开票) apply beforehand ("分次限量"): a batch is approved by the
  system at once when the unit may receive numbers (the guard's allocation rules) and the
  numbers it would then hold unused stay within its own use of the last six months.
- Online units (在线开票) receive each number as they issue (即领即开): a batch of one.

Numbers come from the same per-code counter as every other bill, so batches never overlap.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time

from sqlalchemy import func, select

from common.database import DbSession, write_transaction
from common.timeutil import SHANGHAI
from fiscal_stub.generator.units import types_issued_by
from fiscal_stub.models import Bill, BillBatch, IssuingUnit, UnitAccount
from fiscal_stub.models.accounts import INTERFACE
from fiscal_stub.models.batches import APPLIED, AT_ISSUANCE
from fiscal_stub.reference.bill_types import BY_KEY, BillType
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.sequences import allocate, number_counter
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.guard import locked_error, why_unit_gets_no_numbers

HISTORY_MONTHS = 6
# Where the notice is silent: a unit with less history than this may still hold this many numbers.
NEW_UNIT_ALLOWANCE = 100
MAX_BATCH = 1_000_000


def months_back(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def six_month_use(session: DbSession, unit_code: str, type_key: str, now: datetime) -> int:
    """Bills of this type the unit issued in the six calendar months up to ``now`` (red bills included)."""
    since = datetime.combine(months_back(local_day(now), HISTORY_MONTHS), time(), SHANGHAI)
    return int(
        session.execute(
            select(func.count())
            .select_from(Bill)
            .where(Bill.issuer_code == unit_code, Bill.type_key == type_key, Bill.issued_at >= since)
            .where(Bill.issued_at <= now)
        ).scalar_one()
    )


def unused_numbers(session: DbSession, unit_code: str, code: str) -> int:
    left = BillBatch.last_number - BillBatch.first_number + 1 - BillBatch.used
    total = session.execute(
        select(func.coalesce(func.sum(left), 0)).where(
            BillBatch.unit_code == unit_code, BillBatch.code == code, BillBatch.kind == APPLIED
        )
    ).scalar_one()
    return int(total)


def batch_allowance(session: DbSession, unit_code: str, bill_type: BillType, code: str, now: datetime) -> int:
    """How many numbers the unit may apply for now: its six months' use, less what it still holds unused."""
    use = max(six_month_use(session, unit_code, bill_type.key, now), NEW_UNIT_ALLOWANCE)
    return max(use - unused_numbers(session, unit_code, code), 0)


def apply_for_batch(
    session: DbSession, unit: IssuingUnit, type_key: str, count: int, actor: Actor, now: datetime
) -> BillBatch:
    """An interface unit's application, approved and recorded at once, or refused with the reason (nothing written)."""
    bill_type = BY_KEY.get(type_key)
    if bill_type is None or type_key not in types_issued_by(unit.category):
        raise FiscalError(422, "type_not_issued_by_unit", f"{unit.name}不开具这类票据，请选择本单位开具的票据种类。")
    if not 1 <= count <= MAX_BATCH:
        raise FiscalError(422, "invalid_count", f"申领数量应为 1 到 {MAX_BATCH} 之间的整数。")
    write_transaction(session)
    # The account row, locked: one unit's applications are decided one after the other (PostgreSQL).
    account = session.execute(
        select(UnitAccount).where(UnitAccount.unit_code == unit.code).with_for_update()
    ).scalar_one_or_none()
    if account is None or account.issuing_mode != INTERFACE:
        session.rollback()
        raise FiscalError(
            409, "online_unit_needs_no_batch", "在线开票单位开票时由系统自动发放票据（即领即开），无需申领。"
        )
    reasons = why_unit_gets_no_numbers(session, unit, now)
    if reasons:
        session.rollback()
        raise locked_error(unit, reasons, "申领票据", "allocation_blocked")
    code = bill_type.code_for(unit.province, local_day(now).year)
    use = six_month_use(session, unit.code, type_key, now)
    allowed = batch_allowance(session, unit.code, bill_type, code, now)
    if count > allowed:
        held = unused_numbers(session, unit.code, code)
        session.rollback()
        raise FiscalError(
            422,
            "batch_over_limit",
            f"本次最多可申领 {allowed} 份：一次领用不超过本单位6个月的使用量（近6个月开具 {use} 份"
            f"{f'，不足 {NEW_UNIT_ALLOWANCE} 份按 {NEW_UNIT_ALLOWANCE} 份计' if use < NEW_UNIT_ALLOWANCE else ''}），"
            f"尚有 {held} 份未使用。",
        )
    first = allocate(session, number_counter(code), count)
    batch = BillBatch(
        unit_code=unit.code,
        type_key=type_key,
        code=code,
        first_number=first,
        last_number=first + count - 1,
        used=0,
        kind=APPLIED,
        six_month_use=use,
        created_at=now,
    )
    session.add(batch)
    numbers = f"{first:010d}–{first + count - 1:010d}"
    detail = f"{bill_type.name} {code} 号码 {numbers}，共 {count} 份（近6个月使用 {use} 份）"
    record(session, actor, "batch.approved", unit.code, detail, now)
    session.commit()
    return batch


def take_number(session: DbSession, unit: IssuingUnit, bill_type: BillType, code: str) -> int:
    """The next unused number of the interface unit's oldest open batch of ``code``, inside the caller's transaction."""
    batch = session.execute(
        select(BillBatch)
        .where(BillBatch.unit_code == unit.code, BillBatch.code == code, BillBatch.kind == APPLIED)
        .where(BillBatch.used < BillBatch.last_number - BillBatch.first_number + 1)
        .order_by(BillBatch.id)
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    if batch is None:
        session.rollback()
        raise FiscalError(
            409, "no_numbers", f"本单位没有可用的{bill_type.name}号码（票据代码 {code}），请先申领票据（分次限量）。"
        )
    number = batch.first_number + batch.used
    batch.used += 1
    return number


def record_at_issuance(
    session: DbSession, unit: IssuingUnit, type_key: str, code: str, number: int, now: datetime
) -> None:
    """即领即开: the number an online unit just issued becomes a batch of its own."""
    session.add(
        BillBatch(
            unit_code=unit.code,
            type_key=type_key,
            code=code,
            first_number=number,
            last_number=number,
            used=1,
            kind=AT_ISSUANCE,
            six_month_use=0,
            created_at=now,
        )
    )


def batches_of(session: DbSession, unit_code: str, kind: str | None = APPLIED, limit: int = 50) -> list[BillBatch]:
    query = select(BillBatch).where(BillBatch.unit_code == unit_code).order_by(BillBatch.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(BillBatch.kind == kind)
    return list(session.execute(query).scalars())


def batches_holding(session: DbSession, code: str, number: str) -> list[BillBatch]:
    """Every batch whose range holds this bill number (exactly one for a bill issued under supervision)."""
    value = int(number)
    return list(
        session.execute(
            select(BillBatch).where(
                BillBatch.code == code, BillBatch.first_number <= value, BillBatch.last_number >= value
            )
        ).scalars()
    )
