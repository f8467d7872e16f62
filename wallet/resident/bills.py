"""The resident's bills: list with filters and infinite scroll, detail, layout file and QR."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from common.translatable import gettext
from wallet.audit import record_now
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import db
from wallet.fragments import wants_fragment
from wallet.models.bill import Bill
from wallet.models.collection import SyncState
from wallet.models.resident import Resident
from wallet.offline_copies import offline_copy
from wallet.presenters.bill import DETAIL, STATUS, BillView
from wallet.refusals import Refusal
from wallet.resident import bp
from wallet.resident.holder import acting, holder, holder_id, note_family_access, visible
from wallet.resident.list_cache import fill_csrf_slot, list_cache, render_with_csrf_slot, sequence_key
from wallet.services import authorization_queries, bill_queries, bill_summary, family, family_shares, rejections
from wallet.services.collection_jobs import request_sync


def parse_filter() -> bill_queries.BillFilter:
    return bill_queries.BillFilter.from_args(request.args)


LIST = "wallet/bills/list.html"
# The blocks of the list page an htmx request swaps: after a cursor, the next rows (the
# "加载更多" row asks with one); else fresh results, with the filter choices that follow them, the
# notice of bills that failed verification and where the sync stands (a sync moving on or ending
# while the list is open changes all three, and announces it like a change of a bill).
MORE_ROWS = ("rows",)
FRESH_RESULTS = ("results", "filter_fields", "unverified", "sync_status")
# A live refresh of a list the resident scrolled through keeps as many bills as it showed (the page
# says how many, see static/js/live.js), up to this many; a refresh never shrinks it back to one page.
REFRESH_MOST = 200


def refreshed_size() -> int:
    """How many bills fresh results show: one page, or as many as the refreshed list held."""
    shown = request.args.get("shown", type=int) or 0
    pages = -(-min(max(shown, 0), REFRESH_MOST) // bill_queries.PAGE_SIZE)
    return max(pages, 1) * bill_queries.PAGE_SIZE


def render_bill_list() -> Response:
    """The list page, or for an htmx request the blocks of it that the request swaps."""
    resident = holder()
    flt = parse_filter()
    after = request.args.get("cursor") or None
    blocks = () if not wants_fragment() else MORE_ROWS if after else FRESH_RESULTS
    size = refreshed_size() if blocks == FRESH_RESULTS else bill_queries.PAGE_SIZE
    response = make_response(bill_list_html(blocks, resident, flt, after, size))
    response.vary.add("HX-Request")
    if blocks == FRESH_RESULTS:
        response.headers["HX-Replace-Url"] = url_for("resident.home", **flt.as_args())
    return response


def bill_list_html(
    blocks: tuple[str, ...], resident: Resident, flt: bill_queries.BillFilter, after: str | None, size: int
) -> str:
    """The list page (or its ``blocks``) rendered for the resident, reused until their bills change
    (see list_cache). A page with a message waiting to be flashed is made afresh and not kept.
    """
    # The sequence is read before any bill: the page then never claims a newer state than it shows.
    sync = resident.current_sync_state()
    shown = (sync.state, sync.progress, sync.rejected, sync.last_synced_at) if sync else ()
    # A member's list is framed for whoever acts for them (their name in the top bar, the member's links).
    viewer = (current_user.id, current_user.name_enc) if acting() is not None else ()
    key = (
        None
        if session.get("_flashes")
        else sequence_key("bills", resident, sync, resident.name_enc, blocks, flt, after, size, *shown, *viewer)
    )

    def render() -> tuple[str, datetime | None]:
        context, changes_at = bill_list_context(resident, sync, flt, after, size)
        # Filter choices swapped in beside fresh results replace the page's own out of band.
        html = render_with_csrf_slot(LIST, blocks, active_tab="bills", oob=blocks == FRESH_RESULTS, **context)
        return html, changes_at

    return fill_csrf_slot(list_cache().get_or_make(key, render))


def bill_list_context(
    resident: Resident, sync: SyncState | None, flt: bill_queries.BillFilter, after: str | None, size: int
) -> tuple[dict[str, object], datetime | None]:
    """What the list shows, and when it will change by the clock alone (None: only by a change)."""
    resident_id = resident.id
    bills, next_cursor = bill_queries.page_of_bills(resident_id, flt, after, size)
    count, amount = bill_queries.totals(resident_id, flt) if flt.q else bill_summary.totals(resident_id, flt)
    held = authorization_queries.open_by_bill(resident_id, [b.id for b in bills], lean=True)
    views = [BillView(b, holds=held) for b in bills]
    context = {
        "flt": flt,
        "bills": views,
        # One URL built per page, not one per card: a bill's page is this followed by its id.
        "bill_href": url_for("resident.bill_detail", bill_id=0).removesuffix("0"),
        "next_cursor": next_cursor,
        # The end of a list shown past its first page, by 加载更多 or by a refresh that kept as many.
        "list_end": next_cursor is None and (after is not None or len(views) > bill_queries.PAGE_SIZE),
        "count": count,
        "amount": amount,
        "facets": bill_summary.facets(resident_id, sync),
        "sync": sync,
        "after": after,
        "unverified": rejections.outstanding(resident_id) if sync and sync.rejected else [],
    }
    return context, min((at for view in views if (at := view.chip_changes_at) is not None), default=None)


DETAIL_PAGE = "wallet/bills/detail.html"


@bp.get("/bills/<int:bill_id>")
@login_required
@offline_copy
def bill_detail(bill_id: int) -> str:
    """The page is made before the view is recorded: on SQLite recording starts a write transaction,
    which ends the read one, and whatever was read (the bill, its parts, the signed-in resident)
    would be loaded again if used after it."""
    viewer = current_user.get_id()
    html = bill_page_html(bill_id)
    record_now("bill.view", viewer, f"bill:{bill_id}")
    note_family_access(bill_id, "family_view")
    return html


def bill_page_html(bill_id: int) -> str:
    """The bill's page, reused like the list (list_cache) until the resident's next change or the
    instant the page would read differently by the clock alone.

    A kept page is reached only under the resident's id and the change sequence it was made at,
    after the bill was found to be theirs: a bill changes hands only by closing the account, and
    another person's id never reaches a kept page. The spouse link is read on every view, as
    linking and sharing are no change of the resident's bills, and is part of the key. A family
    member's view (acting) and a page with a message waiting to be flashed are made afresh.
    """
    resident = holder()
    sync = resident.current_sync_state()
    share = spouse_share(bill_id)
    shared = (share[0].id, *share[1:]) if share is not None else ()
    key = (
        None
        if session.get("_flashes") or acting() is not None
        else sequence_key("bill", resident, sync, resident.name_enc, bill_id, *shared)
    )

    def render() -> tuple[str, datetime | None]:
        view = BillView(owned_or_404(bill_id, with_document=True), parts=DETAIL)
        html = render_with_csrf_slot(DETAIL_PAGE, active_tab="bills", bill=view, spouse_share=share)
        return html, view.page_changes_at

    return fill_csrf_slot(list_cache().get_or_make(key, render))


def spouse_share(bill_id: int) -> tuple[Any, bool, bool] | None:
    """On the resident's own bill with a spouse linked: the link, and whether the bill is shared
    (on its own; at all)."""
    if acting() is not None:
        return None
    link = family.spouse_link(current_user.id, family.today())
    return (link, *family_shares.share_state(link, current_user.id, bill_id)) if link is not None else None


@bp.get("/bills/<int:bill_id>/status")
@login_required
def bill_status(bill_id: int) -> str:
    """The live part of the detail page (status chip and timeline), refreshed on change."""
    bill = owned_or_404(bill_id)
    return render_template("wallet/bills/_status.html", bill=BillView(bill, parts=STATUS))


@bp.get("/bills/<int:bill_id>/layout.pdf")
@login_required
def bill_pdf(bill_id: int) -> Response:
    bill = owned_or_404(bill_id)
    record_now("bill.download", current_user, f"bill:{bill.id}")
    note_family_access(bill.id, "family_download")
    try:
        pdf = FiscalClient.from_app().layout_file(bill.code, bill.number)
    except (FiscalUnavailable, FiscalError) as exc:
        raise Refusal("layout_unavailable", gettext("版式文件暂时无法从开票地获取，请稍后再试。"), 503) from exc
    filename = f"{bill.code}-{bill.number}.pdf"
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/bills/<int:bill_id>/qr")
@login_required
def bill_qr(bill_id: int) -> str:
    bill = owned_or_404(bill_id)
    return render_template("wallet/bills/qr.html", active_tab="bills", bill=BillView(bill))


@bp.get("/bills/<int:bill_id>/qr.svg")
@login_required
def bill_qr_svg(bill_id: int) -> Response:
    view = BillView(owned_or_404(bill_id))
    return Response(view.qr_svg(), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})


@bp.post("/bills/refresh")
@login_required
def refresh_bills() -> ResponseReturnValue:
    request_sync(holder_id())
    if request.headers.get("HX-Request"):
        return render_template("wallet/bills/_sync_status.html", sync=db.session.get(SyncState, holder_id()))
    return redirect(url_for("resident.home"), code=303)


@bp.get("/live")
@login_required
def live() -> Response:
    """The fallback of open pages whose stream cannot flow (static/js/live.js): polled every second,
    204 while nothing changed, else an event that refreshes them and the next poll."""
    seen = request.args.get("seq", type=int)
    state = db.session.get(SyncState, holder_id())
    current = state.change_seq if state else 0
    if seen is not None and seen == current:
        return Response(status=204)
    html = render_template("wallet/bills/_live.html", seq=current, polling=True)
    return Response(html, headers={"HX-Trigger": "billsChanged"})


def owned_or_404(bill_id: int, with_document: bool = False) -> Bill:
    """The holder's bill (one the page may show); any other id is 404, whoever's it is."""
    bill = bill_queries.owned_bill(holder_id(), bill_id, with_document)
    if bill is None or not visible(bill):
        abort(404)
    return bill
