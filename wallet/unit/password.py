"""修改密码: a unit user replaces their password, and must do so before anything else while the
initial one is still in use (``wallet.unit.access.unit_required`` sends them here)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from wallet.auth.limits import login_limit
from wallet.refusals import Refusal
from wallet.services.passwords import PASSWORD_RULE
from wallet.services.unit_users import change_password
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required


def _page(status: int = 200, errors: dict[str, str] | None = None) -> tuple[str, int]:
    return render_template(
        "wallet/unit/password.html",
        errors=errors or {},
        rule=PASSWORD_RULE,
        forced=current_unit_user().must_change_password,
    ), status


@bp.get("/password")
@unit_required
def password() -> Any:
    return _page()


@bp.post("/password", endpoint="change_password")
@login_limit("UNIT_LOGIN_RATE_LIMIT", "unit-password")
@unit_required
def change_password_view() -> Any:
    form = request.form
    try:
        change_password(
            current_unit_user().id,
            form.get("current_password") or "",
            form.get("new_password") or "",
            form.get("new_password_again") or "",
        )
    except Refusal as refused:
        return _page(refused.status, refused.fields)
    flash("密码已修改。下次登录请使用新密码。", "success")
    return redirect(url_for("unit.inbox"), code=303)
