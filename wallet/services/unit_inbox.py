"""What a unit may list: only authorizations made to it, never revoked or lapsed ones, and the
file-mode claims (文件报销) it took in itself after verifying the bill.

Every query starts from ``Authorization.unit_id == unit`` (indexed with state and time), so
no filter, search term or page number can reach another unit's claims or any bill that
was not authorized to this one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Mapping

from sqlalchemy import and_, func, or_, select

from common.timeutil import SHANGHAI, utcnow
from wallet.extensions import db
from wallet.models.authorization import UNIT_VISIBLE_STATES, Authorization
from wallet.models.bill import Bill
from wallet.models.file_claim import FileClaim

PAGE_SIZE = 50
STATUS_FILTERS: dict[str, str] = {
    "open": "待处理", "authorized": "待锁定", "locked": "已锁定", "reimbursed": "已报销", "rejected": "已拒绝",
    "all": "全部",
}
PROCESSED = ("reimbursed", "rejected")
BILL_KEY = re.compile(r"^(\d{8})[-\s]?(\d{10})$")


class InboxFilterError(ValueError):
    """A filter value that cannot be right; the message says which, in Chinese."""


@dataclass(frozen=True)
class InboxFilter:
    status: str = "open"
    type_key: str | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "InboxFilter":
        status = (args.get("status") or "open").strip()
        if status not in STATUS_FILTERS:
            raise InboxFilterError("请选择列表中的状态。")
        page_raw = (args.get("page") or "1").strip()
        if not page_raw.isdigit() or not 1 <= int(page_raw) <= 10000:
            raise InboxFilterError("页码无效，请返回第一页。")
        type_key = (args.get("type") or "").strip()[:40] or None
        return cls(status, type_key, (args.get("q") or "").strip()[:50], int(page_raw))

    def as_args(self, **override: Any) -> dict[str, Any]:
        pairs = {"status": self.status, "type": self.type_key, "q": self.q, "page": self.page, **override}
        return {k: v for k, v in pairs.items() if v and not (k == "page" and v == 1)}


def _visible(unit_id: int, now: datetime) -> list[Any]:
    live_or_done = or_(Authorization.state != "authorized",
                       and_(Authorization.expires_at > now, Bill.issuance == "normal"))
    return [Authorization.unit_id == unit_id, Authorization.state.in_(UNIT_VISIBLE_STATES), live_or_done]


def _like(term: str) -> str:
    return "%" + term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _in_status(status: str) -> list[Any]:
    if status == "open":
        return [Authorization.state.in_(("authorized", "locked"))]
    return [] if status == "all" else [Authorization.state == status]


def inbox(unit_id: int, f: InboxFilter) -> tuple[list[Authorization], int]:
    """One page of the unit's claims (newest first) and how many match in all."""
    conditions = _visible(unit_id, utcnow()) + _in_status(f.status)
    if f.type_key:
        conditions.append(Bill.type_key == f.type_key)
    key = BILL_KEY.match(f.q)
    if key:
        conditions += [Bill.code == key.group(1), Bill.number == key.group(2)]
    elif f.q:
        pattern = _like(f.q)
        conditions.append(or_(Bill.search_text.like(pattern, escape="\\"),
                              func.lower(Authorization.claim_ref).like(pattern, escape="\\")))
    base = select(Authorization).join(Bill, Bill.id == Authorization.bill_id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(base.order_by(Authorization.created_at.desc(), Authorization.id.desc())
                              .offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(rows), int(total)


def after(unit_id: int, status: str, after_id: int, limit: int) -> list[Authorization]:
    """The unit's claims in ``status`` with ids above ``after_id``, oldest first: the cursor a
    business system follows (integration API) to pick up every new authorization once."""
    conditions = _visible(unit_id, utcnow()) + _in_status(status) + [Authorization.id > after_id]
    return list(db.session.scalars(select(Authorization).join(Bill, Bill.id == Authorization.bill_id)
                                   .where(*conditions).order_by(Authorization.id).limit(limit)))


def bill_types(unit_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(select(Bill.type_key, Bill.type_name).join(Authorization, Authorization.bill_id == Bill.id)
                              .where(Authorization.unit_id == unit_id).distinct().order_by(Bill.type_name)).all()
    return [(k, n) for k, n in rows]


def selected(unit_id: int, ids: list[int]) -> list[Authorization]:
    """The unit's visible authorizations among ``ids`` (others' ids are silently not there)."""
    return list(db.session.scalars(select(Authorization).join(Bill, Bill.id == Authorization.bill_id)
                                   .where(Authorization.id.in_(ids), *_visible(unit_id, utcnow()))
                                   .order_by(Authorization.id)))


def processed(unit_id: int, start: date | None, end: date | None, ids: list[int] | None = None) -> list[Authorization]:
    """Reimbursed and rejected claims, by the day (Beijing time) they were closed."""
    conditions = [Authorization.unit_id == unit_id, Authorization.state.in_(PROCESSED)]
    if start:
        conditions.append(Authorization.closed_at >= datetime.combine(start, time.min, SHANGHAI))
    if end:
        conditions.append(Authorization.closed_at < datetime.combine(end + timedelta(days=1), time.min, SHANGHAI))
    if ids is not None:
        conditions.append(Authorization.id.in_(ids))
    return list(db.session.scalars(select(Authorization).where(*conditions)
                                   .order_by(Authorization.closed_at, Authorization.id)))


def file_inbox(unit_id: int, f: InboxFilter) -> list[FileClaim]:
    """The unit's own file-mode claims under the same filter (newest first, one page at most)."""
    conditions: list[Any] = [FileClaim.unit_id == unit_id, FileClaim.state.in_(UNIT_VISIBLE_STATES)]
    if f.status == "open":
        conditions.append(FileClaim.state.in_(("authorized", "locked")))
    elif f.status != "all":
        conditions.append(FileClaim.state == f.status)
    if f.type_key:
        conditions.append(FileClaim.type_key == f.type_key)
    key = BILL_KEY.match(f.q)
    if key:
        conditions += [FileClaim.code == key.group(1), FileClaim.number == key.group(2)]
    elif f.q:
        pattern = _like(f.q)
        conditions.append(or_(func.lower(FileClaim.issuer_name).like(pattern, escape="\\"),
                              FileClaim.number.like(pattern, escape="\\")))
    return list(db.session.scalars(select(FileClaim).where(*conditions)
                                   .order_by(FileClaim.created_at.desc(), FileClaim.id.desc()).limit(PAGE_SIZE)))


def processed_files(unit_id: int, start: date | None, end: date | None) -> list[FileClaim]:
    """Reimbursed and rejected file-mode claims, by the day (Beijing time) they were closed."""
    conditions = [FileClaim.unit_id == unit_id, FileClaim.state.in_(PROCESSED)]
    if start:
        conditions.append(FileClaim.closed_at >= datetime.combine(start, time.min, SHANGHAI))
    if end:
        conditions.append(FileClaim.closed_at < datetime.combine(end + timedelta(days=1), time.min, SHANGHAI))
    return list(db.session.scalars(select(FileClaim).where(*conditions).order_by(FileClaim.closed_at, FileClaim.id)))
