"""核旧领新's conditions, two rules of the guard's allocation list: write off the last closed cycle in time,
and put right within three months what the finance department marked 违规.

Cycles run from the 1st to the last day of a month (Beijing time). An online unit writes
off before its first issuance of a new cycle; an interface unit within the first five
working days of it (:mod:`~fiscal_stub.supervision.workdays`), after which its allocation is
held until it does. A unit with no cycle for the last closed month has nothing to write
off for it. Submitting the reconciliation is the unit's part: bills that did not agree go
to the finance department as 异常票据 and hold nothing by themselves.
"""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import select

from common.database import DbSession
from fiscal_stub.models import RectificationNotice, WriteOffCycle
from fiscal_stub.models.accounts import INTERFACE
from fiscal_stub.supervision.certificates import day_text
from fiscal_stub.supervision.reasons import Reason, UnitContext
from fiscal_stub.supervision.workdays import writeoff_deadline

PENDING = "pending"
ABNORMAL = "abnormal"
VIOLATION = "violation"
WRITTEN_OFF = "written_off"
CYCLE_STATES = {PENDING: "待核销", ABNORMAL: "异常待审核", VIOLATION: "违规整改中", WRITTEN_OFF: "已核销"}
BILL_STATES = {WRITTEN_OFF: "已核销", ABNORMAL: "异常票据", VIOLATION: "违规"}


def cycle_start(day: date) -> date:
    return day.replace(day=1)


def cycle_end(period_start: date) -> date:
    return period_start.replace(day=calendar.monthrange(period_start.year, period_start.month)[1])


def next_cycle(period_start: date) -> date:
    return date.fromordinal(cycle_end(period_start).toordinal() + 1)


def last_closed_cycle(today: date) -> date:
    """The first day of the month before ``today``'s: the cycle that closed most recently."""
    first = cycle_start(today)
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def period_text(period_start: date) -> str:
    return f"{period_start:%Y年%m月}"


def cycle_of(session: DbSession, unit_code: str, period_start: date) -> WriteOffCycle | None:
    return session.execute(
        select(WriteOffCycle).where(WriteOffCycle.unit_code == unit_code, WriteOffCycle.period_start == period_start)
    ).scalar_one_or_none()


def interface_grace(ctx: UnitContext) -> date | None:
    """The last day of the interface unit's write-off window this month, while it lasts (None otherwise)."""
    if ctx.account is None or ctx.account.issuing_mode != INTERFACE:
        return None
    deadline = writeoff_deadline(ctx.today)
    return deadline if ctx.today <= deadline else None


def pending_reason(ctx: UnitContext) -> Reason | None:
    """The last closed cycle not submitted for write-off: no new numbers (核旧领新)."""
    period = last_closed_cycle(ctx.today)
    cycle = cycle_of(ctx.session, ctx.unit.code, period)
    if cycle is None or cycle.status != PENDING or interface_grace(ctx) is not None:
        return None
    if ctx.account is not None and ctx.account.issuing_mode == INTERFACE:
        deadline = writeoff_deadline(ctx.today)
        message = (
            f"本单位{period_text(period)}的财政电子票据应在本月前五个工作日内（{day_text(deadline)}前）完成核销，"
            "逾期未核销，系统已暂停票据发放（核旧领新）。"
        )
    else:
        message = f"本单位{period_text(period)}的财政电子票据尚未完成核销，系统已暂停票据发放（核旧领新）。"
    return Reason(
        "writeoff_pending",
        message,
        "请在单位控制台“票据核销”中核对上一周期的开票与到账金额并提交核销，核销完成后即可申领和开具票据。",
    )


def change_refusal(bill_writeoff: str | None) -> tuple[str, str] | None:
    """(code, message) when a bill's write-off state forbids red reversal and exchange, else None.

    A written-off bill never changes again; an 异常票据 waits for the finance department. A
    bill marked 违规 may be put right (red-reversed and issued anew) while it is rectified.
    """
    if bill_writeoff == WRITTEN_OFF:
        return "bill_written_off", "该票据已核销，不能再冲红或换开。"
    if bill_writeoff == ABNORMAL:
        return "bill_under_review", "该票据为异常票据，正由财政部门审核，审核完成前不能冲红或换开。"
    return None


def overdue_notices(session: DbSession, unit_code: str, today: date) -> list[RectificationNotice]:
    return list(
        session.execute(
            select(RectificationNotice)
            .where(RectificationNotice.unit_code == unit_code, RectificationNotice.status != "rectified")
            .where(RectificationNotice.deadline <= today)
            .order_by(RectificationNotice.deadline)
        ).scalars()
    )


def suspension_reason(ctx: UnitContext) -> Reason | None:
    """A rectification notice still open three months after it was issued suspends the allocation of numbers."""
    overdue = overdue_notices(ctx.session, ctx.unit.code, ctx.today)
    if not overdue:
        return None
    first = overdue[0]
    return Reason(
        "writeoff_suspended",
        f"本单位违规票据的整改通知（整改期限至{day_text(first.deadline)}）逾期未完成整改，系统已暂停票据申领。",
        "请在单位控制台“票据核销”中按整改通知完成整改并提交整改情况，财政部门确认整改完成后即恢复。",
    )
