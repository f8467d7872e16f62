"""Finding a resident's bills: filters, search, keyset pages and totals.

Every query starts from the resident's own rows (indexed by resident and issue time),
so a resident with 10,000 bills pages and totals in milliseconds, and nobody can
reach another person's bill through a filter or an id.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import defer, joinedload

from common.identifiers import ascii_digits
from common.regions import PROVINCE_NAMES
from common.translatable import gettext, lazy_gettext
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.refusals import Refusal

PAGE_SIZE = 20
STATUS_FILTERS: dict[str, str] = {
    "reimbursable": lazy_gettext("可报销"),
    "locked": lazy_gettext("报销中"),
    "partially_reimbursed": lazy_gettext("部分报销"),
    "reimbursed": lazy_gettext("已报销"),
    "red_reversed": lazy_gettext("已冲红"),
    "exchanged": lazy_gettext("已换开纸质票据"),
}
REIMBURSABLE = ("unreimbursed", "partially_reimbursed")
# What units may still reimburse on a bill (policy.remaining, as SQL; never below zero).
claimable_left = case((Bill.claimable > Bill.reimbursed_amount, Bill.claimable - Bill.reimbursed_amount), else_=0)
ISSUANCE_STATUSES = ("red_reversed", "exchanged")


@dataclass(frozen=True)
class BillFilter:
    year: int | None = None
    type_key: str | None = None
    province: str | None = None
    status: str | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> BillFilter:
        year_raw = (args.get("year") or "").strip()
        if year_raw and not (ascii_digits(year_raw) and 2000 <= int(year_raw) <= 2100):
            raise Refusal("filter_invalid", gettext("年份应为四位数字，如 2026。"), 400)
        province = (args.get("province") or "").strip() or None
        if province and province not in PROVINCE_NAMES:
            raise Refusal("filter_invalid", gettext("请选择列表中的地区。"), 400)
        status = (args.get("status") or "").strip() or None
        if status and status not in STATUS_FILTERS:
            raise Refusal("filter_invalid", gettext("请选择列表中的状态。"), 400)
        type_key = (args.get("type") or "").strip()[:40] or None
        q = (args.get("q") or "").strip()[:50]
        # Control characters are nobody's search, and PostgreSQL text cannot even hold a NUL.
        if any(unicodedata.category(char) == "Cc" for char in f"{type_key or ''}{q}"):
            raise Refusal("filter_invalid", gettext("搜索内容含有无法识别的字符，请重新输入。"), 400)
        return cls(int(year_raw) if year_raw else None, type_key, province, status, q)

    def as_args(self) -> dict[str, Any]:
        pairs = {
            "year": self.year,
            "type": self.type_key,
            "province": self.province,
            "status": self.status,
            "q": self.q,
        }
        return {k: v for k, v in pairs.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def filtered(resident_id: Any, f: BillFilter) -> list[Any]:
    conditions: list[Any] = [Bill.resident_id == resident_id]
    if f.year:
        conditions.append(Bill.issue_year == f.year)
    if f.type_key:
        conditions.append(Bill.type_key == f.type_key)
    if f.province:
        conditions.append(Bill.province == f.province)
    if f.status == "reimbursable":
        conditions += [Bill.issuance == "normal", Bill.total > 0, Bill.reimbursement.in_(REIMBURSABLE)]
    elif f.status in ISSUANCE_STATUSES:
        conditions.append(Bill.issuance == f.status)
    elif f.status:
        conditions.append(Bill.reimbursement == f.status)
    if f.q:
        conditions.append(Bill.search_text.like(like_pattern(f.q), escape="\\"))
    return conditions


def filter_params(f: BillFilter) -> dict[str, Any]:
    """The values ``page_statement`` binds for ``f`` (None where the filter leaves a part open)."""
    pattern = like_pattern(f.q) if f.q else None
    return {"year": f.year, "type_key": f.type_key, "province": f.province, "pattern": pattern}


def like_pattern(q: str) -> str:
    """Search text as a ``LIKE`` pattern (escaped with a backslash) that finds it anywhere."""
    return "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# What a list card never shows: left out of a page's rows (each of its times is parsed per row on
# SQLite), read only if something asks for it.
_NOT_ON_A_CARD = [
    defer(column)
    for column in (
        Bill.search_text,
        Bill.signature_alg,
        Bill.signature_kid,
        Bill.signature_value,
        Bill.check_code,
        Bill.source,
        Bill.collected_at,
        Bill.updated_at,
    )
]


@lru_cache(maxsize=128)
def page_statement(names: tuple[str, ...], status: str | None) -> Select[Bill]:
    """A page of bills for one shape of filter (which values are bound, which status), built once:
    a statement reused as it is is compiled and keyed once, and every freshly made list reads one."""
    stmt = select(Bill).where(*filtered(bindparam("resident_id"), BillFilter(status=status)))
    for name, column in (("year", Bill.issue_year), ("type_key", Bill.type_key), ("province", Bill.province)):
        if name in names:
            stmt = stmt.where(column == bindparam(name))
    if "pattern" in names:
        stmt = stmt.where(Bill.search_text.like(bindparam("pattern"), escape="\\"))
    if "after_at" in names:
        at, bill_id = bindparam("after_at", type_=Bill.issued_at.type), bindparam("after_id", type_=Bill.id.type)
        stmt = stmt.where(or_(Bill.issued_at < at, and_(Bill.issued_at == at, Bill.id < bill_id)))
    return stmt.order_by(Bill.issued_at.desc(), Bill.id.desc()).limit(bindparam("size")).options(*_NOT_ON_A_CARD)


def encode_cursor(bill: Bill) -> str:
    return f"{bill.issued_at.strftime('%Y%m%d%H%M%S')}-{bill.id}"


def decode_cursor(raw: str) -> tuple[datetime, int]:
    try:
        stamp, bill_id = raw.split("-", 1)
        return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC), int(bill_id)
    except ValueError as exc:
        raise Refusal("filter_invalid", gettext("翻页参数无效，请刷新页面。"), 400) from exc


def page_of_bills(
    resident_id: int, f: BillFilter, after: str | None = None, size: int = PAGE_SIZE
) -> tuple[list[Bill], str | None]:
    """Newest first; ``after`` is the cursor of the last bill already shown."""
    params: dict[str, Any] = {"resident_id": resident_id, "size": size + 1}
    params.update((name, value) for name, value in filter_params(f).items() if value)
    if after:
        params["after_at"], params["after_id"] = decode_cursor(after)
    bills = list(db.session.scalars(page_statement(tuple(sorted(params)), f.status), params))
    more = len(bills) > size
    bills = bills[:size]
    return bills, (encode_cursor(bills[-1]) if more and bills else None)


def totals(resident_id: int, f: BillFilter) -> tuple[int, int]:
    """Count and amount (fen) of the bills the filter selects: their face value, or under "可报销"
    what units may still reimburse on them."""
    amount_of = claimable_left if f.status == "reimbursable" else Bill.total
    count, amount = db.session.execute(
        select(func.count(Bill.id), func.coalesce(func.sum(amount_of), 0)).where(*filtered(resident_id, f))
    ).one()
    return int(count), int(amount)


def owned_bill(resident_id: int, bill_id: int, with_document: bool = False) -> Bill | None:
    """The bill only if it is this resident's: the one place detail pages fetch from.
    ``with_document``: its signed document joined in the same statement (a page that shows it)."""
    return db.session.scalar(
        _OWNED_WITH_DOCUMENT if with_document else _OWNED, {"id": bill_id, "resident_id": resident_id}
    )


# Built once: every view of a bill's page (and its parts) reads one of them.
_OWNED = select(Bill).where(Bill.id == bindparam("id"), Bill.resident_id == bindparam("resident_id"))
_OWNED_WITH_DOCUMENT = _OWNED.options(joinedload(Bill.document))
