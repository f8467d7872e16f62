"""The resident's authorizations: the overview tab, revoking, and the signed receipts to keep.

The overview route itself (``resident.authorizations``) renders its template; the context
it needs comes from :func:`overview_context`, injected for that endpoint only, and the same
section re-fetches itself (``/authorizations/overview``) whenever ``billsChanged`` fires.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from common.timeutil import to_local
from common.translatable import gettext
from common.web import refusal_page, render_error
from wallet import policy
from wallet.extensions import db
from wallet.models.authorization import AuthorizationReceipt
from wallet.models.claim import OPEN_STATES
from wallet.models.collection import SyncState
from wallet.models.resident import Resident
from wallet.presenters.authorization import AuthorizationView
from wallet.presenters.bill import HOLDERS, BillView
from wallet.refusals import Refusal
from wallet.resident import bp
from wallet.resident.bills import owned_or_404
from wallet.resident.holder import acting, holder_id
from wallet.services import authorization_queries, authorizations, receipts


def overview_context(resident_id: int) -> dict[str, Any]:
    authorizations.sweep(resident_id=resident_id)
    views = [AuthorizationView(a, red_link=True) for a in authorization_queries.authorizations_of(resident_id)]
    return {
        "open_views": [v for v in views if v.state in OPEN_STATES],
        "closed_views": [v for v in views if v.state not in OPEN_STATES],
        "sync": db.session.get(SyncState, resident_id),
    }


@bp.context_processor
def inject_overview() -> dict[str, Any]:
    if request.endpoint != "resident.authorizations" or not isinstance(current_user._get_current_object(), Resident):
        return {}
    return overview_context(holder_id())


@bp.get("/authorizations/overview")
@login_required
def authorization_overview() -> str:
    return render_template("wallet/authorize/_overview.html", **overview_context(holder_id()))


def _back(values: Mapping[str, str]) -> str:
    target = values.get("back") or ""
    if target.startswith("/") and not target.startswith("//") and not target.startswith("/unit"):
        return target
    return url_for("resident.authorizations")


def _refusal_links(auth_id: int) -> list[tuple[str, str]]:
    """The way back from a refused revoke: the bill (when it is this resident's) and the list."""
    own = authorization_queries.authorization_of(holder_id(), auth_id)
    links = [(gettext("查看这张票据"), url_for("resident.bill_detail", bill_id=own.bill_id))] if own is not None else []
    return links + [(gettext("返回授权列表"), url_for("resident.authorizations"))]


@bp.get("/authorizations/<int(max=2147483647):auth_id>/revoke")
@login_required
def confirm_revoke(auth_id: int) -> Any:
    """Ask before revoking: which bill, which unit, and what revoking does."""
    own = authorization_queries.authorization_of(holder_id(), auth_id)
    decision = policy.decide(policy.ResidentActor(holder_id()), "revoke", authorization=own)
    if own is None or not decision:
        return refusal_page(decision.refusal(), title=gettext("无法撤销授权"), links=_refusal_links(auth_id))
    return render_template(
        "wallet/authorize/revoke.html", active_tab="authorize", v=AuthorizationView(own), back_to=_back(request.args)
    )


@bp.post("/authorizations/<int(max=2147483647):auth_id>/revoke")
@login_required
def revoke(auth_id: int) -> Any:
    try:
        auth = authorizations.revoke(holder_id(), auth_id, on_behalf=acting())
    except Refusal as refused:
        return refusal_page(refused, title=gettext("无法撤销授权"), links=_refusal_links(auth_id))
    flash(gettext("已撤销对%(unit)s的授权，该单位不能再查看这张票据。", unit=auth.unit.name), "success")
    return redirect(_back(request.form), code=303)


@bp.get("/authorizations/receipts/<int(max=2147483647):receipt_id>")
@login_required
def receipt(receipt_id: int) -> Any:
    found = _receipt_or_404(receipt_id)
    verdict = receipts.verify_stored(found.canonical, found.signature_alg, found.signature_kid, found.signature_value)
    return render_template(
        "wallet/authorize/receipt.html",
        active_tab="authorize",
        receipt=found,
        doc=verdict.document or json.loads(found.canonical),
        genuine=verdict.genuine,
        check=verdict.message,
        number=receipt_number(found),
        jws=receipts.compact(found.canonical, found.signature_alg, found.signature_kid, found.signature_value),
    )


def _receipt_or_404(receipt_id: int) -> AuthorizationReceipt:
    found = authorization_queries.receipt_of(holder_id(), receipt_id)
    if found is None:
        abort(
            make_response(
                render_error(
                    404,
                    gettext("没有找到这份授权回执。"),
                    links=[(gettext("返回授权列表"), url_for("resident.authorizations"))],
                )
            )
        )
    return found


def receipt_number(receipt: Any) -> str:
    """The number a person reads out for a receipt: its day and a serial, digits only."""
    return f"{to_local(receipt.created_at):%Y%m%d}{receipt.id:06d}"


@bp.get("/authorizations/receipts/<int(max=2147483647):receipt_id>.jws")
@login_required
def receipt_jws(receipt_id: int) -> Any:
    found = _receipt_or_404(receipt_id)
    token = receipts.compact(found.canonical, found.signature_alg, found.signature_kid, found.signature_value)
    if token is None:
        return redirect(url_for("resident.receipt_file", receipt_id=found.id))
    return Response(
        token,
        mimetype="application/jose",
        headers={"Content-Disposition": f'attachment; filename="authorization-receipt-{found.id}.jws"'},
    )


@bp.get("/authorizations/receipts/<int(max=2147483647):receipt_id>.json")
@login_required
def receipt_file(receipt_id: int) -> Any:
    """The file of a receipt signed before receipts were JWS; a newer one is its JWS."""
    found = _receipt_or_404(receipt_id)
    if found.signature_alg == receipts.JWS_ALG:
        return redirect(url_for("resident.receipt_jws", receipt_id=found.id))
    body = receipts.envelope(found.canonical, found.signature_alg, found.signature_kid, found.signature_value)
    return Response(
        json.dumps(body, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="authorization-receipt-{found.id}.json"'},
    )


@bp.get("/bills/<int(max=2147483647):bill_id>/authorizations")
@login_required
def bill_authorizations(bill_id: int) -> Any:
    """The authorization section of a bill's detail page, refreshed when anything changes."""
    authorizations.sweep(resident_id=holder_id())
    return render_template(
        "wallet/authorize/_bill_section.html", bill=BillView(owned_or_404(bill_id), parts=(HOLDERS,))
    )
