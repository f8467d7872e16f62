"""One file-mode claim (文件报销) in the unit workspace: the verified bill, and lock, feedback, reject.

The actions are the account-mode ones (same service functions, same policy, same feedback
form, ``wallet.unit.claim_actions``), called with ``mode="file"``; a claim of another unit
answers 404.
"""
from __future__ import annotations

from typing import Any

from flask import render_template

from common.money import yuan
from common.timeutil import to_local, utcnow
from common.web import render_error
from wallet import policy
from wallet.resident.bill_view import BillView
from wallet.services.reimbursement import ClaimRefused, view_claim
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required
from wallet.unit.claim_actions import ClaimPages


def detail_page(claim_id: int, status: int = 200, **context: Any) -> Any:
    try:
        claim = view_claim(current_unit_user(), claim_id, mode="file")
    except ClaimRefused as refused:
        return render_error(refused.status, refused.message)
    now = utcnow()
    left = policy.remaining(claim)
    defaults = {"amount": yuan(left), "time": to_local(now).strftime("%Y-%m-%dT%H:%M")}
    return render_template(
        "wallet/unit/file_claim.html", claim=claim, bill=BillView(claim, full=True),  # type: ignore[arg-type]
        state=policy.effective_state(claim, now), lapsed=policy.lock_lapsed(claim, now), remaining=left,
        can=PAGES.choices(claim, left), form=context.pop("form", defaults), errors=context.pop("errors", {}),
        **context), status


PAGES = ClaimPages(mode="file", show=detail_page, endpoint="unit.file_claim", id_arg="claim_id",
                   unlocked="已解除锁定，票据仍在本单位待办中，可重新锁定后办理。",
                   reason_error="请填写拒绝原因（2–200 个字）。")


@bp.get("/file-claims/<int(max=2147483647):claim_id>")
@unit_required
def file_claim(claim_id: int) -> Any:
    return detail_page(claim_id)


@bp.post("/file-claims/<int(max=2147483647):claim_id>/lock")
@unit_required
def file_lock(claim_id: int) -> Any:
    return PAGES.lock(claim_id)


@bp.post("/file-claims/<int(max=2147483647):claim_id>/unlock")
@unit_required
def file_unlock(claim_id: int) -> Any:
    return PAGES.unlock(claim_id)


@bp.post("/file-claims/<int(max=2147483647):claim_id>/feedback")
@unit_required
def file_feedback(claim_id: int) -> Any:
    return PAGES.feedback(claim_id)


@bp.post("/file-claims/<int(max=2147483647):claim_id>/reject")
@unit_required
def file_reject(claim_id: int) -> Any:
    return PAGES.reject(claim_id)
