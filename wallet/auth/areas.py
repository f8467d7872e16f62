"""Each kind of user kept in its own area, and the sign-in of unit users and the administrator.

Residents, unit users and the finance administrator share one Flask-Login session whose id
names the kind (``resident:7``, ``unit:3``, ``finance:1``). Every request is kept inside the
area of its kind: a unit user who opens a resident page is sent back to the unit
workspace, and so on — so no view ever mistakes one kind's id for another's. The guard and
the sign-in serve every area alike, so they live here and not in any one of them.
"""

from __future__ import annotations

import time
from typing import Any

from flask import flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from common.translatable import gettext, lazy_gettext
from common.web import wants_json
from wallet.auth.sessions import LOGIN_AT, SEEN_AT, bind_to_this_browser

AREAS = {"resident": "resident", "auth": "resident", "unit": "unit", "finance": "finance"}
HOMES = {"resident": "resident.home", "unit": "unit.inbox", "finance": "finance.home"}
LOGINS = {"unit": "unit.login", "finance": "finance.login"}
KIND_NAMES = {
    "resident": lazy_gettext("个人账户"),
    "unit": lazy_gettext("单位账户"),
    "finance": lazy_gettext("财政部门管理账户"),
}
OPEN_ENDPOINTS = {
    "unit.login",
    "unit.login_code",
    "unit.apply",
    "unit.applied",
    "unit.activate",
    "unit.activate_submit",
    "finance.login",
    "finance.login_code",
    "resident.receipt_keys",
    "resident.verify_receipt",
}


def user_kind() -> str | None:
    if not current_user.is_authenticated:
        return None
    return str(current_user.get_id()).partition(":")[0]


def sign_in_user(user: Any) -> bool:
    """Start a fresh session for a unit user or the administrator (timeouts as for residents)."""
    session.clear()
    if not login_user(user, fresh=True):
        return False
    now = int(time.time())
    session.update({LOGIN_AT: now, SEEN_AT: now})
    bind_to_this_browser(str(user.get_id()).partition(":")[0])
    return True


def sign_out_user() -> None:
    logout_user()
    session.clear()


def send_elsewhere(target: str, message: str) -> Any:
    """To ``target`` with ``message``, answered as the request expects (JSON, htmx or a page)."""
    if wants_json():
        return jsonify(ok=False, code="wrong_account", message=message), 403
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    flash(message, "error")
    return redirect(target)


def keep_users_in_their_area() -> Any:
    """Run before every request (registered by the app factory)."""
    area = AREAS.get(request.blueprint or "")
    if area is None:  # a static file, the API: no user to load
        return None
    kind = user_kind()
    if kind is None or kind == area or request.endpoint in OPEN_ENDPOINTS:
        return None
    if area in LOGINS:
        return send_elsewhere(
            url_for(LOGINS[area]),
            gettext(
                "当前已登录%(current)s。请使用%(wanted)s登录，登录后将退出当前账户。",
                current=KIND_NAMES[kind],
                wanted=KIND_NAMES[area],
            ),
        )
    return send_elsewhere(
        url_for(HOMES[kind]), gettext("当前已登录%(current)s，如需使用个人账户，请先退出。", current=KIND_NAMES[kind])
    )
