"""One file-mode claim (文件报销) in the unit workspace: the verified bill, and lock, feedback, reject.

The actions are the account-mode ones (same service functions, same policy, same feedback
form), called with ``mode="file"``; a claim of another unit answers 404.
"""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from common.money import yuan
from common.timeutil import to_local, utcnow
from common.web import render_error
from wallet import policy
from wallet.models.file_claim import FileClaim
from wallet.resident.bill_view import BillView
from wallet.services.reimbursement import (ClaimRefused, lock_claim, record_feedback, reject_claim, unlock_claim,
                                          view_claim)
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required
from wallet.unit.claims import parse_feedback

FILE = "file"


def detail_page(claim_id: int, status: int = 200, **context: Any) -> Any:
    try:
        claim = view_claim(current_unit_user(), claim_id, mode=FILE)
    except ClaimRefused as refused:
        return render_error(refused.status, refused.message)
    now = utcnow()
    left = policy.remaining(claim)
    defaults = {"amount": yuan(left), "time": to_local(now).strftime("%Y-%m-%dT%H:%M")}
    return render_template(
        "wallet/unit/file_claim.html", claim=claim, bill=BillView(claim, full=True),  # type: ignore[arg-type]
        state=policy.effective_state(claim, now), lapsed=policy.lock_lapsed(claim, now), remaining=left,
        can=_choices(claim), form=context.pop("form", defaults), errors=context.pop("errors", {}), **context), status


def _choices(claim: FileClaim) -> dict[str, bool]:
    actor = policy.UnitActor(current_unit_user().unit)
    return {action: bool(policy.decide(actor, action, authorization=claim, amount=policy.remaining(claim)))
            for action in ("lock", "unlock", "feedback", "reject")}


@bp.get("/file-claims/<int(max=2147483647):claim_id>")
@unit_required
def file_claim(claim_id: int) -> Any:
    return detail_page(claim_id)


@bp.post("/file-claims/<int(max=2147483647):claim_id>/lock")
@unit_required
def file_lock(claim_id: int) -> Any:
    try:
        claim = lock_claim(current_unit_user(), claim_id, mode=FILE)
    except ClaimRefused as refused:
        return _refused(claim_id, refused)
    until = to_local(claim.lock_expires_at).strftime("%Y-%m-%d %H:%M") if claim.lock_expires_at else "—"
    flash(f"已锁定，锁定期至 {until}。请在锁定期内登记报销结果。", "success")
    return redirect(url_for("unit.file_claim", claim_id=claim_id), code=303)


@bp.post("/file-claims/<int(max=2147483647):claim_id>/unlock")
@unit_required
def file_unlock(claim_id: int) -> Any:
    try:
        unlock_claim(current_unit_user(), claim_id, mode=FILE)
    except ClaimRefused as refused:
        return _refused(claim_id, refused)
    flash("已解除锁定，票据仍在本单位待办中，可重新锁定后办理。", "success")
    return redirect(url_for("unit.file_claim", claim_id=claim_id), code=303)


@bp.post("/file-claims/<int(max=2147483647):claim_id>/feedback")
@unit_required
def file_feedback(claim_id: int) -> Any:
    parsed, errors = parse_feedback(request.form)
    if parsed is None:
        return detail_page(claim_id, 422, form=request.form, errors=errors)
    try:
        claim, replayed = record_feedback(current_unit_user(), claim_id, parsed, mode=FILE)
    except ClaimRefused as refused:
        return _refused(claim_id, refused, form=request.form)
    note = "（该流水号此前已登记，未重复报销）" if replayed else ""
    flash(f"报销结果已登记：报销 ¥{yuan(claim.amount)}{note}。", "success")
    return redirect(url_for("unit.file_claim", claim_id=claim_id), code=303)


@bp.post("/file-claims/<int(max=2147483647):claim_id>/reject")
@unit_required
def file_reject(claim_id: int) -> Any:
    reason = " ".join((request.form.get("reason") or "").split())
    if not 2 <= len(reason) <= 200:
        return detail_page(claim_id, 422, errors={"reason": "请填写拒绝原因（2–200 个字）。"})
    try:
        reject_claim(current_unit_user(), claim_id, reason, mode=FILE)
    except ClaimRefused as refused:
        return _refused(claim_id, refused)
    flash("已拒绝报销，票据已释放。", "success")
    return redirect(url_for("unit.file_claim", claim_id=claim_id), code=303)


def _refused(claim_id: int, refused: ClaimRefused, **context: Any) -> Any:
    if refused.status in (403, 404):
        return render_error(refused.status, refused.message)
    return detail_page(claim_id, refused.status, error=refused.message, **context)
