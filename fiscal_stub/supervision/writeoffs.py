"""The unit's side of 自动核销: give what arrived for a closed cycle, then submit it; the system writes off.

Bills that agree are marked 已核销 and never change again; the others become 异常票据 for
the finance department (:mod:`~fiscal_stub.supervision.review`). Every mark is a status
change of the bill: its version moves on and the feed tells the payer's platform.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import select

from common.database import DbSession, write_transaction
from common.money import yuan
from fiscal_stub.models import Bill, IssuingUnit, WriteOffCycle, WriteOffLine
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.events import append_event
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.cycles import cycle_contents, is_closed
from fiscal_stub.supervision.reconciliation import Reconciliation, reconcile
from fiscal_stub.supervision.writeoff import ABNORMAL, PENDING, VIOLATION, WRITTEN_OFF, period_text


def reconciliation_of(session: DbSession, cycle: WriteOffCycle, for_update: bool = False) -> Reconciliation:
    bills, lines = cycle_contents(session, cycle, for_update)
    by_bill = json.loads(cycle.received_by_bill) if cycle.received_by_bill else None
    return reconcile(bills, lines, cycle.received_total, by_bill)


def _open_cycle_for_update(session: DbSession, unit: IssuingUnit, period: date, now: datetime) -> WriteOffCycle:
    """The unit's closed, not yet submitted cycle, row-locked; refusals roll back and change nothing."""
    write_transaction(session)
    cycle = session.execute(
        select(WriteOffCycle)
        .where(WriteOffCycle.unit_code == unit.code, WriteOffCycle.period_start == period)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if cycle is None:
        session.rollback()
        raise FiscalError(404, "cycle_not_found", f"本单位{period_text(period)}没有需要核销的票据。")
    if cycle.status != PENDING:
        session.rollback()
        raise FiscalError(409, "cycle_submitted", f"{period_text(period)}的核销已经提交，不能再修改。")
    if not is_closed(cycle, local_day(now)):
        session.rollback()
        raise FiscalError(409, "cycle_not_closed", f"{period_text(period)}的核销周期尚未结束，请在下月1日起核销。")
    return cycle


def record_received(
    session: DbSession,
    unit: IssuingUnit,
    period: date,
    total: int | None,
    by_bill: dict[str, int] | None,
    actor: Actor,
    now: datetime,
) -> WriteOffCycle:
    """Keep what arrived: a typed ``total``, or amounts per bill (their sum becomes the total)."""
    cycle = _open_cycle_for_update(session, unit, period, now)
    if by_bill is not None:
        cycle.received_by_bill = json.dumps(by_bill, sort_keys=True)
        cycle.received_total = sum(by_bill.values())
        cycle.received_source = "csv"
        detail = f"导入 CSV，{len(by_bill)} 张票据，到账合计 {yuan(cycle.received_total)} 元"
    else:
        assert total is not None
        cycle.received_by_bill = None
        cycle.received_total = total
        cycle.received_source = "typed"
        detail = f"录入到账合计 {yuan(total)} 元"
    cycle.received_at = now
    record(session, actor, "writeoff.received", unit.code, f"{period_text(period)}：{detail}", now)
    session.commit()
    return cycle


def submit(session: DbSession, unit: IssuingUnit, period: date, actor: Actor, now: datetime) -> Reconciliation:
    """Write the cycle off: bills that agree 已核销, the rest 异常票据 for the finance department."""
    cycle = _open_cycle_for_update(session, unit, period, now)
    if cycle.received_total is None:
        session.rollback()
        raise FiscalError(409, "received_missing", "请先录入或导入本周期的实际到账金额，核对后再提交核销。")
    result = reconciliation_of(session, cycle, for_update=True)
    for row in result.rows:
        state = ABNORMAL if row.problem else WRITTEN_OFF
        bill = row.bill
        assert isinstance(bill, Bill)
        bill.writeoff = state
        append_event(session, bill, state, now)
        session.add(
            WriteOffLine(
                cycle_id=cycle.id,
                bill_id=bill.id,
                expected=row.expected,
                received=row.received,
                state=state,
                problem=row.problem,
                decided_by="system",
                decided_at=now,
            )
        )
    cycle.submitted_at = now
    cycle.status = ABNORMAL if result.abnormal else WRITTEN_OFF
    if not result.abnormal:
        cycle.written_off_at = now
    counts = f"{len(result.rows) - len(result.abnormal)} 张已核销，{len(result.abnormal)} 张异常"
    record(session, actor, "writeoff.submitted", unit.code, f"{period_text(period)}：{counts}", now)
    session.commit()
    return result


def settle_cycle(session: DbSession, cycle: WriteOffCycle, now: datetime) -> None:
    """The cycle's state from its bills' (inside the caller's transaction)."""
    states = set(session.execute(select(WriteOffLine.state).where(WriteOffLine.cycle_id == cycle.id)).scalars())
    if ABNORMAL in states:
        cycle.status = ABNORMAL
    elif VIOLATION in states:
        cycle.status = VIOLATION
    else:
        cycle.status = WRITTEN_OFF
        cycle.written_off_at = cycle.written_off_at or now
