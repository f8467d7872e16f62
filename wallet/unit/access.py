"""Who may use which area: the unit workspace's guards, and each kind of user kept in its own area.

Residents, unit users and the finance administrator share one Flask-Login session whose id
names the kind (``resident:7``, ``unit:3``, ``finance:1``). Every request is kept inside the
area of its kind: a unit user who opens a resident page is sent back to the unit
workspace, and so on — so no view ever mistakes one kind's id for another's. A unit that
is frozen or cancelled loses its open sessions on their next request.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import flash, jsonify, redirect, request, url_for
from flask_login import current_user

from common.web import render_error, wants_json
from wallet.auth.sessions import USER_KINDS
from wallet.auth.staff import sign_out_user, user_kind
from wallet.extensions import db
from wallet.models.unit import UnitUser
from wallet.unit import bp

USER_KINDS["unit"] = lambda pk: db.session.get(UnitUser, pk)

REALMS = {"resident": "resident", "auth": "resident", "unit": "unit", "finance": "finance"}
HOMES = {"resident": "resident.home", "unit": "unit.inbox", "finance": "finance.home"}
LOGINS = {"unit": "unit.login", "finance": "finance.login"}
KIND_NAMES = {"resident": "个人账户", "unit": "单位账户", "finance": "财政部门管理账户"}
OPEN_ENDPOINTS = {"unit.login", "unit.login_code", "unit.apply", "unit.applied", "unit.activate",
                  "unit.activate_submit", "finance.login", "finance.login_code", "resident.receipt_keys",
                  "resident.verify_receipt"}
# Pages a user who must replace their initial password may still open.
BEFORE_NEW_PASSWORD = {"unit.password", "unit.change_password", "unit.logout"}


def _send(target: str, message: str) -> Any:
    if wants_json():
        return jsonify(ok=False, code="wrong_account", message=message), 403
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    flash(message, "error")
    return redirect(target)


@bp.before_app_request
def keep_users_in_their_realm() -> Any:
    realm = REALMS.get(request.blueprint or "")
    kind = user_kind()
    if realm is None or kind is None or kind == realm or request.endpoint in OPEN_ENDPOINTS:
        return None
    if realm in LOGINS:
        return _send(url_for(LOGINS[realm]), f"当前已登录{KIND_NAMES[kind]}。请使用{KIND_NAMES[realm]}登录，登录后将退出当前账户。")
    return _send(url_for(HOMES[kind]), f"当前已登录{KIND_NAMES[kind]}，如需使用个人账户，请先退出。")


def current_unit_user() -> UnitUser:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def unit_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A signed-in user of an active unit, checked on every request."""
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if user_kind() != "unit":
            target = url_for("unit.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
            if wants_json():
                return jsonify(ok=False, code="login_required", message="请先登录单位账户。", login_url=target), 401
            if request.headers.get("HX-Request"):
                return "", 200, {"HX-Redirect": target}
            return redirect(target)
        user = current_unit_user()
        if not user.unit.is_active:
            state = user.unit.state_name
            sign_out_user()
            return render_error(403, f"单位账户{state}，不能进行任何操作，已退出登录。如有疑问请联系财政部门。")
        if user.disabled_at is not None:
            sign_out_user()
            return render_error(403, "您的账号已被本单位管理员停用，已退出登录。如需继续使用，请联系本单位管理员。")
        if user.must_change_password and request.endpoint not in BEFORE_NEW_PASSWORD:
            return _send(url_for("unit.password"), "首次登录请先修改初始密码，修改后才能使用其他功能。")
        return view(*args, **kwargs)

    return guarded


def unit_admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A signed-in administrator of an active unit (``unit_required`` first)."""
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_unit_user().is_admin:
            return render_error(403, "只有本单位管理员可以管理用户。如需添加或停用用户，请联系本单位管理员。")
        return view(*args, **kwargs)

    return unit_required(guarded)
