"""The finance department's side of 异常票据: clear them (then written off) or mark them 违规 with a
rectification notice; the unit reports what it put right, and the department accepts it.

A notice runs three calendar months from the day it is issued; still not rectified on its
deadline, it suspends the unit's allocation of numbers (:func:`~fiscal_stub.supervision.writeoff.suspension_reason`)
until the department accepts the unit's report.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from common.database import DbSession, write_transaction
from fiscal_stub.models import Bill, IssuingUnit, RectificationNotice, WriteOffCycle, WriteOffLine
from fiscal_stub.parsing import has_control
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.events import append_event
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.batches import months_back
from fiscal_stub.supervision.certificates import day_text
from fiscal_stub.supervision.clock import local_day
from fiscal_stub.supervision.writeoff import ABNORMAL, VIOLATION, WRITTEN_OFF, period_text
from fiscal_stub.supervision.writeoffs import settle_cycle

RECTIFY_MONTHS = 3
TEXT_LIMITS = (5, 1000)


def clean_text(text: str, what: str) -> str:
    """Free text as kept: control characters refused, length within limits (FiscalError in Chinese)."""
    value = text.strip()
    low, high = TEXT_LIMITS
    if not low <= len(value) <= high or has_control(value.replace("\n", "").replace("\r", "")):
        raise FiscalError(422, "invalid_text", f"请填写{what}（{low}至{high}个字）。")
    return value


def _lines_for_update(
    session: DbSession, cycle_id: int, bill_ids: list[int], state: str
) -> tuple[WriteOffCycle, list[tuple[WriteOffLine, Bill]]]:
    write_transaction(session)
    cycle = session.execute(
        select(WriteOffCycle).where(WriteOffCycle.id == cycle_id).with_for_update()
    ).scalar_one_or_none()
    if cycle is None:
        session.rollback()
        raise FiscalError(404, "cycle_not_found", "没有找到这个核销周期。")
    if not bill_ids:
        session.rollback()
        raise FiscalError(422, "no_bills_chosen", "请至少选择一张票据。")
    rows = session.execute(
        select(WriteOffLine, Bill)
        .join(Bill, Bill.id == WriteOffLine.bill_id)
        .where(WriteOffLine.cycle_id == cycle_id, WriteOffLine.bill_id.in_(bill_ids))
        .order_by(Bill.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    if len(rows) != len(set(bill_ids)) or any(line.state != state for line, _ in rows):
        session.rollback()
        raise FiscalError(409, "bills_already_decided", "所选票据中有的已经处理过，请刷新页面后重新选择。")
    return cycle, [(line, bill) for line, bill in rows]


def _mark(rows: list[tuple[WriteOffLine, Bill]], session: DbSession, state: str, by: Actor, now: datetime) -> None:
    for line, bill in rows:
        line.state, line.decided_by, line.decided_at = state, f"{by.kind}:{by.id}", now
        bill.writeoff = state
        append_event(session, bill, state, now)


def clear(session: DbSession, cycle_id: int, bill_ids: list[int], officer: Actor, now: datetime) -> int:
    """The bills meet the rules after all: the anomaly is lifted and they are written off."""
    cycle, rows = _lines_for_update(session, cycle_id, bill_ids, ABNORMAL)
    _mark(rows, session, WRITTEN_OFF, officer, now)
    settle_cycle(session, cycle, now)
    numbers = "、".join(bill.number for _, bill in rows[:10]) + ("等" if len(rows) > 10 else "")
    detail = f"{period_text(cycle.period_start)}：{len(rows)} 张（{numbers}）解除异常，完成核销"
    record(session, officer, "abnormal.cleared", cycle.unit_code, detail, now)
    session.commit()
    return len(rows)


def mark_violation(
    session: DbSession, cycle_id: int, bill_ids: list[int], text: str, officer: Actor, now: datetime
) -> RectificationNotice:
    """The bills break the rules: marked 违规, and the unit gets a notice to rectify within three months."""
    notice_text = clean_text(text, "整改要求")
    cycle, rows = _lines_for_update(session, cycle_id, bill_ids, ABNORMAL)
    deadline = months_back(local_day(now), -RECTIFY_MONTHS)
    notice = RectificationNotice(
        unit_code=cycle.unit_code,
        cycle_id=cycle.id,
        text=notice_text,
        issued_by=officer.id,
        issued_at=now,
        deadline=deadline,
        status="open",
    )
    session.add(notice)
    session.flush()
    for line, _ in rows:
        line.notice_id = notice.id
    _mark(rows, session, VIOLATION, officer, now)
    settle_cycle(session, cycle, now)
    detail = f"{period_text(cycle.period_start)}：{len(rows)} 张标记违规，整改期限至{day_text(deadline)}"
    record(session, officer, "abnormal.violation", cycle.unit_code, detail, now)
    session.commit()
    return notice


def _notice_for_update(session: DbSession, notice_id: int, unit_code: str | None) -> RectificationNotice:
    write_transaction(session)
    notice = session.execute(
        select(RectificationNotice).where(RectificationNotice.id == notice_id).with_for_update()
    ).scalar_one_or_none()
    if notice is None or (unit_code is not None and notice.unit_code != unit_code):
        session.rollback()
        raise FiscalError(404, "notice_not_found", "没有找到这份整改通知。")
    if notice.status == "rectified":
        session.rollback()
        raise FiscalError(409, "notice_closed", "这份整改通知已确认整改完成。")
    return notice


def report(session: DbSession, unit: IssuingUnit, notice_id: int, text: str, now: datetime) -> RectificationNotice:
    """The unit says what it put right (again, if it wants to add to it, until the department accepts)."""
    body = clean_text(text, "整改情况")
    notice = _notice_for_update(session, notice_id, unit.code)
    notice.report, notice.reported_at, notice.status = body, now, "reported"
    record(session, Actor.unit(unit.code), "rectification.reported", unit.code, f"整改通知 {notice.id}", now)
    session.commit()
    return notice


def accept(session: DbSession, notice_id: int, officer: Actor, now: datetime) -> RectificationNotice:
    """Rectified: the notice closes, its bills are written off, a suspension it caused lifts."""
    notice = _notice_for_update(session, notice_id, None)
    if notice.status != "reported":
        session.rollback()
        raise FiscalError(409, "report_missing", "单位尚未提交整改情况，暂不能确认整改完成。")
    rows = session.execute(
        select(WriteOffLine, Bill)
        .join(Bill, Bill.id == WriteOffLine.bill_id)
        .where(WriteOffLine.notice_id == notice.id, WriteOffLine.state == VIOLATION)
        .order_by(Bill.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    _mark([(line, bill) for line, bill in rows], session, WRITTEN_OFF, officer, now)
    notice.status, notice.closed_by, notice.closed_at = "rectified", officer.id, now
    cycle = session.get(WriteOffCycle, notice.cycle_id)
    assert cycle is not None
    settle_cycle(session, cycle, now)
    detail = f"整改通知 {notice.id}：{len(rows)} 张违规票据整改完成并核销"
    record(session, officer, "rectification.accepted", notice.unit_code, detail, now)
    session.commit()
    return notice
