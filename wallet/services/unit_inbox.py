"""What a unit may list: its claims — bills authorized to it (never revoked or lapsed ones) and
bills it took in itself after verifying them (文件报销) — in one list.

Every query starts from ``Claim.unit_id == unit`` (indexed with state and time), so
no filter, search term or page number can reach another unit's claims or any bill that
was not authorized to this one. A claim's bill is the wallet's copy (account claims) or the
unit's own (file claims): the queries read whichever the claim has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from common.timeutil import SHANGHAI, utcnow
from wallet import copy
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.claim import PROCESSED_STATES, UNIT_VISIBLE_STATES, Claim, ClaimFile
from wallet.refusals import Refusal

PAGE_SIZE = 50
STATUS_FILTERS = copy.UNIT_STATUS_FILTERS
BILL_KEY = re.compile(r"^(\d{8})[-\s]?(\d{10})$")


@dataclass(frozen=True)
class InboxFilter:
    status: str = "open"
    type_key: str | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilter:
        status = (args.get("status") or "open").strip()
        if status not in STATUS_FILTERS:
            raise Refusal("filter_invalid", "请选择列表中的状态。", 400)
        page_raw = (args.get("page") or "1").strip()
        if not page_raw.isdigit() or not 1 <= int(page_raw) <= 10000:
            raise Refusal("filter_invalid", "页码无效，请返回第一页。", 400)
        type_key = (args.get("type") or "").strip()[:40] or None
        return cls(status, type_key, (args.get("q") or "").strip()[:50], int(page_raw))

    def as_args(self, **override: Any) -> dict[str, Any]:
        pairs = {"status": self.status, "type": self.type_key, "q": self.q, "page": self.page, **override}
        return {k: v for k, v in pairs.items() if v and not (k == "page" and v == 1)}


def _claims() -> Select[Claim]:
    return (
        select(Claim)
        .outerjoin(Bill, and_(Claim.source == "account", Bill.id == Claim.bill_id))
        .outerjoin(ClaimFile, ClaimFile.claim_id == Claim.id)
    )


def _visible(unit_id: int, now: datetime) -> list[Any]:
    live_or_done = or_(
        Claim.source == "file", Claim.state != "authorized", and_(Claim.expires_at > now, Bill.issuance == "normal")
    )
    return [Claim.unit_id == unit_id, Claim.state.in_(UNIT_VISIBLE_STATES), live_or_done]


def _like(term: str) -> str:
    return "%" + term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _in_status(status: str) -> list[Any]:
    if status == "open":
        return [Claim.state.in_(("authorized", "locked"))]
    return [] if status == "all" else [Claim.state == status]


def _matching(f: InboxFilter) -> list[Any]:
    conditions = []
    if f.type_key:
        conditions.append(or_(Bill.type_key == f.type_key, ClaimFile.type_key == f.type_key))
    key = BILL_KEY.match(f.q)
    if key:
        conditions.append(
            or_(
                and_(Bill.code == key.group(1), Bill.number == key.group(2)),
                and_(ClaimFile.code == key.group(1), ClaimFile.number == key.group(2)),
            )
        )
    elif f.q:
        pattern = _like(f.q)
        conditions.append(
            or_(
                Bill.search_text.like(pattern, escape="\\"),
                func.lower(ClaimFile.issuer_name).like(pattern, escape="\\"),
                ClaimFile.number.like(pattern, escape="\\"),
                func.lower(Claim.claim_ref).like(pattern, escape="\\"),
            )
        )
    return conditions


def inbox(unit_id: int, f: InboxFilter) -> tuple[list[Claim], int]:
    """One page of the unit's claims (newest first) and how many match in all."""
    base = _claims().where(*_visible(unit_id, utcnow()), *_in_status(f.status), *_matching(f))
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(
        base.order_by(Claim.created_at.desc(), Claim.id.desc()).offset((f.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return list(rows.unique()), int(total)


def after(unit_id: int, status: str, after_id: int, limit: int) -> list[Claim]:
    """The unit's claims in ``status`` with ids above ``after_id``, oldest first: the cursor a
    business system follows (integration API) to pick up every new claim once."""
    conditions = _visible(unit_id, utcnow()) + _in_status(status) + [Claim.id > after_id]
    return list(db.session.scalars(_claims().where(*conditions).order_by(Claim.id).limit(limit)).unique())


def bill_types(unit_id: int) -> list[tuple[str, str]]:
    account = (
        select(Bill.type_key, Bill.type_name)
        .join(Claim, Claim.bill_id == Bill.id)
        .where(Claim.unit_id == unit_id, Claim.source == "account")
    )
    files = (
        select(ClaimFile.type_key, ClaimFile.type_name)
        .join(Claim, Claim.id == ClaimFile.claim_id)
        .where(Claim.unit_id == unit_id)
    )
    rows = db.session.execute(account.union(files)).all()
    return sorted({(k, n) for k, n in rows}, key=lambda pair: pair[1])


def selected(unit_id: int, ids: list[int]) -> list[Claim]:
    """The unit's visible claims among ``ids`` (others' ids are silently not there)."""
    return list(
        db.session.scalars(_claims().where(Claim.id.in_(ids), *_visible(unit_id, utcnow())).order_by(Claim.id)).unique()
    )


def processed(unit_id: int, start: date | None, end: date | None, ids: list[int] | None = None) -> list[Claim]:
    """Reimbursed and rejected claims, by the day (Beijing time) they were closed."""
    conditions = [Claim.unit_id == unit_id, Claim.state.in_(PROCESSED_STATES)]
    if start:
        conditions.append(Claim.closed_at >= datetime.combine(start, time.min, SHANGHAI))
    if end:
        conditions.append(Claim.closed_at < datetime.combine(end + timedelta(days=1), time.min, SHANGHAI))
    if ids is not None:
        conditions.append(Claim.id.in_(ids))
    return list(db.session.scalars(select(Claim).where(*conditions).order_by(Claim.closed_at, Claim.id)).unique())
