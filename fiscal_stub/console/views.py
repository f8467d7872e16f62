"""Console pages. Every mutation is a POST form with CSRF; success redirects (303), refusal re-renders."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from common.personas import load_personas
from common.settings import DEV_SECRET_MARK, is_development
from common.timeutil import to_local, utcnow
from common.web import render_error
from fiscal_stub.api.auth import issuer_token_matches
from fiscal_stub.console import bp
from fiscal_stub.console.forms import issue_order, uploaded_basis
from fiscal_stub.console.sessions import OPERATOR, next_inside, sign_in
from fiscal_stub.extensions import db
from fiscal_stub.models import Bill, IssuingUnit
from fiscal_stub.parsing import has_control
from fiscal_stub.reference.bill_types import BILL_TYPES
from fiscal_stub.reference.provinces import BY_CODE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.issuing import exchange, find_bill, issue, red_reverse
from fiscal_stub.services.layout import layout_pdf
from fiscal_stub.services.orders import draft_for
from fiscal_stub.services.present import bill_status, records_by_bill
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.pdf_files import MAX_PDF_BYTES

SESSION_KEY = OPERATOR


def issuer_session(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not session.get(SESSION_KEY):
            return redirect(url_for("fiscal_console.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


@bp.get("/")
def root() -> ResponseReturnValue:
    return redirect(url_for("fiscal_console.home"))


def dev_token_hint() -> str:
    token = current_app.config["ISSUER_TOKEN"]
    return token if is_development(current_app.config["APP_ENV"]) and token.startswith(DEV_SECRET_MARK) else ""


@bp.route("/console/login", methods=["GET", "POST"])
def login() -> Any:
    error = ""
    if request.method == "POST":
        if issuer_token_matches(request.form.get("token", "")):
            sign_in(SESSION_KEY, True)
            return redirect(next_inside("/console/", url_for("fiscal_console.home")), 303)
        error = "开票口令不正确，请核对后重新输入。"
    status = 401 if error else 200
    return render_template("fiscal/login.html", error=error, hint=dev_token_hint()), status


@bp.post("/console/logout")
def logout() -> ResponseReturnValue:
    session.pop(SESSION_KEY, None)
    return redirect(url_for("fiscal_console.login"), 303)


def home_page(
    form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
    refusal: FiscalError | None = None,
) -> Any:
    """The operator's page; a refusal shows as the lock banner, the rules it broke, or the basis comparison."""
    units = db.session.execute(select(IssuingUnit).order_by(IssuingUnit.province, IssuingUnit.code)).scalars().all()
    recent = db.session.execute(select(Bill).order_by(Bill.id.desc()).limit(12)).scalars().all()
    details = refusal.details if refusal is not None else {}
    reasons, breaches, review = details.get("reasons"), details.get("breaches"), details.get("review")
    shown_error = refusal.message if refusal is not None and not (reasons or breaches) else error
    return render_template(
        "fiscal/console.html",
        types=BILL_TYPES,
        units=units,
        provinces=BY_CODE,
        recent=recent,
        personas=load_personas(),
        form=form or {},
        problems=problems or {},
        error="" if reasons or review else shown_error,
        lock=refusal.message if reasons and refusal is not None else "",
        reasons=reasons or [],
        breaches=breaches or [],
        review=review,
        pdf_max_bytes=MAX_PDF_BYTES,
        to_local=to_local,
    ), status


@bp.get("/console/")
@issuer_session
def home() -> Any:
    return home_page()


@bp.post("/console/bills")
@issuer_session
def issue_bill() -> Any:
    form, now = request.form.to_dict(), clock.now()
    order, problems = issue_order(form, clock.local_day(now))
    basis, basis_problem, basis_status = uploaded_basis(request.files)
    if basis_problem:
        problems["basis"] = basis_problem
    if order is None or basis_problem:
        return home_page(form, problems, "请修改标出的内容后重新开具。", basis_status if basis_problem else 422)
    try:
        bill = issue(db.session, draft_for(db.session, order, now), now, basis, "operator")
    except FiscalError as refused:
        return home_page(form, {}, status=refused.status, refusal=refused)
    flash(f"已开具票据 {bill.code}-{bill.number}，交款人 {bill.payer_name}。", "success")
    return redirect(url_for("fiscal_console.bill_page", code=bill.code, number=bill.number), 303)


@bp.get("/console/find")
@issuer_session
def find() -> Any:
    code, number = request.args.get("code", "").strip(), request.args.get("number", "").strip()
    if find_bill(db.session, code, number) is None:
        return home_page(error="未找到该票据，请核对票据代码（8位）和票据号码（10位）。", status=404)
    return redirect(url_for("fiscal_console.bill_page", code=code, number=number), 303)


def bill_page_of(
    code: str, number: str, error: str = "", status: int = 200, reasons: list[dict[str, str]] | None = None
) -> Any:
    bill = find_bill(db.session, code, number)
    if bill is None:
        return render_error(404, "未找到该票据，请返回开票首页核对票据代码和号码。")
    doc = json.loads(bill.canonical)
    shown = bill_status(bill, records_by_bill(db.session, [bill.id]).get(bill.id, []), utcnow())
    return render_template(
        "fiscal/bill.html",
        bill=bill,
        doc=doc,
        status=shown,
        error="" if reasons else error,
        lock=error if reasons else "",
        reasons=reasons or [],
        issued=to_local(bill.issued_at),
    ), status


@bp.get("/console/bills/<code>/<number>")
@issuer_session
def bill_page(code: str, number: str) -> Any:
    return bill_page_of(code, number)


@bp.get("/console/bills/<code>/<number>.pdf")
@issuer_session
def bill_pdf(code: str, number: str) -> Any:
    bill = find_bill(db.session, code, number)
    if bill is None:
        return render_error(404, "未找到该票据，请返回开票首页核对票据代码和号码。")
    pdf = layout_pdf(bill, current_app.config["SECRET_KEY"])
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{code}-{number}.pdf"'}
    )


@bp.post("/console/bills/<code>/<number>/red-reverse")
@issuer_session
def red_reverse_bill(code: str, number: str) -> Any:
    reason = "".join(c for c in request.form.get("reason", "") if not has_control(c)).strip()[:100]
    try:
        _, red = red_reverse(db.session, code, number, reason, clock.now())
    except FiscalError as refused:
        return bill_page_of(code, number, refused.message, refused.status, refused.details.get("reasons"))
    flash(f"已冲红，红字票据 {red.code}-{red.number}。", "success")
    return redirect(url_for("fiscal_console.bill_page", code=code, number=number), 303)


@bp.post("/console/bills/<code>/<number>/exchange")
@issuer_session
def exchange_bill(code: str, number: str) -> Any:
    try:
        exchange(db.session, code, number, clock.now())
    except FiscalError as refused:
        return bill_page_of(code, number, refused.message, refused.status, refused.details.get("reasons"))
    flash("已换开为纸质票据，该电子票据不能再用于报销。", "success")
    return redirect(url_for("fiscal_console.bill_page", code=code, number=number), 303)
