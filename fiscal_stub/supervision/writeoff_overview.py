"""Write-off as the pages show it: each unit's state (written off, pending, 异常, 违规, suspended), the
finance department's queues, and the figures per state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from common.database import DbSession
from fiscal_stub.models import Bill, IssuingUnit, RectificationNotice, WriteOffCycle, WriteOffLine
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.guard import SUPERVISED_PROVINCES, context
from fiscal_stub.supervision.writeoff import (
    ABNORMAL,
    PENDING,
    VIOLATION,
    WRITTEN_OFF,
    cycle_of,
    interface_grace,
    last_closed_cycle,
    overdue_notices,
    pending_reason,
)

UNIT_STATES = {
    "suspended": ("暂停申领", "bad"),
    ABNORMAL: ("有异常票据", "warn"),
    VIOLATION: ("违规整改中", "warn"),
    "overdue": ("逾期未核销", "bad"),
    PENDING: ("待核销", "info"),
    WRITTEN_OFF: ("无待核销", "ok"),
}


@dataclass
class UnitWriteOff:
    unit: IssuingUnit
    state: str
    last_closed: date
    last_cycle: WriteOffCycle | None
    grace_until: date | None  # an interface unit's window, while it lasts and the cycle is pending

    @property
    def label(self) -> tuple[str, str]:
        return UNIT_STATES[self.state]


def unit_writeoff(session: DbSession, unit: IssuingUnit, now: datetime) -> UnitWriteOff:
    ctx = context(session, unit, now)
    period = last_closed_cycle(ctx.today)
    last = cycle_of(session, unit.code, period)
    statuses = set(session.execute(select(WriteOffCycle.status).where(WriteOffCycle.unit_code == unit.code)).scalars())
    grace = interface_grace(ctx) if last is not None and last.status == PENDING else None
    if overdue_notices(session, unit.code, ctx.today):
        state = "suspended"
    elif ABNORMAL in statuses:
        state = ABNORMAL
    elif VIOLATION in statuses:
        state = VIOLATION
    elif pending_reason(ctx) is not None:
        state = "overdue"
    elif last is not None and last.status == PENDING:
        state = PENDING
    else:
        state = WRITTEN_OFF
    return UnitWriteOff(unit, state, period, last, grace)


def units_writeoff(session: DbSession, now: datetime) -> list[UnitWriteOff]:
    """Every supervised unit, those needing attention first."""
    units = session.execute(
        select(IssuingUnit).where(IssuingUnit.province.in_(SUPERVISED_PROVINCES)).order_by(IssuingUnit.code)
    ).scalars()
    order = list(UNIT_STATES)
    return sorted((unit_writeoff(session, u, now) for u in units), key=lambda s: order.index(s.state))


@dataclass(frozen=True)
class QueueItem:
    cycle: WriteOffCycle
    unit: IssuingUnit
    abnormal: int


def abnormal_queue(session: DbSession) -> list[QueueItem]:
    """Cycles with 异常票据 awaiting the department, oldest first."""
    rows = session.execute(
        select(WriteOffCycle, IssuingUnit, func.count(WriteOffLine.id))
        .join(IssuingUnit, IssuingUnit.code == WriteOffCycle.unit_code)
        .join(WriteOffLine, WriteOffLine.cycle_id == WriteOffCycle.id)
        .where(WriteOffLine.state == ABNORMAL)
        .group_by(WriteOffCycle.id, IssuingUnit.code)
        .order_by(WriteOffCycle.submitted_at, WriteOffCycle.id)
    ).all()
    return [QueueItem(cycle, unit, int(n)) for cycle, unit, n in rows]


def notices(session: DbSession, unit_code: str | None = None, open_only: bool = False) -> list[RectificationNotice]:
    query = select(RectificationNotice).order_by(RectificationNotice.issued_at.desc(), RectificationNotice.id.desc())
    if unit_code is not None:
        query = query.where(RectificationNotice.unit_code == unit_code)
    if open_only:
        query = query.where(RectificationNotice.status != "rectified")
    return list(session.execute(query).scalars())


def lines_of(session: DbSession, cycle_id: int, state: str | None = None) -> list[tuple[WriteOffLine, Bill]]:
    query = (
        select(WriteOffLine, Bill)
        .join(Bill, Bill.id == WriteOffLine.bill_id)
        .where(WriteOffLine.cycle_id == cycle_id)
        .order_by(Bill.issued_at, Bill.id)
    )
    if state is not None:
        query = query.where(WriteOffLine.state == state)
    return [(line, bill) for line, bill in session.execute(query).all()]


def unit_lines(session: DbSession, unit_code: str, states: tuple[str, ...]) -> list[tuple[WriteOffLine, Bill]]:
    """The unit's bills in these write-off states (its 异常票据 and 违规 bills), oldest first."""
    rows = session.execute(
        select(WriteOffLine, Bill)
        .join(Bill, Bill.id == WriteOffLine.bill_id)
        .where(Bill.issuer_code == unit_code, WriteOffLine.state.in_(states))
        .order_by(Bill.issued_at, Bill.id)
    ).all()
    return [(line, bill) for line, bill in rows]


@dataclass(frozen=True)
class Figures:
    units: dict[str, int]
    bills: dict[str, int]
    queue: int
    open_notices: int
    overdue_notices: int


def figures(session: DbSession, states: list[UnitWriteOff], now: datetime) -> Figures:
    units = {key: 0 for key in UNIT_STATES}
    for s in states:
        units[s.state] += 1
    counted = session.execute(
        select(Bill.writeoff, func.count())
        .where(Bill.province.in_(SUPERVISED_PROVINCES), Bill.writeoff.is_not(None))
        .group_by(Bill.writeoff)
    ).all()
    bills = {WRITTEN_OFF: 0, ABNORMAL: 0, VIOLATION: 0} | {str(state): int(n) for state, n in counted}
    open_rows = notices(session, open_only=True)
    today = local_day(now)
    return Figures(
        units,
        bills,
        len(abnormal_queue(session)),
        len(open_rows),
        sum(1 for n in open_rows if n.deadline <= today),
    )
