"""The finance department's write-off area: units and their write-off states with the figures, the 异常票据
queue (clear, or mark 违规 with a rectification notice), and the notices awaiting acceptance."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from common.timeutil import to_local
from common.web import render_error
from fiscal_stub.console import bp
from fiscal_stub.console.sessions import finance_session
from fiscal_stub.extensions import db
from fiscal_stub.models import IssuingUnit, WriteOffCycle
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.review import accept, clear, mark_violation
from fiscal_stub.supervision.writeoff import BILL_STATES, CYCLE_STATES, period_text
from fiscal_stub.supervision.writeoff_overview import (
    UNIT_STATES,
    abnormal_queue,
    figures,
    lines_of,
    notices,
    units_writeoff,
)

SHARED = {"cycle_states": CYCLE_STATES, "bill_states": BILL_STATES, "period_text": period_text, "to_local": to_local}


@bp.get("/console/finance/writeoff")
@finance_session
def finance_writeoff() -> Any:
    now = clock.now()
    states = units_writeoff(db.session, now)
    return render_template(
        "fiscal/finance/writeoff.html",
        states=states,
        figures=figures(db.session, states, now),
        unit_states=UNIT_STATES,
        queue=abnormal_queue(db.session),
        notices=notices(db.session, open_only=True),
        units={s.unit.code: s.unit for s in states},
        today=clock.local_day(now),
        **SHARED,
    )


def case_page(cycle_id: int, status: int = 200, **context: Any) -> Any:
    cycle = db.session.get(WriteOffCycle, cycle_id)
    unit = db.session.get(IssuingUnit, cycle.unit_code) if cycle is not None else None
    if cycle is None or unit is None:
        return render_error(404, "没有找到这个核销周期，请从异常票据列表进入。")
    context.setdefault("form", {})
    context.setdefault("error", "")
    context.setdefault("chosen", None)
    return render_template(
        "fiscal/finance/case.html",
        cycle=cycle,
        unit=unit,
        lines=lines_of(db.session, cycle.id),
        notices=[n for n in notices(db.session, unit.code) if n.cycle_id == cycle.id],
        today=clock.local_day(clock.now()),
        **SHARED,
        **context,
    ), status


@bp.get("/console/finance/abnormal/<int:cycle_id>")
@finance_session
def finance_case(cycle_id: int) -> Any:
    return case_page(cycle_id)


def chosen_bills() -> list[int] | None:
    values = request.form.getlist("bill")
    if not all(v.isascii() and v.isdigit() and len(v) <= 12 for v in values):
        return None
    return sorted({int(v) for v in values})


@bp.post("/console/finance/abnormal/<int:cycle_id>/clear")
@finance_session
def finance_case_clear(cycle_id: int) -> Any:
    bills = chosen_bills()
    if bills is None:
        return case_page(cycle_id, 400, error="所选票据无效，请刷新页面后重新选择。")
    try:
        count = clear(db.session, cycle_id, bills, Actor.finance(g.officer.username), clock.now())
    except FiscalError as refused:
        return case_page(cycle_id, refused.status, error=refused.message, chosen=bills)
    flash(f"已解除 {count} 张票据的异常，并完成核销。", "success")
    return redirect(url_for("fiscal_console.finance_case", cycle_id=cycle_id), 303)


@bp.post("/console/finance/abnormal/<int:cycle_id>/violation")
@finance_session
def finance_case_violation(cycle_id: int) -> Any:
    bills = chosen_bills()
    fields = request.form.to_dict()
    if bills is None:
        return case_page(cycle_id, 400, form=fields, error="所选票据无效，请刷新页面后重新选择。")
    try:
        notice = mark_violation(
            db.session, cycle_id, bills, fields.get("notice", ""), Actor.finance(g.officer.username), clock.now()
        )
    except FiscalError as refused:
        return case_page(cycle_id, refused.status, form=fields, error=refused.message, chosen=bills)
    flash(f"已标记 {len(bills)} 张票据为违规，并下发整改通知（整改期限至 {notice.deadline.isoformat()}）。", "success")
    return redirect(url_for("fiscal_console.finance_case", cycle_id=cycle_id), 303)


@bp.post("/console/finance/notices/<int:notice_id>/accept")
@finance_session
def finance_notice_accept(notice_id: int) -> Any:
    try:
        notice = accept(db.session, notice_id, Actor.finance(g.officer.username), clock.now())
    except FiscalError as refused:
        if refused.status == 404:
            return render_error(404, refused.message)
        cycle_id = request.form.get("cycle", "")
        if cycle_id.isascii() and cycle_id.isdigit():
            return case_page(int(cycle_id), refused.status, error=refused.message)
        return render_error(refused.status, refused.message)
    flash("已确认整改完成：违规票据已核销，因该通知暂停的票据申领已恢复。", "success")
    return redirect(url_for("fiscal_console.finance_case", cycle_id=notice.cycle_id), 303)
