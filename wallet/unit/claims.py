"""One claim in the unit workspace: the bill with its signature check, and lock, feedback, reject."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from flask import flash, redirect, render_template, request, url_for

from common.money import yuan
from common.timeutil import SHANGHAI, as_utc, to_local, utcnow
from common.web import render_error
from wallet import policy
from wallet.resident.bill_view import BillView
from wallet.services import activity
from wallet.services.reimbursement import (ClaimRefused, Feedback, lock_claim, record_feedback, reject_claim,
                                          unlock_claim, view_claim)
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required

AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/.]{0,63}$")
CLOCK_SKEW = timedelta(minutes=5)


def parse_feedback(form: Mapping[str, str]) -> tuple[Feedback | None, dict[str, str]]:
    """The feedback a unit typed, or a message per wrong field (amount in yuan, time in Beijing time)."""
    errors: dict[str, str] = {}
    raw_amount = (form.get("amount") or "").strip().replace(",", "")
    amount = 0
    if not AMOUNT.match(raw_amount):
        errors["amount"] = "报销金额应为数字，最多两位小数，如 1280.50。"
    else:
        try:
            amount = int(Decimal(raw_amount) * 100)
        except InvalidOperation:
            errors["amount"] = "报销金额应为数字，最多两位小数，如 1280.50。"
    serial = (form.get("serial") or "").strip()
    voucher = (form.get("voucher") or "").strip()
    if not REFERENCE.match(serial):
        errors["serial"] = "请填写业务流水号（1–64 位字母、数字或 - _ / .）。"
    if not REFERENCE.match(voucher):
        errors["voucher"] = "请填写记账凭证号（1–64 位字母、数字或 - _ / .）。"
    when = None
    try:
        when = datetime.strptime((form.get("time") or "").strip(), "%Y-%m-%dT%H:%M").replace(tzinfo=SHANGHAI)
    except ValueError:
        errors["time"] = "请填写报销时间，如 2026-03-06 09:30。"
    if when is not None and as_utc(when) > utcnow() + CLOCK_SKEW:
        errors["time"] = "报销时间不能晚于现在，请核对。"
    if errors or when is None:
        return None, errors
    return Feedback(amount=amount, serial=serial, voucher=voucher, time=when), {}


def detail_page(auth_id: int, status: int = 200, **context: Any) -> Any:
    user = current_unit_user()
    try:
        auth = view_claim(user, auth_id)
    except ClaimRefused as refused:
        return render_error(refused.status, refused.message)
    now = utcnow()
    defaults = {"amount": yuan(policy.remaining(auth.bill)), "time": to_local(now).strftime("%Y-%m-%dT%H:%M")}
    return render_template(
        "wallet/unit/claim.html", auth=auth, bill=BillView(auth.bill, full=True),
        state=policy.effective_state(auth, now), lapsed=policy.lock_lapsed(auth, now),
        remaining=policy.remaining(auth.bill), can=_choices(auth), form=context.pop("form", defaults),
        errors=context.pop("errors", {}),
        history=[e for e in activity.access_history(auth.resident_id, auth.bill_id) if e.authorization_id == auth.id],
        **context), status


def _choices(auth: Any) -> dict[str, bool]:
    actor = policy.UnitActor(current_unit_user().unit)
    return {action: bool(policy.decide(actor, action, authorization=auth, amount=policy.remaining(auth.bill)))
            for action in ("lock", "unlock", "feedback", "reject")}


@bp.get("/claims/<int(max=2147483647):auth_id>")
@unit_required
def claim(auth_id: int) -> Any:
    return detail_page(auth_id)


@bp.post("/claims/<int(max=2147483647):auth_id>/lock")
@unit_required
def lock(auth_id: int) -> Any:
    try:
        auth = lock_claim(current_unit_user(), auth_id)
    except ClaimRefused as refused:
        return _refused(auth_id, refused)
    until = to_local(auth.lock_expires_at).strftime("%Y-%m-%d %H:%M") if auth.lock_expires_at else "—"
    flash(f"已锁定，锁定期至 {until}。请在锁定期内登记报销结果。", "success")
    return redirect(url_for("unit.claim", auth_id=auth_id), code=303)


@bp.post("/claims/<int(max=2147483647):auth_id>/unlock")
@unit_required
def unlock(auth_id: int) -> Any:
    try:
        unlock_claim(current_unit_user(), auth_id)
    except ClaimRefused as refused:
        return _refused(auth_id, refused)
    flash("已解除锁定，授权仍有效；居民在本单位重新锁定前可以撤销授权。", "success")
    return redirect(url_for("unit.claim", auth_id=auth_id), code=303)


@bp.post("/claims/<int(max=2147483647):auth_id>/feedback")
@unit_required
def feedback(auth_id: int) -> Any:
    parsed, errors = parse_feedback(request.form)
    if parsed is None:
        return detail_page(auth_id, 422, form=request.form, errors=errors)
    try:
        auth, replayed = record_feedback(current_unit_user(), auth_id, parsed)
    except ClaimRefused as refused:
        return _refused(auth_id, refused, form=request.form)
    note = "（该流水号此前已登记，未重复报销）" if replayed else ""
    flash(f"报销结果已登记：报销 ¥{yuan(auth.amount)}{note}。", "success")
    return redirect(url_for("unit.claim", auth_id=auth_id), code=303)


@bp.post("/claims/<int(max=2147483647):auth_id>/reject")
@unit_required
def reject(auth_id: int) -> Any:
    reason = " ".join((request.form.get("reason") or "").split())
    if not 2 <= len(reason) <= 200:
        return detail_page(auth_id, 422, errors={"reason": "请填写拒绝原因（2–200 个字），居民将看到它。"})
    try:
        reject_claim(current_unit_user(), auth_id, reason)
    except ClaimRefused as refused:
        return _refused(auth_id, refused)
    flash("已拒绝报销，票据已释放。", "success")
    return redirect(url_for("unit.claim", auth_id=auth_id), code=303)


def _refused(auth_id: int, refused: ClaimRefused, **context: Any) -> Any:
    if refused.status in (403, 404):
        return render_error(refused.status, refused.message)
    return detail_page(auth_id, refused.status, error=refused.message, **context)
