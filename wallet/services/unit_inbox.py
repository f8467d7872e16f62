"""What a unit may list: its claims — bills authorized to it (never revoked or lapsed ones) and
bills it took in itself after verifying them (文件报销) — in one list, newest first.

Every query starts from ``Claim.unit_id == unit``, so no filter, search term or cursor can reach
another unit's claims or any bill that was not authorized to this one. Built for a unit with
hundreds of thousands of open claims: pages follow a keyset cursor on (created_at, id) — never an
OFFSET — and every filter and search reads an index of the claims table that ends in that order
(wallet.models.claim); the number shown comes from the kept per-state counts
(wallet.models.claim_count), and a filtered or searched list counts no further than ``COUNT_CAP``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select, tuple_
from sqlalchemy.orm import aliased

from common.timeutil import SHANGHAI, utcnow
from wallet import copy
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.claim import PROCESSED_STATES, UNIT_VISIBLE_STATES, Claim, ClaimFile
from wallet.models.claim_count import UnitClaimCount
from wallet.refusals import Refusal
from wallet.services import inbox_search
from wallet.services.inbox_cursor import Cursor

PAGE_SIZE = 50
COUNT_CAP = 1000
EXPORT_BATCH = 500
STATUS_FILTERS = copy.UNIT_STATUS_FILTERS


@dataclass(frozen=True)
class InboxFilter:
    status: str = "open"
    type_key: str | None = None
    q: str = ""
    after: Cursor | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> InboxFilter:
        status = (args.get("status") or "open").strip()
        if status not in STATUS_FILTERS:
            raise Refusal("filter_invalid", "请选择列表中的状态。", 400)
        type_key = (args.get("type") or "").strip()[:40] or None
        q = " ".join((args.get("q") or "").split())[: inbox_search.MAX_LENGTH]
        return cls(status, type_key, q, Cursor.parse(args.get("after") or ""))

    @property
    def narrowed(self) -> bool:
        """Whether the list is cut down beyond a status (then it is not counted from the kept counts)."""
        return bool(self.type_key or self.q)

    def as_args(self, **override: Any) -> dict[str, Any]:
        pairs = {"status": self.status, "type": self.type_key, "q": self.q, "after": self.after, **override}
        return {k: str(v) for k, v in pairs.items() if v}


@dataclass(frozen=True)
class InboxPage:
    rows: list[Claim]
    total: int  # how many match, up to ``capped``
    capped: bool  # more than ``total`` match (a narrowed list counts no further)
    next: Cursor | None  # where the page after this one starts, if any


NOTHING = InboxPage([], 0, False, None)


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


def _states(status: str) -> tuple[str, ...]:
    if status == "open":
        return ("authorized", "locked")
    return UNIT_VISIBLE_STATES if status == "all" else (status,)


def _in_status(status: str) -> list[Any]:
    return [] if status == "all" else [Claim.state.in_(_states(status))]


def _narrowing(unit_id: int, f: InboxFilter) -> list[Any]:
    conditions = [Claim.type_key == f.type_key] if f.type_key else []
    if f.q:
        conditions.append(inbox_search.condition(unit_id, f.q))
    return conditions


def _kept_count(unit_id: int, status: str) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(UnitClaimCount.n), 0)).where(
                UnitClaimCount.unit_id == unit_id, UnitClaimCount.state.in_(_states(status))
            )
        )
        or 0
    )


def inbox(unit_id: int, f: InboxFilter) -> InboxPage:
    """One page of the unit's claims, newest first, from the cursor on; and how many there are."""
    narrowing = _narrowing(unit_id, f)
    page = _claims().where(*_visible(unit_id, utcnow()), *_in_status(f.status), *narrowing)
    if f.after is not None:
        page = page.where(tuple_(Claim.created_at, Claim.id) < tuple_(f.after.created_at, f.after.id))
    rows = list(
        db.session.scalars(page.order_by(Claim.created_at.desc(), Claim.id.desc()).limit(PAGE_SIZE + 1)).unique()
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    following = Cursor(rows[-1].created_at, rows[-1].id) if more else None
    if not f.narrowed:
        return InboxPage(rows, _kept_count(unit_id, f.status), False, following)
    total = _capped_count(unit_id, f.status, narrowing)
    return InboxPage(rows, min(total, COUNT_CAP), total > COUNT_CAP, following)


def _capped_count(unit_id: int, status: str, narrowing: list[Any]) -> int:
    """How many claims a narrowed list holds, counting no further than one past ``COUNT_CAP``.

    Read from the claims table alone, like the kept counts: an authorization that ran out a
    moment ago counts until the worker's sweep closes it, though the list no longer shows it."""
    matching = (
        select(Claim.id)
        .where(Claim.unit_id == unit_id, Claim.state.in_(_states(status)), *narrowing)
        .limit(COUNT_CAP + 1)
    )
    return int(db.session.scalar(select(func.count()).select_from(matching.subquery())) or 0)


def after(unit_id: int, status: str, after_id: int, limit: int) -> list[Claim]:
    """The unit's claims in ``status`` with ids above ``after_id``, oldest first: the cursor a
    business system follows (integration API) to pick up every new claim once."""
    conditions = _visible(unit_id, utcnow()) + _in_status(status) + [Claim.id > after_id]
    return list(db.session.scalars(_claims().where(*conditions).order_by(Claim.id).limit(limit)).unique())


def _types_statement() -> Select[str, str | None]:
    """A recursive query that hops along the (unit, type) index from one distinct key to the next —
    one probe per type, not one row per claim — and names each key from one claim of that type."""
    unit = bindparam("unit_id", type_=Integer)
    later, named = aliased(Claim), aliased(Claim)
    keys = (
        select(func.min(Claim.type_key).label("key"))
        .where(Claim.unit_id == unit, Claim.type_key != "")
        .cte("type_keys", recursive=True)
    )
    following = select(func.min(later.type_key)).where(later.unit_id == unit, later.type_key > keys.c.key)
    keys = keys.union_all(select(following.scalar_subquery()).where(keys.c.key.is_not(None)))
    name = (
        select(func.coalesce(Bill.type_name, ClaimFile.type_name))
        .select_from(named)
        .outerjoin(Bill, Bill.id == named.bill_id)
        .outerjoin(ClaimFile, ClaimFile.claim_id == named.id)
        .where(named.unit_id == unit, named.type_key == keys.c.key)
        .order_by(named.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(keys.c.key, name).where(keys.c.key.is_not(None))


TYPES = _types_statement()  # built once: building it costs more than running it


def bill_types(unit_id: int) -> list[tuple[str, str]]:
    """The bill types among the unit's claims, by name (the inbox's type filter)."""
    rows = db.session.execute(TYPES, {"unit_id": unit_id}).all()
    return sorted(((key, label or key) for key, label in rows), key=lambda pair: pair[1])


def selected(unit_id: int, ids: list[int]) -> list[Claim]:
    """The unit's visible claims among ``ids`` (others' ids are silently not there)."""
    return list(
        db.session.scalars(_claims().where(Claim.id.in_(ids), *_visible(unit_id, utcnow())).order_by(Claim.id)).unique()
    )


def processed_query(unit_id: int, start: date | None, end: date | None, ids: list[int] | None = None) -> Select[Claim]:
    """Reimbursed and rejected claims, by the day (Beijing time) they were closed, oldest first."""
    conditions = [Claim.unit_id == unit_id, Claim.closed_at.is_not(None), Claim.state.in_(PROCESSED_STATES)]
    if start:
        conditions.append(Claim.closed_at >= datetime.combine(start, time.min, SHANGHAI))
    if end:
        conditions.append(Claim.closed_at < datetime.combine(end + timedelta(days=1), time.min, SHANGHAI))
    if ids is not None:
        conditions.append(Claim.id.in_(ids))
    return select(Claim).where(*conditions).order_by(Claim.closed_at, Claim.id)


def processed(unit_id: int, start: date | None, end: date | None, ids: list[int] | None = None) -> list[Claim]:
    return list(db.session.scalars(processed_query(unit_id, start, end, ids)).unique())


def processed_batches(unit_id: int, start: date | None, end: date | None) -> Iterator[Sequence[Claim]]:
    """The same claims, read ``EXPORT_BATCH`` at a time through a server-side cursor (PostgreSQL),
    for an export that must not hold a unit's whole history in memory."""
    query = processed_query(unit_id, start, end).execution_options(yield_per=EXPORT_BATCH)
    yield from db.session.scalars(query).partitions()
