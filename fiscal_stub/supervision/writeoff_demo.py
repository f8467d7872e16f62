"""Write-off demo data for ``make run``: a unit with open 异常票据 from last month, and one whose allocation is
suspended by a rectification notice left unanswered for three months, each built through the services as
it would have happened (bills issued at past moments, written off, reviewed).

The bills are the demo personas', so the resident's wallet shows them with the status the network reports.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from common.database import DbSession
from common.personas import load_personas
from common.timeutil import SHANGHAI
from fiscal_stub.generator.units import types_issued_by
from fiscal_stub.models import Bill, IssuingUnit, WriteOffLine
from fiscal_stub.services.issuing import issue, red_reverse
from fiscal_stub.services.orders import IssueOrder, draft_for
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.batches import months_back
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.review import mark_violation
from fiscal_stub.supervision.writeoff import cycle_of, last_closed_cycle
from fiscal_stub.supervision.writeoffs import record_received, submit

ABNORMAL_UNIT = "呼和浩特市第一人民医院"
SUSPENDED_UNIT = "内蒙古自治区教育考试院"
OFFICER = "czt"


def at(day: date, days: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day + timedelta(days=days), time(hour, minute), SHANGHAI)


def _issue(session: DbSession, unit: IssuingUnit, payer: tuple[str, str], amount: int, when: datetime) -> None:
    type_key = types_issued_by(unit.category)[0]
    order = IssueOrder(type_key, "个人", payer[1], payer[0], amount, unit_code=unit.code)
    issue(session, draft_for(session, order, when))


def _abnormal_last_month(session: DbSession, unit: IssuingUnit, payers: list[tuple[str, str]], now: datetime) -> None:
    """Last month's bills (one issued late at night, three to one payer within a day, one red-reversed),
    written off today with a received total that falls short: every bill goes to review."""
    period = last_closed_cycle(local_day(now))
    plan = [(payers[0], 25630, at(period, 2, 9, 20)), (payers[0], 4800, at(period, 2, 13, 5))]
    plan += [(payers[0], 12900, at(period, 2, 17, 40)), (payers[1], 38650, at(period, 5, 23, 10))]
    plan += [(payers[2 % len(payers)], 9900, at(period, 8, 10, 30))]
    for payer, amount, when in plan:
        _issue(session, unit, payer, amount, when)
    wrong = session.execute(
        select(Bill).where(Bill.issuer_code == unit.code, Bill.total == 9900).order_by(Bill.id.desc()).limit(1)
    ).scalar_one()
    red_reverse(session, wrong.code, wrong.number, "收费项目有误", at(period, 9, 11))
    actor = Actor.unit(unit.code)
    record_received(session, unit, period, 91000, None, actor, now)
    submit(session, unit, period, actor, now)


def _suspended(session: DbSession, unit: IssuingUnit, payers: list[tuple[str, str]], now: datetime) -> None:
    """Bills of five months ago found short at write-off, marked 违规 by the department, never rectified."""
    period = months_back(last_closed_cycle(local_day(now)), 4)
    _issue(session, unit, payers[1], 6000, at(period, 3, 10))
    _issue(session, unit, payers[0], 6000, at(period, 4, 15))
    written = at(period.replace(day=28), 5, 10)  # the 2nd–5th of the next month
    actor = Actor.unit(unit.code)
    record_received(session, unit, period, 6000, None, actor, written)
    submit(session, unit, period, actor, written)
    cycle = cycle_of(session, unit.code, period)
    assert cycle is not None
    bills = list(session.execute(select(WriteOffLine.bill_id).where(WriteOffLine.cycle_id == cycle.id)).scalars())
    text = "考务费到账金额少于开票金额，请核实收费去向，补缴并完善收费台账。"
    mark_violation(session, cycle.id, bills, text, Actor.finance(OFFICER), written + timedelta(days=1))


def seed_writeoff_demo(session: DbSession, units: dict[str, IssuingUnit], now: datetime) -> None:
    payers = [(p.id_number, p.name) for p in load_personas()[:3]]
    if ABNORMAL_UNIT in units:
        _abnormal_last_month(session, units[ABNORMAL_UNIT], payers, now)
    if SUSPENDED_UNIT in units:
        _suspended(session, units[SUSPENDED_UNIT], payers, now)
