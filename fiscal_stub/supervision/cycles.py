"""A unit's write-off cycles as stored: opening one at the month's first issuance, and reading what it holds.

A cycle holds the bills the unit issued in its month under supervision, that is with a
number from one of its own batches (bills loaded as history belong to no batch and are
never written off), and the batches those numbers came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from common.database import DbSession
from common.timeutil import SHANGHAI
from fiscal_stub.models import Bill, BillBatch, WriteOffCycle
from fiscal_stub.models.batches import APPLIED
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.writeoff import PENDING, cycle_end, cycle_start, next_cycle


def open_cycle(session: DbSession, unit_code: str, now: datetime) -> None:
    """Make sure the cycle of ``now``'s month exists, inside the caller's transaction.

    Two first issuances of a month racing both insert; the database keeps one row and
    neither fails (``ON CONFLICT DO NOTHING`` on both backends).
    """
    row = {"unit_code": unit_code, "period_start": cycle_start(local_day(now)), "status": PENDING}
    table = WriteOffCycle.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    session.execute(insert.values(**row).on_conflict_do_nothing(index_elements=["unit_code", "period_start"]))


def period_bounds(period_start: date) -> tuple[datetime, datetime]:
    """The cycle's first and one-past-last moments (Beijing midnight)."""
    return datetime.combine(period_start, time(), SHANGHAI), datetime.combine(
        next_cycle(period_start), time(), SHANGHAI
    )


@dataclass(frozen=True)
class BatchLine:
    """One batch the cycle's numbers came from: allocated, used so far, bills found in its range."""

    code: str
    first: int
    last: int
    allocated: int
    used: int
    found: int
    in_period: int
    applied: bool

    @property
    def gap(self) -> int:
        """Numbers counted as used with no bill behind them (断号)."""
        return self.used - self.found


def _holder(batches: list[BillBatch], code: str, number: int) -> BillBatch | None:
    for batch in batches:
        if batch.code == code and batch.first_number <= number <= batch.last_number:
            return batch
    return None


def cycle_contents(
    session: DbSession, cycle: WriteOffCycle, for_update: bool = False
) -> tuple[list[Bill], list[BatchLine]]:
    """The cycle's bills (oldest first) and the batches they came from; ``for_update`` row-locks the bills."""
    start, end = period_bounds(cycle.period_start)
    query = (
        select(Bill)
        .where(Bill.issuer_code == cycle.unit_code, Bill.issued_at >= start, Bill.issued_at < end)
        .order_by(Bill.issued_at, Bill.id)
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    issued = list(session.execute(query).scalars())
    batches = list(
        session.execute(
            select(BillBatch).where(BillBatch.unit_code == cycle.unit_code, BillBatch.created_at < end)
        ).scalars()
    )
    singles = {(b.code, b.first_number): b for b in batches if b.kind != APPLIED}
    applied = [b for b in batches if b.kind == APPLIED]
    bills: list[Bill] = []
    used_batches: dict[int, tuple[BillBatch, int]] = {}
    for bill in issued:
        batch = singles.get((bill.code, int(bill.number))) or _holder(applied, bill.code, int(bill.number))
        if batch is None:
            continue
        bills.append(bill)
        seen = used_batches.get(batch.id)
        used_batches[batch.id] = (batch, (seen[1] if seen else 0) + 1)
    lines = [_line(session, batch, count) for batch, count in used_batches.values() if batch.kind == APPLIED]
    online: dict[str, list[int]] = {}
    for batch, _ in used_batches.values():
        if batch.kind != APPLIED:
            online.setdefault(batch.code, []).append(batch.first_number)
    for code, numbers in online.items():  # 即领即开: one number per bill, summed per code
        n = len(numbers)
        lines.append(BatchLine(code, min(numbers), max(numbers), n, n, n, n, applied=False))
    return bills, sorted(lines, key=lambda line: (not line.applied, line.code, line.first))


def _line(session: DbSession, batch: BillBatch, in_period: int) -> BatchLine:
    found = session.execute(
        select(func.count())
        .select_from(Bill)
        .where(Bill.code == batch.code, Bill.number >= f"{batch.first_number:010d}")
        .where(Bill.number <= f"{batch.last_number:010d}", Bill.issuer_code == batch.unit_code)
    ).scalar_one()
    return BatchLine(
        batch.code, batch.first_number, batch.last_number, batch.count, batch.used, int(found), in_period, applied=True
    )


def cycles_of(session: DbSession, unit_code: str, limit: int = 24) -> list[WriteOffCycle]:
    """The unit's cycles, newest first."""
    query = (
        select(WriteOffCycle)
        .where(WriteOffCycle.unit_code == unit_code)
        .order_by(WriteOffCycle.period_start.desc())
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def is_closed(cycle: WriteOffCycle, today: date) -> bool:
    return cycle_end(cycle.period_start) < today
