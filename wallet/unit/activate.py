"""激活账号: the one-time link a new unit user receives. They choose a password and enrol the TOTP
key shown on this page only, proving it with a current code; a used or expired link gets a page
that says what to do instead."""

from __future__ import annotations

from typing import Any

import pyotp
import segno
from flask import flash, redirect, render_template, request, url_for

from wallet.auth.limits import login_limit
from wallet.refusals import Refusal
from wallet.services.passwords import PASSWORD_RULE, new_password_errors
from wallet.services.unit_accounts import otpauth_uri
from wallet.services.unit_activation import ACTIVATION_HOURS, activation_problem, user_for_token
from wallet.services.unit_activation import activate as activate_user
from wallet.unit import bp

HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _refused(problem: str) -> Any:
    return render_template("wallet/unit/activation_refused.html", problem=problem), 410, HEADERS


def _page(token: str, status: int = 200, errors: dict[str, str] | None = None) -> Any:
    user = user_for_token(token)
    problem = activation_problem(user)
    if problem or user is None:
        return _refused(problem or "")
    uri = otpauth_uri(user.username, user.totp_secret)
    return (
        render_template(
            "wallet/unit/activate.html",
            user=user,
            token=token,
            secret=user.totp_secret,
            qr=segno.make(uri, error="m").svg_data_uri(scale=4),
            rule=PASSWORD_RULE,
            hours=ACTIVATION_HOURS,
            errors=errors or {},
        ),
        status,
        HEADERS,
    )


@bp.get("/activate/<token>")
def activate(token: str) -> Any:
    return _page(token)


@bp.post("/activate/<token>")
@login_limit("UNIT_LOGIN_RATE_LIMIT", "unit-activate")
def activate_submit(token: str) -> Any:
    user = user_for_token(token)
    problem = activation_problem(user)
    if problem or user is None:
        return _refused(problem or "")
    form = request.form
    new, again = form.get("new_password") or "", form.get("new_password_again") or ""
    errors = new_password_errors(user.username, new, again)
    code = (form.get("code") or "").strip().replace(" ", "")
    # Proof of enrolment only: the link is single-use and rate limited, so the code is not
    # spent here and the person may sign in with it straight away.
    if not (code.isdigit() and len(code) == 6 and pyotp.TOTP(user.totp_secret).verify(code, valid_window=1)):
        errors["code"] = "动态验证码不正确。请确认已在验证器中添加上面的密钥，再输入验证器当前显示的 6 位数字。"
    if errors:
        return _page(token, 422, errors)
    try:
        done = activate_user(token, new, again)
    except Refusal as refused:
        if refused.code == "link_unusable":
            return _refused(refused.message)
        return _page(token, refused.status, refused.fields)
    flash(f"{done.display_name}，您的账号已激活。请用新密码和验证器中的动态码登录。", "success")
    return redirect(url_for("unit.login"), code=303)
