"""用户管理: a unit's administrator adds users (each gets a one-time activation link by e-mail and
enrols their own TOTP key), sends a fresh link to one who has not activated, and disables or
re-enables them; other users get a 403 page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from common.web import render_error
from wallet.models.unit import USER_ROLES
from wallet.refusals import Refusal
from wallet.services import unit_users
from wallet.services.unit_activation import ACTIVATION_HOURS, resend
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_admin_required


def _page(status: int = 200, **context: Any) -> tuple[str, int]:
    admin = current_unit_user()
    return render_template(
        "wallet/unit/users.html",
        users=unit_users.users_of(admin.unit_id),
        roles=USER_ROLES,
        form=context.pop("form", {}),
        errors=context.pop("errors", {}),
        **context,
    ), status


@bp.get("/users")
@unit_admin_required
def users() -> Any:
    return _page()


@bp.post("/users")
@unit_admin_required
def add_user() -> Any:
    form = {k: (request.form.get(k) or "").strip()[:64] for k in ("username", "display_name", "role")}
    try:
        invitation = unit_users.add_user(current_unit_user(), form["username"], form["display_name"], form["role"])
    except Refusal as refused:
        return _page(refused.status, form=form, errors=refused.fields)
    flash(
        f"已添加用户{invitation.user.display_name}（{invitation.user.role_name}）。激活链接已发到本单位邮箱，"
        f"{ACTIVATION_HOURS} 小时内有效；对方设置密码并绑定验证器后即可登录。",
        "success",
    )
    return redirect(url_for("unit.users"), code=303)


@bp.post("/users/<int(max=2147483647):user_id>/<action>")
@unit_admin_required
def set_user_state(user_id: int, action: str) -> Any:
    if action not in ("disable", "enable", "resend"):
        return render_error(404)
    admin = current_unit_user()
    try:
        if action == "resend":
            user = resend(admin, admin.unit_id, user_id).user
        else:
            user = unit_users.set_disabled(admin, user_id, action == "disable")
    except Refusal as refused:
        return _page(refused.status, error=refused.message)
    done = {
        "disable": "已停用，其登录状态已结束",
        "enable": "已恢复，可以重新登录",
        "resend": f"的新激活链接已发到本单位邮箱（{ACTIVATION_HOURS} 小时内有效），旧链接已作废",
    }[action]
    flash(f"用户{user.display_name}{done}。", "success")
    return redirect(url_for("unit.users"), code=303)
