"""The finance department's ad-hoc search over historical bills (人工抽查): by unit, type, payer, amount
range and issue dates, newest first, paged by a keyset cursor so a late page costs what the first does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Select, and_, or_, select

from common.checksums import resident_id_problem
from common.database import DbSession
from common.money import AmountRefused, fen_from_yuan
from fiscal_stub.models import Bill
from fiscal_stub.parsing import has_control
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.supervision.guard import SUPERVISED_PROVINCES

PAGE = 20


@dataclass(frozen=True)
class BillQuery:
    unit_code: str = ""
    type_key: str = ""
    payer: str = ""
    amount_min: int | None = None
    amount_max: int | None = None
    date_from: date | None = None
    date_to: date | None = None


class CursorRefused(ValueError):
    pass


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _amount(text: str, problems: dict[str, str], key: str) -> int | None:
    if not text:
        return None
    try:
        return fen_from_yuan(text, negative=True)
    except AmountRefused as refused:
        problems[key] = refused.message
        return None


def read_query(args: Mapping[str, str], unit_codes: set[str]) -> tuple[BillQuery, dict[str, str]]:
    """The filters as typed, and what is wrong with them field by field (in Chinese)."""
    problems: dict[str, str] = {}
    unit = args.get("unit", "").strip()
    if unit and unit not in unit_codes:
        problems["unit"] = "请从列表中选择用票单位。"
    type_key = args.get("type", "").strip()
    if type_key and type_key not in BY_KEY:
        problems["type"] = "请从列表中选择票据种类。"
    payer = args.get("payer", "").strip()
    payer = payer.upper() if payer.isascii() else payer
    if len(payer) > 60 or has_control(payer):
        problems["payer"] = "交款人请填写姓名或18位身份证号码。"
    low = _amount(args.get("amount_min", "").strip(), problems, "amount_min")
    high = _amount(args.get("amount_max", "").strip(), problems, "amount_max")
    if low is not None and high is not None and low > high:
        problems["amount_max"] = "最高金额不能小于最低金额。"
    days = {}
    for key in ("date_from", "date_to"):
        text = args.get(key, "").strip()
        days[key] = _day(text) if text else None
        if text and days[key] is None:
            problems[key] = "日期格式应为 2026-03-01。"
    if days["date_from"] and days["date_to"] and days["date_from"] > days["date_to"]:
        problems["date_to"] = "结束日期不能早于开始日期。"
    query = BillQuery(unit, type_key, payer, low, high, days["date_from"], days["date_to"])
    return query, problems


def encode_cursor(bill: Bill) -> str:
    raw = f"{bill.issued_at.astimezone(UTC).isoformat()}|{bill.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[datetime, int] | None:
    """The position after which the next page starts; CursorRefused for anything this page did not hand out."""
    if not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
        stamp, bill_id = raw.split("|")
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None:
            raise ValueError("a cursor's moment is always aware")
        return at, int(bill_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise CursorRefused("翻页参数无效，请从第一页重新查询。") from None


def _filtered(query: BillQuery) -> Select[Bill]:
    stmt = select(Bill).where(Bill.province.in_(SUPERVISED_PROVINCES))
    if query.unit_code:
        stmt = stmt.where(Bill.issuer_code == query.unit_code)
    if query.type_key:
        stmt = stmt.where(Bill.type_key == query.type_key)
    if query.payer:
        is_id = len(query.payer) == 18 and resident_id_problem(query.payer) is None
        stmt = stmt.where(Bill.payer_id_number == query.payer if is_id else Bill.payer_name == query.payer)
    if query.amount_min is not None:
        stmt = stmt.where(Bill.total >= query.amount_min)
    if query.amount_max is not None:
        stmt = stmt.where(Bill.total <= query.amount_max)
    if query.date_from:
        stmt = stmt.where(Bill.issue_date >= query.date_from.strftime("%Y%m%d"))
    if query.date_to:
        stmt = stmt.where(Bill.issue_date <= query.date_to.strftime("%Y%m%d"))
    return stmt


def search(session: DbSession, query: BillQuery, cursor: str = "", limit: int = PAGE) -> tuple[list[Bill], str]:
    """One page, newest first, and the cursor of the next page ("" on the last)."""
    stmt = _filtered(query)
    after = decode_cursor(cursor)
    if after is not None:
        at, bill_id = after
        stmt = stmt.where(or_(Bill.issued_at < at, and_(Bill.issued_at == at, Bill.id < bill_id)))
    rows = list(session.execute(stmt.order_by(Bill.issued_at.desc(), Bill.id.desc()).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]) if more and rows else ""
