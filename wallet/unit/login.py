"""Unit login: username and password, then a TOTP code; failures lock the username for a while."""

from __future__ import annotations

import time
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from wallet.audit import pseudonym, record_now
from wallet.auth.areas import sign_in_user, sign_out_user
from wallet.auth.limits import explain_login_limits, login_limit
from wallet.auth.views import safe_next
from wallet.extensions import db
from wallet.models.unit import UnitUser
from wallet.refusals import Refusal
from wallet.services.logins import check_code, check_password
from wallet.services.unit_accounts import record_login
from wallet.unit import bp
from wallet.unit.access import unit_required

REALM = "unit"
PENDING = "unit_login_pending"
PENDING_SECONDS = 300


def _next() -> str:
    target = safe_next(request.values.get("next"))
    return target if target.startswith("/unit/") else url_for("unit.inbox")


def _page(status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template("wallet/unit/login.html", next_url=request.values.get("next", ""), **context), status


@bp.get("/login")
def login() -> Any:
    return _page()


@bp.post("/login")
@login_limit("UNIT_LOGIN_RATE_LIMIT", "unit-login")
def login_password() -> Any:
    username = (request.form.get("username") or "").strip().lower()[:64]
    password = request.form.get("password") or ""
    if not username or not password:
        return _page(422, error="请输入用户名和密码。", username=username)
    user = db.session.scalar(select(UnitUser).where(UnitUser.username == username))
    try:
        check_password(REALM, username, password, user.password_hash if user and user.is_activated else None)
    except Refusal as refused:
        record_now("unit.login_failed", None, "", user=pseudonym(username), step="password", status=refused.status)
        return _page(refused.status, error=refused.message, username=username)
    assert user is not None
    if not user.unit.is_active:
        return _page(
            403, error=f"单位账户{user.unit.state_name}，暂不能登录。如有疑问请联系财政部门。", username=username
        )
    if user.disabled_at is not None:
        return _page(
            403, error="该账号已被本单位管理员停用，不能登录。如需继续使用，请联系本单位管理员。", username=username
        )
    session[PENDING] = {"user": user.id, "username": username, "at": int(time.time())}
    return redirect(url_for("unit.login_code", next=request.form.get("next") or None))


def _pending() -> dict[str, Any] | None:
    held = session.get(PENDING)
    if not held or time.time() - held.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    return dict(held)


@bp.route("/login/code", methods=["GET", "POST"])
@login_limit("UNIT_LOGIN_RATE_LIMIT", "unit-login")
def login_code() -> Any:
    held = _pending()
    if held is None:
        flash("登录已超时，请重新输入用户名和密码。", "error")
        return redirect(url_for("unit.login"))
    if request.method == "GET":
        return render_template("wallet/unit/login_code.html", next_url=request.args.get("next", ""))
    user = db.session.get(UnitUser, held["user"])
    try:
        if user is None:
            raise Refusal("account_gone", "账号已不存在，请联系单位管理员。", 401)
        check_code(REALM, held["username"], user.totp_secret, request.form.get("code") or "")
    except Refusal as refused:
        record_now("unit.login_failed", None, "", user=pseudonym(held["username"]), step="code", status=refused.status)
        if refused.status == 429:
            session.pop(PENDING, None)
        return render_template(
            "wallet/unit/login_code.html", error=refused.message, next_url=request.form.get("next", "")
        ), refused.status
    if not sign_in_user(user):
        return _page(403, error="账号或单位账户当前不可用，暂不能登录。如有疑问请联系本单位管理员或财政部门。")
    record_login(user.id)
    record_now("unit.login", user, f"unit:{user.unit_id}")
    return redirect(_next())


@bp.post("/logout")
@unit_required
def logout() -> Any:
    record_now("unit.logout", current_user, "")
    sign_out_user()
    flash("已安全退出单位账户。", "success")
    return redirect(url_for("unit.login"))


explain_login_limits(bp)
