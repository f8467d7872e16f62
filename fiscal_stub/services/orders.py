"""An issuing unit's order for a new bill (from the issuer API or console), turned into a draft."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from common.database import DbSession
from common.timeutil import to_local
from fiscal_stub.generator.content import Content, add_medical, make_content, with_standard_fields
from fiscal_stub.generator.units import types_issued_by
from fiscal_stub.models import IssuingUnit
from fiscal_stub.reference.bill_types import BY_KEY, BillType
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.minting import Draft, new_check_code


@dataclass
class IssueOrder:
    type_key: str
    payer_type: str
    payer_name: str
    payer_id_number: str
    amount: int
    unit_code: str = ""
    province: str = "15"
    items: list[dict[str, Any]] | None = None
    remark: str = ""
    handler: str = ""
    issue_date: date | None = None  # 开票日期 when the unit states one; else the day it is issued


def catalog_item(bill_type: BillType, name: str) -> tuple[str, str]:
    """Item code and unit for a named item, from the type's catalogue when it lists the name."""
    for kind in bill_type.items:
        if kind.name == name:
            return kind.code, kind.unit
    return "9999", "项"


def issuing_unit(session: DbSession, bill_type: BillType, unit_code: str, province: str) -> IssuingUnit:
    if unit_code:
        unit = session.get(IssuingUnit, unit_code)
        if unit is None:
            raise FiscalError(404, "unit_not_found", "没有这个开票单位，请核对单位代码。")
        if bill_type.key not in types_issued_by(unit.category):
            raise FiscalError(
                422, "type_not_issued_by_unit", f"{unit.name}不开具{bill_type.name}，请换一个票据种类或开票单位。"
            )
        return unit
    unit = session.execute(
        select(IssuingUnit)
        .where(IssuingUnit.province == province, IssuingUnit.category.in_(bill_type.issuers))
        .order_by(IssuingUnit.code)
        .limit(1)
    ).scalar_one_or_none()
    if unit is None:
        raise FiscalError(404, "unit_not_found", "该省份没有开具这类票据的单位，请先初始化财政票据网络。")
    return unit


def dated(now: datetime, day: date | None) -> datetime:
    """The moment a bill dated ``day`` is issued: ``now`` itself, or that day at the same Beijing clock time."""
    local = to_local(now)
    if day is None or day == local.date():
        return now
    return local.replace(year=day.year, month=day.month, day=day.day).astimezone(now.tzinfo)


def draft_for(session: DbSession, order: IssueOrder, now: datetime) -> Draft:
    """A draft issued now by the chosen unit; without items the amount is split realistically."""
    bill_type = BY_KEY[order.type_key]
    unit = issuing_unit(session, bill_type, order.unit_code, order.province)
    issued_at = dated(now.replace(microsecond=0), order.issue_date)
    rng = random.Random(secrets.randbits(64))
    day = to_local(issued_at).date()
    if order.items:
        medical = (
            add_medical(rng, bill_type, order.items, day, unit.level, unit.province, 1, unit.name, mark=False)
            if bill_type.medical
            else None
        )
        content = with_standard_fields(
            Content(order.amount, order.items, medical, order.remark, order.handler), day, unit.province, unit.name
        )
    else:
        content = make_content(rng, bill_type, day, unit.level, unit.province, unit.name, total=order.amount)
        content.remark = order.remark or content.remark
        content.handler = order.handler or content.handler
    return Draft(
        bill_type=bill_type,
        province=unit.province,
        issuer_code=unit.code,
        issuer_name=unit.name,
        payer_type=order.payer_type,
        payer_name=order.payer_name,
        payer_id_number=order.payer_id_number,
        issued_at=issued_at,
        check=new_check_code(),
        content=content,
    )
