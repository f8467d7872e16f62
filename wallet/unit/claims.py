"""One claim in the unit workspace: the bill with its signature check, and lock, feedback, reject."""
from __future__ import annotations

from typing import Any

from flask import render_template

from common.money import yuan
from common.timeutil import to_local, utcnow
from common.web import render_error
from wallet import policy
from wallet.resident.bill_view import BillView
from wallet.services import activity
from wallet.services.reimbursement import ClaimRefused, view_claim
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required
from wallet.unit.claim_actions import ClaimPages


def detail_page(auth_id: int, status: int = 200, **context: Any) -> Any:
    try:
        auth = view_claim(current_unit_user(), auth_id)
    except ClaimRefused as refused:
        return render_error(refused.status, refused.message)
    now = utcnow()
    left = policy.remaining(auth.bill)
    defaults = {"amount": yuan(left), "time": to_local(now).strftime("%Y-%m-%dT%H:%M")}
    return render_template(
        "wallet/unit/claim.html", auth=auth, bill=BillView(auth.bill, full=True),
        state=policy.effective_state(auth, now), lapsed=policy.lock_lapsed(auth, now),
        remaining=left, can=PAGES.choices(auth, left), form=context.pop("form", defaults),
        errors=context.pop("errors", {}),
        history=[e for e in activity.access_history(auth.resident_id, auth.bill_id) if e.authorization_id == auth.id],
        **context), status


PAGES = ClaimPages(mode="account", show=detail_page, endpoint="unit.claim", id_arg="auth_id",
                   unlocked="已解除锁定，授权仍有效；居民在本单位重新锁定前可以撤销授权。",
                   reason_error="请填写拒绝原因（2–200 个字），居民将看到它。")


@bp.get("/claims/<int(max=2147483647):auth_id>")
@unit_required
def claim(auth_id: int) -> Any:
    return detail_page(auth_id)


@bp.post("/claims/<int(max=2147483647):auth_id>/lock")
@unit_required
def lock(auth_id: int) -> Any:
    return PAGES.lock(auth_id)


@bp.post("/claims/<int(max=2147483647):auth_id>/unlock")
@unit_required
def unlock(auth_id: int) -> Any:
    return PAGES.unlock(auth_id)


@bp.post("/claims/<int(max=2147483647):auth_id>/feedback")
@unit_required
def feedback(auth_id: int) -> Any:
    return PAGES.feedback(auth_id)


@bp.post("/claims/<int(max=2147483647):auth_id>/reject")
@unit_required
def reject(auth_id: int) -> Any:
    return PAGES.reject(auth_id)
