"""The finance department's manual-review queue (人工复核): the text read from each PDF basis beside the face,
approve (the bill issues) or refuse with a reason the unit sees."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, g, redirect, render_template, request, url_for

from common.timeutil import to_local
from common.web import render_error
from fiscal_stub.console import bp
from fiscal_stub.console.sessions import finance_session
from fiscal_stub.console.unit_issue_views import basis_file
from fiscal_stub.extensions import db
from fiscal_stub.models import IssueBasis, IssuingUnit
from fiscal_stub.reference.bill_types import BY_KEY
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.basis_reviews import approve, recent_decisions, refuse, review_of, review_queue

MISSING = "没有这份复核申请，请从复核队列进入。"


@bp.get("/console/finance/reviews")
@finance_session
def finance_reviews() -> Any:
    queue, decided = review_queue(db.session), recent_decisions(db.session)
    codes = {r.unit_code for r in queue + decided}
    names = {u.code: u.name for u in (db.session.get(IssuingUnit, c) for c in codes) if u is not None}
    return render_template(
        "fiscal/finance/reviews.html", queue=queue, decided=decided, names=names, types=BY_KEY, to_local=to_local
    )


def finance_review_page(review: IssueBasis, status: int = 200, **context: Any) -> Any:
    return render_template(
        "fiscal/finance/review.html",
        review=review,
        unit=db.session.get(IssuingUnit, review.unit_code),
        face=json.loads(review.face),
        findings=json.loads(review.findings),
        types=BY_KEY,
        to_local=to_local,
        **context,
    ), status


@bp.get("/console/finance/reviews/<int:review_id>")
@finance_session
def finance_review(review_id: int) -> Any:
    review = review_of(db.session, review_id)
    if review is None:
        return render_error(404, MISSING)
    return finance_review_page(review)


@bp.post("/console/finance/reviews/<int:review_id>/approve")
@finance_session
def finance_approve(review_id: int) -> Any:
    try:
        review = approve(db.session, review_id, Actor.finance(g.officer.username), clock.now())
    except FiscalError as refused:
        again = review_of(db.session, review_id)
        if again is None:
            return render_error(404, MISSING)
        return finance_review_page(again, refused.status, error=refused.message)
    flash(f"复核通过，已开具票据 {review.bill_code}-{review.bill_number}。", "success")
    return redirect(url_for("fiscal_console.finance_review", review_id=review_id), 303)


@bp.post("/console/finance/reviews/<int:review_id>/refuse")
@finance_session
def finance_refuse(review_id: int) -> Any:
    reason = request.form.get("reason", "")
    try:
        refuse(db.session, review_id, Actor.finance(g.officer.username), reason, clock.now())
    except FiscalError as refused:
        again = review_of(db.session, review_id)
        if again is None:
            return render_error(404, MISSING)
        problems = {"reason": refused.message} if refused.code == "reason_required" else {}
        return finance_review_page(again, refused.status, error=refused.message, reason=reason, problems=problems)
    flash("已退回：复核不通过，票据未开具，单位将看到不通过的原因。", "success")
    return redirect(url_for("fiscal_console.finance_review", review_id=review_id), 303)


@bp.get("/console/finance/reviews/<int:review_id>.pdf")
@finance_session
def finance_review_pdf(review_id: int) -> Any:
    review = review_of(db.session, review_id)
    if review is None:
        return render_error(404, "没有找到这份佐证资料。")
    return basis_file(review)
