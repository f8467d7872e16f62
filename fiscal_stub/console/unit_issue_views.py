"""The issuing unit issues from its own console, and follows its PDF bases that went to manual review.

Issuing passes the same guard and rule table as every channel. A basis that does not match
the face is held: the unit is sent to the held request, sees the differences, and confirms
it to the finance department (人工复核), or leaves it.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from common.money import yuan_display
from common.timeutil import to_local
from common.web import render_error
from fiscal_stub.console import bp
from fiscal_stub.console.forms import issue_order, uploaded_basis
from fiscal_stub.console.sessions import unit_session
from fiscal_stub.extensions import db
from fiscal_stub.generator.units import types_issued_by
from fiscal_stub.models import Bill, IssueBasis
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.issuing import issue
from fiscal_stub.services.orders import draft_for
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.basis_reviews import review_of, reviews_of_unit, submit
from fiscal_stub.supervision.guard import why_unit_cannot_issue
from fiscal_stub.supervision.pdf_files import MAX_PDF_BYTES


def issue_page(status: int = 200, **context: Any) -> Any:
    context.setdefault("form", {})
    context.setdefault("problems", {})
    recent = db.session.execute(
        select(Bill).where(Bill.issuer_code == g.unit.code).order_by(Bill.id.desc()).limit(10)
    ).scalars()
    return render_template(
        "fiscal/unit/issue.html",
        unit=g.unit,
        types=[BY_KEY[key] for key in types_issued_by(g.unit.category)],
        reasons=why_unit_cannot_issue(db.session, g.unit, clock.now()),
        recent=list(recent),
        pdf_max_bytes=MAX_PDF_BYTES,
        to_local=to_local,
        **context,
    ), status


@bp.get("/console/unit/issue")
@unit_session
def unit_issue() -> Any:
    return issue_page()


@bp.post("/console/unit/issue")
@unit_session
def unit_issue_bill() -> Any:
    form, now = request.form.to_dict(), clock.now()
    form["unit_code"] = g.unit.code
    order, problems = issue_order(form, clock.local_day(now))
    if order is not None and order.type_key not in types_issued_by(g.unit.category):
        problems["type"] = "本单位不开具这类票据，请选择列表中的票据种类。"
    basis, basis_problem, basis_status = uploaded_basis(request.files)
    if basis_problem:
        problems["basis"] = basis_problem
    if order is None or problems:
        status = basis_status if basis_problem else 422
        return issue_page(status, form=form, problems=problems, error="请修改标出的内容后重新开具。")
    try:
        bill = issue(db.session, draft_for(db.session, order, now), now, basis, "unit")
    except FiscalError as refused:
        review = refused.details.get("review")
        if review is not None:
            flash("佐证资料与票面信息不一致，票据未开具：请核对下列差异。", "error")
            return redirect(url_for("fiscal_console.unit_review", review_id=review["id"]), 303)
        breaches = refused.details.get("breaches", [])
        error = "" if breaches or refused.details.get("reasons") else refused.message
        return issue_page(refused.status, form=form, breaches=breaches, error=error)
    said = f"已开具票据 {bill.code}-{bill.number}，交款人 {bill.payer_name}，金额 {yuan_display(bill.total)}。"
    flash(said, "success")
    return redirect(url_for("fiscal_console.unit_issue"), 303)


@bp.get("/console/unit/reviews")
@unit_session
def unit_reviews() -> Any:
    return render_template(
        "fiscal/unit/reviews.html", reviews=reviews_of_unit(db.session, g.unit.code), types=BY_KEY, to_local=to_local
    )


def own_review(review_id: int) -> IssueBasis | None:
    return review_of(db.session, review_id, g.unit.code)


def unit_review_page(review: IssueBasis, status: int = 200, **context: Any) -> Any:
    return render_template(
        "fiscal/unit/review.html",
        review=review,
        face=json.loads(review.face),
        findings=json.loads(review.findings),
        types=BY_KEY,
        to_local=to_local,
        **context,
    ), status


@bp.get("/console/unit/reviews/<int:review_id>")
@unit_session
def unit_review(review_id: int) -> Any:
    review = own_review(review_id)
    if review is None:
        return render_error(404, "没有这份复核申请，请从列表进入。")
    return unit_review_page(review)


@bp.post("/console/unit/reviews/<int:review_id>/submit")
@unit_session
def unit_submit_review(review_id: int) -> Any:
    note = request.form.get("note", "")
    try:
        submit(db.session, review_id, g.unit.code, note, clock.now())
    except FiscalError as refused:
        review = own_review(review_id)
        if review is None:
            return render_error(404, "没有这份复核申请，请从列表进入。")
        return unit_review_page(review, refused.status, error=refused.message, note=note)
    flash("已提交同级财政部门人工复核；复核通过即完成开票，结果会显示在这里。", "success")
    return redirect(url_for("fiscal_console.unit_review", review_id=review_id), 303)


@bp.get("/console/unit/reviews/<int:review_id>.pdf")
@unit_session
def unit_review_pdf(review_id: int) -> Any:
    review = own_review(review_id)
    if review is None:
        return render_error(404, "没有找到这份佐证资料。")
    return basis_file(review)


def basis_file(review: IssueBasis) -> Response:
    return Response(
        review.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="basis-{review.id}.pdf"'},
    )
