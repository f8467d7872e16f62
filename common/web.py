"""Web hardening shared by the three parts: security headers, CSRF, and friendly error pages.

Every part is served from one origin, so the same policy protects all of them; the
framing policy is the one knob that differs by deployment (the 蒙速办 app's origin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from common.refusal import Refusal
from common.settings import CSRF_MAX_AGE_SECONDS
from common.translatable import gettext, lazy_gettext

# How an area with its own reply format (an API) answers an error: status and message in, reply out.
ErrorRenderer = Callable[[int, str | None], ResponseReturnValue]

ERROR_TEXT: dict[int, tuple[str, str]] = {
    400: (lazy_gettext("请求有误"), lazy_gettext("提交的内容无法处理，请返回上一页检查后重试。")),
    401: (lazy_gettext("需要登录"), lazy_gettext("请先登录后再继续。")),
    403: (lazy_gettext("没有权限"), lazy_gettext("您无权进行此操作。如有疑问，请联系管理员。")),
    404: (lazy_gettext("页面不存在"), lazy_gettext("您访问的页面不存在或已被移除，请返回首页。")),
    405: (lazy_gettext("请求方式不支持"), lazy_gettext("请返回上一页重新操作。")),
    409: (lazy_gettext("没能完成这个操作"), lazy_gettext("这项内容刚刚已有变化，请回到原页面查看最新状态后再操作。")),
    413: (lazy_gettext("文件过大"), lazy_gettext("上传的文件超过了大小限制，请压缩或换一个文件后重试。")),
    422: (lazy_gettext("内容不符合要求"), lazy_gettext("请检查填写的内容后重试。")),
    429: (lazy_gettext("操作太频繁"), lazy_gettext("请稍后再试。")),
    500: (lazy_gettext("系统繁忙"), lazy_gettext("服务器出了点问题，我们已记录。请稍后再试。")),
    502: (lazy_gettext("上游服务不可用"), lazy_gettext("相关系统暂时无法访问，请稍后再试。")),
    503: (lazy_gettext("服务暂不可用"), lazy_gettext("系统正在维护或繁忙，请稍后再试。")),
}
# Flask-WTF's reasons when the token outlived its time or the session it belonged to ended.
CSRF_EXPIRED_REASONS = frozenset({"The CSRF token has expired.", "The CSRF session token is missing."})
CSRF_EXPIRED = (
    lazy_gettext("页面已过期"),
    lazy_gettext("这个页面打开太久，或登录已经结束，刚才提交的内容没有被接受。请刷新页面后重新操作。"),
)
CSRF_REFUSED = lazy_gettext("页面已过期或请求来源无法确认，请刷新页面后重试。")
# An htmx request would drop a 4xx answer silently: the refusal page replaces the page's body
# instead, as a plain form post would (static/js/refusals.js lets it through). "body" is found
# even when the element that sent the request was swapped out meanwhile.
REFUSAL_IN_PLACE = {"HX-Retarget": "body", "HX-Reswap": "innerHTML"}
# Where "back home" is for each area of an app (the last entry is the app's own root).
HOMES: tuple[tuple[str, str, str], ...] = (
    ("/unit", "/unit/", lazy_gettext("返回单位工作台")),
    ("/finance", "/finance/", lazy_gettext("返回管理首页")),
    ("", "/", lazy_gettext("返回首页")),
)


def content_security_policy(frame_ancestors: str, form_action: str = "") -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            f"form-action 'self' {form_action}".strip(),
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def install_security_headers(app: Flask) -> None:
    """Attach the same headers to every response, error pages and static files included."""

    @app.after_request
    def _headers(response: Response) -> Response:
        csp = content_security_policy(app.config["FRAME_ANCESTORS"], app.config.get("FORM_ACTION_EXTRA", ""))
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.headers.get("HX-Request"):
            response.vary.add("HX-Request")
        return response


def wants_json() -> bool:
    path = request.path
    return "/api/" in path or request.is_json or request.accept_mimetypes.best == "application/json"


def way_back(links: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """(label, href) links a refusal page offers: the caller's own first, then the page the person
    came from (same origin only), then the home of the area they are in."""
    chosen = list(links or [])
    root = request.script_root or ""
    referrer = urlsplit(request.referrer or "")
    came_from = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if (
        request.method == "POST"
        and referrer.netloc == request.host
        and came_from.startswith("/")
        and all(href != came_from for _, href in chosen)
    ):
        chosen.append((gettext("返回刚才的页面"), came_from))
    area = request.path
    _, home, label = next(h for h in HOMES if area == h[0] or area.startswith(h[0] + "/") or not h[0])
    if all(href != root + home for _, href in chosen):
        chosen.append((str(label), root + home))
    return chosen


def render_error(
    code: int,
    message: str | None = None,
    title: str | None = None,
    links: list[tuple[str, str]] | None = None,
    **context: Any,
) -> ResponseReturnValue:
    """One renderer for every error status: JSON for API clients, a Chinese page otherwise.

    The page says what happened in the person's words (``title``, ``message``) and always
    offers a way back (``links``, then the page they came from and their area's home).
    An area with its own reply format (an API) registers a renderer for its path prefix in
    ``app.extensions["error_renderers"]``; it then answers every error under that prefix,
    unknown routes and methods included.
    """
    message = None if message is None else str(message)  # a translatable text is said in the request's locale
    renderers: dict[str, ErrorRenderer] = current_app.extensions.get("error_renderers", {})
    for prefix, renderer in renderers.items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return renderer(code, message)
    default_title, default_text = ERROR_TEXT.get(code, ERROR_TEXT[500] if code >= 500 else ERROR_TEXT[400])
    text = message or str(default_text)
    if wants_json():
        return jsonify(ok=False, code=f"http_{code}", message=text), code
    return render_template(
        "errors/error.html", code=code, title=str(title or default_title), text=text, links=way_back(links), **context
    ), code


def refusal_page(
    refusal: Refusal, title: str | None = None, links: list[tuple[str, str]] | None = None, **context: Any
) -> Any:
    """The answer to a refused request, page or htmx alike: the refusal's status and its words.

    Every page that catches a :class:`Refusal` and every one that lets it rise ends here, so
    a person reads the service's own message with a way back, whichever page refused.
    """
    return render_error(refusal.status, refusal.message, title=title, links=links, **context)


def install_error_pages(app: Flask) -> None:
    @app.errorhandler(Refusal)
    def _refused(refusal: Refusal) -> Any:
        return refusal_page(refusal)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Response:
        if error.description in CSRF_EXPIRED_REASONS:
            title, text = CSRF_EXPIRED
            response = make_response(render_error(400, text, title=title))
        else:
            response = make_response(render_error(400, CSRF_REFUSED))
        if request.headers.get("HX-Request"):
            response.headers.update(REFUSAL_IN_PLACE)
        return response

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error", exc_info=error)
        return render_error(500)


def harden(app: Flask, csrf: CSRFProtect, *, same_site: str) -> None:
    """Bind CSRF, headers and error pages; ``same_site`` is the part's session cookie policy.

    ``Lax`` where people arrive from another site and must find their session (a link from
    the 蒙速办 app, a redirect back from login); ``Strict`` where nobody ever does. CSRF
    tokens carry the time they were signed and lapse after ``WTF_CSRF_TIME_LIMIT``; the
    secret they are checked against lives in the session, so they also end with it.
    """
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = same_site
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", CSRF_MAX_AGE_SECONDS)
    csrf.init_app(app)
    install_security_headers(app)
    install_error_pages(app)
