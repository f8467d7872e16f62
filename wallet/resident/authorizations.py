"""The resident's authorizations: the overview tab, revoking, and the signed receipts to keep.

The overview route itself (``resident.authorizations``) renders its template; the context
it needs comes from :func:`overview_context`, injected for that endpoint only, and the same
section re-fetches itself (``/authorizations/overview``) whenever ``billsChanged`` fires.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from common.web import render_error
from wallet.extensions import db
from wallet.models.authorization import OPEN_STATES
from wallet.models.collection import SyncState
from wallet.models.resident import Resident
from wallet.resident import bp
from wallet.resident.auth_view import AuthorizationView
from wallet.resident.bill_view import BillView
from wallet.resident.bills import owned_or_404
from wallet.services import authorizations, receipts
from wallet.services.authorizations import AuthorizationRefused


def overview_context(resident_id: int) -> dict[str, Any]:
    authorizations.sweep(resident_id=resident_id)
    views = [AuthorizationView(a) for a in authorizations.authorizations_of(resident_id)]
    return {"open_views": [v for v in views if v.state in OPEN_STATES],
            "closed_views": [v for v in views if v.state not in OPEN_STATES],
            "sync": db.session.get(SyncState, resident_id)}


@bp.context_processor
def inject_overview() -> dict[str, Any]:
    if request.endpoint != "resident.authorizations" or not isinstance(current_user._get_current_object(), Resident):
        return {}
    return overview_context(current_user.id)


@bp.get("/authorizations/overview")
@login_required
def authorization_overview() -> str:
    return render_template("wallet/authorize/_overview.html", **overview_context(current_user.id))


def _back() -> str:
    target = request.form.get("back") or ""
    if target.startswith("/") and not target.startswith("//") and not target.startswith("/unit"):
        return target
    return url_for("resident.authorizations")


@bp.post("/authorizations/<int(max=2147483647):auth_id>/revoke")
@login_required
def revoke(auth_id: int) -> Any:
    try:
        auth = authorizations.revoke(current_user.id, auth_id)
    except AuthorizationRefused as refused:
        return render_error(refused.status, refused.message)
    flash(f"已撤销对{auth.unit.name}的授权，该单位不能再查看这张票据。", "success")
    return redirect(_back(), code=303)


@bp.get("/authorizations/receipts/<int(max=2147483647):receipt_id>")
@login_required
def receipt(receipt_id: int) -> Any:
    found = authorizations.receipt_of(current_user.id, receipt_id)
    if found is None:
        return render_error(404, "没有找到这份授权回执。")
    genuine, document, message = receipts.verify_envelope(
        receipts.envelope(found.canonical, found.signature_alg, found.signature_kid, found.signature_value))
    return render_template("wallet/authorize/receipt.html", active_tab="authorize", receipt=found,
                           doc=document or json.loads(found.canonical), genuine=genuine, check=message)


@bp.get("/authorizations/receipts/<int(max=2147483647):receipt_id>.json")
@login_required
def receipt_file(receipt_id: int) -> Any:
    found = authorizations.receipt_of(current_user.id, receipt_id)
    if found is None:
        return render_error(404, "没有找到这份授权回执。")
    body = receipts.envelope(found.canonical, found.signature_alg, found.signature_kid, found.signature_value)
    return Response(json.dumps(body, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="authorization-receipt-{found.id}.json"'})


@bp.get("/bills/<int(max=2147483647):bill_id>/authorizations")
@login_required
def bill_authorizations(bill_id: int) -> Any:
    """The authorization section of a bill's detail page, refreshed when anything changes."""
    authorizations.sweep(resident_id=current_user.id)
    return render_template("wallet/authorize/_bill_section.html", bill=BillView(owned_or_404(bill_id), full=True))
