"""核旧领新's condition: the last closed write-off cycle must be written off before new numbers are handed out.

Cycles run from the 1st to the last day of a month. This module only reads them; the
write-off rules (reconciliation, 自动核销, the working-day window of interface units) open
and close ``WriteOffCycle`` rows. A unit with no row for the last closed month has nothing
to write off for it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from common.database import DbSession
from fiscal_stub.models import WriteOffCycle
from fiscal_stub.supervision.reasons import Reason, UnitContext

WRITTEN_OFF = "written_off"


def cycle_start(day: date) -> date:
    return day.replace(day=1)


def last_closed_cycle(today: date) -> date:
    """The first day of the month before ``today``'s: the cycle that closed most recently."""
    first = cycle_start(today)
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def cycle_of(session: DbSession, unit_code: str, period_start: date) -> WriteOffCycle | None:
    return session.execute(
        select(WriteOffCycle).where(WriteOffCycle.unit_code == unit_code, WriteOffCycle.period_start == period_start)
    ).scalar_one_or_none()


def pending_reason(ctx: UnitContext) -> Reason | None:
    """The last closed cycle not written off: no new numbers (a rule of the guard's allocation rules)."""
    period = last_closed_cycle(ctx.today)
    cycle = cycle_of(ctx.session, ctx.unit.code, period)
    if cycle is None or cycle.status == WRITTEN_OFF:
        return None
    return Reason(
        "writeoff_pending",
        f"本单位 {period:%Y年%m月} 的财政电子票据尚未完成核销，系统已暂停票据发放（核旧领新）。",
        "请核对上一周期的开票与到账金额并提交核销，核销完成后即可申领和开具票据。",
    )
