"""The finance department's (财政部门) area of the console: units and their states, certificate reminders, UKeys."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, session, url_for

from common.timeutil import to_local
from common.web import render_error
from fiscal_stub.console import bp
from fiscal_stub.console.sessions import FINANCE, finance_session, next_inside, sign_in
from fiscal_stub.console.unit_views import certificate_file
from fiscal_stub.extensions import db
from fiscal_stub.models import IssuingUnit
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.accounts import officer_login
from fiscal_stub.supervision.audit import ACTION_NAMES, Actor, trail
from fiscal_stub.supervision.certificates import KINDS
from fiscal_stub.supervision.guard import supervised
from fiscal_stub.supervision.overview import reminders, supervised_units, unit_detail
from fiscal_stub.supervision.ukeys import issue_enrolment, public_key_of, register_key


@bp.route("/console/finance/login", methods=["GET", "POST"])
def finance_login() -> Any:
    error, username = "", ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:40]
        officer = officer_login(db.session, username, request.form.get("password", ""))
        if officer is not None:
            sign_in(FINANCE, officer.username)
            return redirect(next_inside("/console/finance/", url_for("fiscal_console.finance_home")), 303)
        error = "用户名或密码不正确，请核对后重新输入。"
    return render_template("fiscal/finance/login.html", error=error, username=username), 401 if error else 200


@bp.post("/console/finance/logout")
def finance_logout() -> Any:
    session.pop(FINANCE, None)
    return redirect(url_for("fiscal_console.finance_login"), 303)


@bp.get("/console/finance/")
@finance_session
def finance_home() -> Any:
    states = supervised_units(db.session, clock.now())
    return render_template(
        "fiscal/finance/home.html",
        states=states,
        reminders=reminders(states),
        trail=trail(db.session, limit=20),
        action_names=ACTION_NAMES,
        to_local=to_local,
    )


def supervised_unit(code: str) -> IssuingUnit | None:
    unit = db.session.get(IssuingUnit, code)
    return unit if unit is not None and supervised(unit) else None


def finance_unit_page(unit: IssuingUnit, status: int = 200, **context: Any) -> Any:
    context.setdefault("form", {})
    context.setdefault("problems", {})
    detail = unit_detail(db.session, unit, clock.now())
    return render_template(
        "fiscal/finance/unit.html",
        detail=detail,
        state=detail.state,
        kinds=KINDS,
        action_names=ACTION_NAMES,
        to_local=to_local,
        **context,
    ), status


@bp.get("/console/finance/units/<code>")
@finance_session
def finance_unit(code: str) -> Any:
    unit = supervised_unit(code)
    if unit is None:
        return render_error(404, "没有这个用票单位，请从单位列表进入。")
    return finance_unit_page(unit)


@bp.post("/console/finance/units/<code>/ukeys")
@finance_session
def finance_register_ukey(code: str) -> Any:
    unit = supervised_unit(code)
    if unit is None:
        return render_error(404, "没有这个用票单位，请从单位列表进入。")
    fields = request.form.to_dict()
    try:
        public_raw = public_key_of(fields.get("public_key", ""))
    except ValueError as bad:
        return finance_unit_page(unit, 422, form=fields, problems={"public_key": str(bad)}, error="UKey 没有登记。")
    try:
        key = register_key(db.session, unit, public_raw, Actor.finance(g.officer.username), clock.now())
    except FiscalError as refused:
        return finance_unit_page(unit, refused.status, form=fields, error=refused.message)
    flash(f"已为{unit.name}登记新 UKey {key.serial}；单位用它登录后，挂失锁定即解除。", "success")
    return redirect(url_for("fiscal_console.finance_unit", code=code), 303)


@bp.post("/console/finance/units/<code>/enrolment")
@finance_session
def finance_enrolment(code: str) -> Any:
    unit = supervised_unit(code)
    if unit is None:
        return render_error(404, "没有这个用票单位，请从单位列表进入。")
    try:
        phone = issue_enrolment(db.session, unit, Actor.finance(g.officer.username), clock.now())
    except FiscalError as refused:
        return finance_unit_page(unit, refused.status, error=refused.message)
    flash(f"UKey 登记码已通过短信发送至票据管理员手机 {phone}，72小时内有效。", "success")
    return redirect(url_for("fiscal_console.finance_unit", code=code), 303)


@bp.get("/console/finance/certificates/<int:certificate_id>.pdf")
@finance_session
def finance_certificate_pdf(certificate_id: int) -> Any:
    return certificate_file(certificate_id, None)
