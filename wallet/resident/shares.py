"""The resident's share links: choose bills and a purpose, get a link and QR code, watch it, revoke it.

The link's token and access code are shown once, on the link's page right after it is made
(kept in the session for a quarter of an hour so a reload still shows them); the wallet
keeps only their hashes, so a lost link is revoked and made again.
"""

from __future__ import annotations

import time
from typing import Any

from flask import abort, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from common.timeutil import utcnow
from common.translatable import gettext
from wallet import policy
from wallet.fragments import render_page
from wallet.models.bill import Bill
from wallet.presenters.bill import BillView
from wallet.presenters.share import LinkView, qr_data_uri, share_url
from wallet.refusals import Refusal
from wallet.resident import bp
from wallet.resident.authorize import bill_ids_of
from wallet.resident.holder import holder_id, note_family_access
from wallet.services import bill_queries, share_links

SHOWN_ONCE = "share_new"
SHOWN_FOR_SECONDS = 15 * 60
NO_INDEX = {"X-Robots-Tag": "noindex, nofollow"}


def _rows(bills: list[Bill]) -> list[tuple[BillView, policy.Decision]]:
    actor, now = policy.ResidentActor(holder_id()), utcnow()
    return [(BillView(b), policy.decide(actor, "share", bill=b, now=now)) for b in bills]


def _form_context(chosen_ids: list[int], values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    q = (request.args.get("q") or "").strip()[:50]
    page, next_cursor = bill_queries.page_of_bills(
        holder_id(), bill_queries.BillFilter(q=q), request.args.get("cursor") or None
    )
    chosen = [b for b in (bill_queries.owned_bill(holder_id(), i) for i in chosen_ids) if b is not None]
    shown = chosen + [b for b in page if b.id not in chosen_ids] if not request.args.get("cursor") else page
    return {
        "rows": _rows(shown),
        "next_cursor": next_cursor,
        "q": q,
        "preselected": set(chosen_ids),
        "purposes": share_links.PURPOSES,
        "day_choices": share_links.DAY_CHOICES,
        "values": {"days": str(share_links.DEFAULT_DAYS), **values},
        "errors": errors,
        "active_tab": "me",
    }


@bp.get("/shares/new")
@login_required
def new_share() -> ResponseReturnValue:
    context = _form_context(bill_ids_of(request.args), {}, {})
    return render_page("wallet/share/new.html", ["rows"], **context), 200, NO_INDEX


@bp.post("/shares")
@login_required
def create_share() -> ResponseReturnValue:
    chosen: list[int] = []
    try:
        chosen = bill_ids_of(request.form)
        made = share_links.create_link(holder_id(), share_links.parse_request(request.form, chosen))
        for bill_id in chosen:
            note_family_access(bill_id, "family_share", share_links.PURPOSES.get(request.form.get("purpose", ""), ""))
    except Refusal as refusal:
        values = {name: str(request.form.get(name) or "") for name in ("purpose", "days", "with_code")}
        errors = refusal.fields or {"form": refusal.message}
        return render_page("wallet/share/new.html", ["rows"], **_form_context(chosen, values, errors)), refusal.status
    session[SHOWN_ONCE] = {"id": made.link_id, "token": made.token, "code": made.code, "at": int(time.time())}
    return redirect(url_for("resident.share_detail", link_id=made.link_id), code=303)


@bp.get("/shares")
@login_required
def shares() -> ResponseReturnValue:
    links = [LinkView(link) for link in share_links.links_of(holder_id())]
    return render_page("wallet/share/list.html", [], links=links, active_tab="me"), 200, NO_INDEX


def _fresh_secrets(link_id: int) -> dict[str, Any] | None:
    shown = session.get(SHOWN_ONCE)
    if not isinstance(shown, dict) or shown.get("id") != link_id:
        return None
    if time.time() - float(shown.get("at") or 0) > SHOWN_FOR_SECONDS:
        session.pop(SHOWN_ONCE, None)
        return None
    url = share_url(str(shown["token"]))
    return {"url": url, "qr": qr_data_uri(url), "code": shown.get("code")}


@bp.get("/shares/<int(max=2147483647):link_id>")
@login_required
def share_detail(link_id: int) -> ResponseReturnValue:
    link = share_links.link_of(holder_id(), link_id)
    if link is None:
        abort(404)
    view = LinkView(link)
    context = {
        "link": view,
        "bills": [BillView(item.bill) for item in link.bills],
        "openings": share_links.openings(link.id),
        "fresh": _fresh_secrets(link.id) if view.state == "active" else None,
        "active_tab": "me",
    }
    return render_page("wallet/share/detail.html", [], **context), 200, NO_INDEX


@bp.post("/shares/<int(max=2147483647):link_id>/revoke")
@login_required
def revoke_share(link_id: int) -> ResponseReturnValue:
    if share_links.link_of(holder_id(), link_id) is None:
        abort(404)
    if share_links.revoke_link(holder_id(), link_id):
        flash(gettext("链接已撤销，对方再打开会看到链接已失效。"), "success")
    else:
        flash(gettext("这个链接已经撤销过了。"), "info")
    shown = session.get(SHOWN_ONCE)
    if isinstance(shown, dict) and shown.get("id") == link_id:
        session.pop(SHOWN_ONCE, None)
    return redirect(url_for("resident.share_detail", link_id=link_id), code=303)
