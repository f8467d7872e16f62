"""One claim in the unit workspace — authorized by a resident or taken in by the unit itself —
with the bill, its signature check, and lock, unlock, feedback, reject."""

from __future__ import annotations

from typing import Any

from flask import render_template

from common.money import yuan
from common.timeutil import to_local, utcnow
from wallet import copy, policy
from wallet.presenters.bill import UNIT_CLAIM, BillView
from wallet.services import activity
from wallet.services.reimbursement import view_claim
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required
from wallet.unit.claim_actions import ClaimPages


def detail_page(claim_id: int, status: int = 200, **context: Any) -> Any:
    claim = view_claim(current_unit_user(), claim_id)
    now = utcnow()
    state, lapsed = policy.effective_state(claim, now), policy.lock_lapsed(claim, now)
    left = policy.remaining(claim.bill)
    defaults = {"amount": yuan(left), "time": to_local(now).strftime("%Y-%m-%dT%H:%M")}
    history = []
    if claim.for_resident:
        assert claim.resident_id is not None
        history = [e for e in activity.access_history(claim.resident_id, claim.bill_id) if e.claim_id == claim.id]
    return render_template(
        "wallet/unit/claim.html",
        claim=claim,
        bill=BillView(claim.bill, parts=UNIT_CLAIM),  # type: ignore[arg-type]  # a ClaimFile answers all UNIT_CLAIM reads
        state=state,
        lapsed=lapsed,
        chip=copy.claim_chip(state, audience="unit", lapsed=lapsed),
        remaining=left,
        can=PAGES.choices(claim, left),
        form=context.pop("form", defaults),
        errors=context.pop("errors", {}),
        history=history,
        **context,
    ), status


PAGES = ClaimPages(show=detail_page)


@bp.get("/claims/<int(max=2147483647):claim_id>")
@unit_required
def claim(claim_id: int) -> Any:
    return detail_page(claim_id)


@bp.post("/claims/<int(max=2147483647):claim_id>/lock")
@unit_required
def lock(claim_id: int) -> Any:
    return PAGES.lock(claim_id)


@bp.post("/claims/<int(max=2147483647):claim_id>/unlock")
@unit_required
def unlock(claim_id: int) -> Any:
    return PAGES.unlock(claim_id)


@bp.post("/claims/<int(max=2147483647):claim_id>/feedback")
@unit_required
def feedback(claim_id: int) -> Any:
    return PAGES.feedback(claim_id)


@bp.post("/claims/<int(max=2147483647):claim_id>/reject")
@unit_required
def reject(claim_id: int) -> Any:
    return PAGES.reject(claim_id)
