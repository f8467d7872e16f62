"""Who may use the unit workspace: a signed-in user of an active unit (its administrator for users).

A unit user's session id reads ``unit:<id>`` (each kind kept in its own area by
``wallet.auth.areas``). A unit that is frozen or cancelled loses its open sessions on their
next request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import jsonify, redirect, request, url_for
from flask_login import current_user

from common.web import render_error, wants_json
from wallet.auth.areas import send_elsewhere, sign_out_user, user_kind
from wallet.auth.sessions import USER_KINDS
from wallet.extensions import db
from wallet.models.unit import UnitUser

USER_KINDS["unit"] = lambda pk: db.session.get(UnitUser, pk)

# Pages a user who must replace their initial password may still open.
BEFORE_NEW_PASSWORD = {"unit.password", "unit.change_password", "unit.logout"}


def current_unit_user() -> UnitUser:
    return current_user._get_current_object()


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
            return send_elsewhere(url_for("unit.password"), "首次登录请先修改初始密码，修改后才能使用其他功能。")
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
