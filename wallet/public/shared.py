"""``/shared?t=<token>``: the bills a resident shared, for whoever holds the link — and nothing else.

The token travels in the query string, which the access log leaves out (gunicorn.conf.py logs
the path alone), and is never written anywhere by the wallet; pages say ``noindex`` in a header
and a meta tag, send no referrer, and are not cached. Every request counts against the
visitor's address; wrong access codes count against the link. A link that no longer opens
answers 404 (never existed) or 410 (ended), with a page that says why.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address

from common.timeutil import utcnow
from common.translatable import N_, gettext, lazy_gettext, shown
from common.web import render_error
from wallet.clients.fiscal import FiscalClient, FiscalError, FiscalUnavailable
from wallet.extensions import limiter
from wallet.models.share import ShareLink
from wallet.presenters.bill import BillView
from wallet.presenters.preview import preview
from wallet.presenters.share import LinkView, watermark_data_uri, watermark_text
from wallet.services import share_opening

bp = Blueprint("shared", __name__)

UNLOCKED = "share_unlocked"  # ids of links whose access code this browser gave
SEEN = "share_seen"  # link id → when this browser's opening was last recorded
SEEN_AGAIN_AFTER = 3600
KEPT_IN_SESSION = 20
TOO_OFTEN = N_("打开太频繁了，请稍后再试。")
GONE_TITLES = {
    "expired": lazy_gettext("链接已过期"),
    "revoked": lazy_gettext("链接已被撤销"),
    "dead": lazy_gettext("链接已失效"),
    "code_locked": lazy_gettext("链接已锁定"),
}
GONE_STATUS = {"expired": 410, "revoked": 410, "dead": 410, "code_locked": 403}


def _open_limit() -> str:
    return str(current_app.config["SHARE_OPEN_RATE_LIMIT"])


limiter.limit(_open_limit, key_func=get_remote_address, error_message=TOO_OFTEN)(bp)


@bp.after_request
def _not_for_search_engines(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(RateLimitExceeded)
def _too_often(error: RateLimitExceeded) -> Any:
    return render_error(429, shown(str(error.description)))


def _token() -> str:
    return str(request.values.get("t") or "")[:64]


def _unknown() -> ResponseReturnValue:
    text = gettext("没有找到这个分享链接。请向分享人核对链接，或请其重新分享。")
    body = render_template("wallet/share/gone.html", title=gettext("链接无效"), text=text)
    return body, 404


def _gone(view: LinkView) -> ResponseReturnValue:
    text = (view.ended_text or gettext("这个分享链接已不能打开。")) + gettext("如仍需查看票据，请联系分享人重新分享。")
    body = render_template("wallet/share/gone.html", title=GONE_TITLES[view.state], text=text)
    return body, GONE_STATUS[view.state]


def _remembered(key: str) -> dict[str, float]:
    kept = session.get(key)
    return {str(k): float(v) for k, v in kept.items()} if isinstance(kept, dict) else {}


def _remember(key: str, link_id: int) -> None:
    kept = _remembered(key)
    kept[str(link_id)] = time.time()
    session[key] = dict(sorted(kept.items(), key=lambda kv: kv[1])[-KEPT_IN_SESSION:])


def _unlocked(link: ShareLink) -> bool:
    return link.code_hash is None or str(link.id) in _remembered(UNLOCKED)


def _code_page(token: str, message: str = "", status: int = 200) -> ResponseReturnValue:
    return render_template("wallet/share/code.html", token=token, message=message), status


@bp.get("/shared")
def open_link() -> ResponseReturnValue:
    token = _token()
    link = share_opening.find(token)
    if link is None:
        return _unknown()
    now = utcnow()
    view = LinkView(link, now)
    if view.state != "active":
        return _gone(view)
    if not _unlocked(link):
        return _code_page(token)
    shared = share_opening.ask_network(link)
    if share_opening.ended_live(link, shared, now):
        return _gone(LinkView(link, now))
    if time.time() - _remembered(SEEN).get(str(link.id), 0.0) > SEEN_AGAIN_AFTER:
        share_opening.record(link, share_opening.OPENED, list(link.bills), now)
        _remember(SEEN, link.id)
    bills = [
        (entry, preview(entry.verification.bill) if entry.verification.bill else None, BillView(entry.item.bill))
        for entry in shared
    ]
    return render_template(
        "wallet/share/open.html",
        link=view,
        token=token,
        bills=bills,
        watermark=watermark_text(link),
        watermark_image=watermark_data_uri(watermark_text(link)),
    )


@bp.post("/shared")
def give_code() -> ResponseReturnValue:
    token = _token()
    link = share_opening.find(token)
    if link is None:
        return _unknown()
    view = LinkView(link, utcnow())
    if view.state != "active":
        return _gone(view)
    attempt = share_opening.try_code(link, str(request.form.get("code") or ""))
    if attempt.outcome == "malformed":
        return _code_page(token, gettext("访问码是 6 位数字，请核对后重新输入。"), 400)
    if attempt.outcome == "locked":
        return _gone(LinkView(link, utcnow()))
    if attempt.outcome == "wrong":
        return _code_page(token, gettext("访问码不正确，还可以再试 %(count)s 次。", count=attempt.attempts_left), 403)
    _remember(UNLOCKED, link.id)
    return redirect(url_for("shared.open_link", t=token), code=303)


@bp.get("/shared/layout.pdf")
def download() -> ResponseReturnValue:
    token = _token()
    link = share_opening.find(token)
    if link is None:
        return _unknown()
    now = utcnow()
    view = LinkView(link, now)
    if view.state != "active":
        return _gone(view)
    if not _unlocked(link):
        return _code_page(token, gettext("请先输入访问码。"), 403)
    position = request.args.get("n", type=int)
    item = next((i for i in link.bills if i.position == position), None)
    if item is None:
        return render_error(404, gettext("这个链接里没有这张票据。"))
    code, number = item.bill.code, item.bill.number
    try:
        pdf = FiscalClient.from_app().layout_file(code, number)
    except (FiscalUnavailable, FiscalError):
        return render_error(503, gettext("版式文件暂时无法从开票地获取，请稍后再试。"))
    share_opening.record(link, share_opening.DOWNLOADED, [item], now)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{code}-{number}.pdf"'},
    )
