"""The resident's bills: list with filters and infinite scroll, detail, layout file and QR."""
from __future__ import annotations

from flask import Response, abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from common.web import user_error
from wallet.audit import record_now
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.models.collection import SyncState
from wallet.resident import bp
from wallet.resident.bill_view import BillView
from wallet.services import bill_queries
from wallet.services.collection_jobs import request_sync
from werkzeug.exceptions import BadRequest, ServiceUnavailable


def parse_filter() -> bill_queries.BillFilter:
    try:
        return bill_queries.BillFilter.from_args(request.args)
    except bill_queries.FilterError as exc:
        raise user_error(BadRequest, str(exc)) from exc


def bill_list_context() -> dict[str, object]:
    """Everything the list page shows; the rows partial and the full page share it."""
    resident_id = current_user.id
    f = parse_filter()
    after = request.args.get("cursor") or None
    try:
        bills, next_cursor = bill_queries.page_of_bills(resident_id, f, after)
    except bill_queries.FilterError as exc:
        raise user_error(BadRequest, str(exc)) from exc
    count, amount = bill_queries.totals(resident_id, f)
    return {
        "flt": f,
        "bills": [BillView(b) for b in bills],
        "next_cursor": next_cursor,
        "count": count,
        "amount": amount,
        "facets": bill_queries.facets(resident_id),
        "sync": db.session.get(SyncState, resident_id),
        "after": after,
    }


def render_bill_list() -> Response | str:
    context = bill_list_context()
    if request.headers.get("HX-Request") and request.args.get("cursor"):
        return render_template("wallet/bills/_rows.html", **context)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "bill-results":
        response = make_response(render_template("wallet/bills/_results_refresh.html", **context))
        response.headers["HX-Replace-Url"] = url_for("resident.home", **context["flt"].as_args())
        return response
    return render_template("wallet/bills/list.html", active_tab="bills", **context)


@bp.get("/bills/<int:bill_id>")
@login_required
def bill_detail(bill_id: int) -> str:
    bill = owned_or_404(bill_id)
    record_now("bill.view", current_user, f"bill:{bill.id}")
    return render_template("wallet/bills/detail.html", active_tab="bills", bill=BillView(bill, full=True))


@bp.get("/bills/<int:bill_id>/status")
@login_required
def bill_status(bill_id: int) -> str:
    """The live part of the detail page (status chip and timeline), refreshed on change."""
    bill = owned_or_404(bill_id)
    return render_template("wallet/bills/_status.html", bill=BillView(bill, full=True))


@bp.get("/bills/<int:bill_id>/layout.pdf")
@login_required
def bill_pdf(bill_id: int) -> Response:
    bill = owned_or_404(bill_id)
    record_now("bill.download", current_user, f"bill:{bill.id}")
    try:
        pdf = FiscalClient.from_app().layout_file(bill.code, bill.number)
    except (FiscalUnavailable, FiscalError) as exc:
        raise user_error(ServiceUnavailable, "版式文件暂时无法从开票地获取，请稍后再试。") from exc
    filename = f"{bill.code}-{bill.number}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/bills/<int:bill_id>/qr")
@login_required
def bill_qr(bill_id: int) -> str:
    bill = owned_or_404(bill_id)
    return render_template("wallet/bills/qr.html", active_tab="bills", bill=BillView(bill, full=True))


@bp.get("/bills/<int:bill_id>/qr.svg")
@login_required
def bill_qr_svg(bill_id: int) -> Response:
    view = BillView(owned_or_404(bill_id), full=True)
    return Response(view.qr_svg(), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, max-age=3600"})


@bp.post("/bills/refresh")
@login_required
def refresh_bills() -> Response | str:
    request_sync(current_user.id)
    if request.headers.get("HX-Request"):
        return render_template("wallet/bills/_sync_status.html", sync=db.session.get(SyncState, current_user.id))
    return redirect(url_for("resident.home"), code=303)


@bp.get("/sync/status")
@login_required
def sync_status() -> str:
    return render_template("wallet/bills/_sync_status.html", sync=db.session.get(SyncState, current_user.id))


@bp.get("/live")
@login_required
def live() -> Response:
    """Polled by open pages: 204 while nothing changed, else an event that refreshes them."""
    seen = request.args.get("seq", type=int)
    state = db.session.get(SyncState, current_user.id)
    current = state.change_seq if state else 0
    if seen is not None and seen == current:
        return Response(status=204)
    html = render_template("wallet/bills/_live.html", seq=current)
    return Response(html, headers={"HX-Trigger": "billsChanged"})


def owned_or_404(bill_id: int) -> Bill:
    bill = bill_queries.owned_bill(current_user.id, bill_id)
    if bill is None:
        abort(404)
    return bill

