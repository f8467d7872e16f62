"""The issuing unit's write-off (票据核销): its cycles, a cycle's reconciliation table with the amounts that
arrived (typed or imported as CSV), the write-off itself, and its 异常票据 and rectification notices."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from common.money import AmountRefused
from common.timeutil import to_local
from common.web import render_error
from fiscal_stub.console import bp
from fiscal_stub.console.sessions import unit_session
from fiscal_stub.extensions import db
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.cycles import cycles_of, is_closed
from fiscal_stub.supervision.overview import unit_state
from fiscal_stub.supervision.received import MAX_CSV_BYTES, CsvRefused, read_csv, typed_total
from fiscal_stub.supervision.reconciliation import bill_key
from fiscal_stub.supervision.review import report
from fiscal_stub.supervision.workdays import writeoff_deadline
from fiscal_stub.supervision.writeoff import BILL_STATES, CYCLE_STATES, cycle_end, cycle_of, period_text
from fiscal_stub.supervision.writeoff_overview import lines_of, notices, unit_lines, unit_writeoff
from fiscal_stub.supervision.writeoffs import reconciliation_of, record_received, submit

PERIOD = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])", re.ASCII)
SHARED = {"cycle_states": CYCLE_STATES, "bill_states": BILL_STATES, "period_text": period_text, "to_local": to_local}


def period_of(text: str) -> date | None:
    match = PERIOD.fullmatch(text)
    return date(int(match[1]), int(match[2]), 1) if match else None


def writeoff_home(status: int = 200, **context: Any) -> Any:
    now = clock.now()
    state = unit_state(db.session, g.unit, g.account, now)
    context.setdefault("form", {})
    context.setdefault("error", "")
    return render_template(
        "fiscal/unit/writeoff.html",
        state=state,
        writeoff=unit_writeoff(db.session, g.unit, now),
        cycles=cycles_of(db.session, g.unit.code),
        review=unit_lines(db.session, g.unit.code, ("abnormal", "violation")),
        notices=notices(db.session, g.unit.code),
        deadline=writeoff_deadline(state.today),
        **SHARED,
        **context,
    ), status


@bp.get("/console/unit/writeoff")
@unit_session
def unit_writeoff_home() -> Any:
    return writeoff_home()


def cycle_page(period: date, status: int = 200, **context: Any) -> Any:
    cycle = cycle_of(db.session, g.unit.code, period)
    if cycle is None:
        return render_error(404, f"本单位{period_text(period)}没有需要核销的票据，请从核销周期列表进入。")
    now = clock.now()
    context.setdefault("form", {})
    context.setdefault("error", "")
    context.setdefault("csv_problems", [])
    return render_template(
        "fiscal/unit/cycle.html",
        cycle=cycle,
        period=period,
        period_end=cycle_end(period),
        closed=is_closed(cycle, clock.local_day(now)),
        result=reconciliation_of(db.session, cycle),
        lines={line.bill_id: line for line, _ in lines_of(db.session, cycle.id)},
        csv_max_bytes=MAX_CSV_BYTES,
        bill_key=bill_key,
        **SHARED,
        **context,
    ), status


def _period_or_404(text: str) -> date | Any:
    period = period_of(text)
    return period if period is not None else render_error(404, "没有这个核销周期，请从核销周期列表进入。")


@bp.get("/console/unit/writeoff/<period_text_>")
@unit_session
def unit_cycle(period_text_: str) -> Any:
    period = _period_or_404(period_text_)
    return cycle_page(period) if isinstance(period, date) else period


@bp.post("/console/unit/writeoff/<period_text_>/received")
@unit_session
def unit_cycle_received(period_text_: str) -> Any:
    period = _period_or_404(period_text_)
    if not isinstance(period, date):
        return period
    fields = request.form.to_dict()
    try:
        total = typed_total(fields.get("received", ""))
    except AmountRefused as refused:
        return cycle_page(period, 422, form=fields, error=f"到账金额没有保存：{refused.message}")
    try:
        record_received(db.session, g.unit, period, total, None, Actor.unit(g.unit.code), clock.now())
    except FiscalError as refused:
        return cycle_page(period, refused.status, form=fields, error=refused.message)
    flash("已保存本周期的实际到账金额，请核对下表后提交核销。", "success")
    return redirect(url_for("fiscal_console.unit_cycle", period_text_=period_text_), 303)


@bp.post("/console/unit/writeoff/<period_text_>/import")
@unit_session
def unit_cycle_import(period_text_: str) -> Any:
    period = _period_or_404(period_text_)
    if not isinstance(period, date):
        return period
    cycle = cycle_of(db.session, g.unit.code, period)
    if cycle is None:
        return render_error(404, f"本单位{period_text(period)}没有需要核销的票据。")
    upload = request.files.get("file")
    data = upload.read(MAX_CSV_BYTES + 1) if upload is not None else b""
    keys = {bill_key(r.bill.code, r.bill.number) for r in reconciliation_of(db.session, cycle).rows}
    db.session.rollback()
    try:
        amounts = read_csv(data, keys)
    except CsvRefused as refused:
        problems = [str(p) for p in refused.problems]
        return cycle_page(period, 422, error="CSV 没有导入，请修改下列问题后重新导入：", csv_problems=problems)
    try:
        record_received(db.session, g.unit, period, None, amounts, Actor.unit(g.unit.code), clock.now())
    except FiscalError as refused:
        return cycle_page(period, refused.status, error=refused.message)
    flash(f"已导入 {len(amounts)} 张票据的到账金额，请核对下表后提交核销。", "success")
    return redirect(url_for("fiscal_console.unit_cycle", period_text_=period_text_), 303)


@bp.post("/console/unit/writeoff/<period_text_>/submit")
@unit_session
def unit_cycle_submit(period_text_: str) -> Any:
    period = _period_or_404(period_text_)
    if not isinstance(period, date):
        return period
    try:
        result = submit(db.session, g.unit, period, Actor.unit(g.unit.code), clock.now())
    except FiscalError as refused:
        return cycle_page(period, refused.status, error=refused.message)
    if result.abnormal:
        message = (
            f"{period_text(period)}核销已提交：{len(result.rows) - len(result.abnormal)} 张已核销，"
            f"{len(result.abnormal)} 张核对不一致，已标记为异常票据并推送财政部门审核。"
        )
    else:
        message = f"{period_text(period)}的 {len(result.rows)} 张票据已全部核销。"
    flash(message, "success")
    return redirect(url_for("fiscal_console.unit_cycle", period_text_=period_text_), 303)


@bp.post("/console/unit/rectifications/<int:notice_id>")
@unit_session
def unit_rectification_report(notice_id: int) -> Any:
    fields = request.form.to_dict()
    try:
        report(db.session, g.unit, notice_id, fields.get("report", ""), clock.now())
    except FiscalError as refused:
        if refused.status == 404:
            return render_error(404, refused.message)
        return writeoff_home(refused.status, form={**fields, "notice": notice_id}, error=refused.message)
    flash("整改情况已提交财政部门，财政部门确认整改完成后恢复正常。", "success")
    return redirect(url_for("fiscal_console.unit_writeoff_home"), 303)
