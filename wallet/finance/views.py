"""Finance console pages: login (password + TOTP), applications and unit accounts (the outbox:
``wallet.finance.outbox``)."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, flash, redirect, render_template, request, session, url_for

from common.web import refusal_page, render_error
from wallet.audit import pseudonym, record_now
from wallet.auth.areas import sign_in_user, sign_out_user
from wallet.auth.limits import explain_login_limits, login_limit
from wallet.finance import bp
from wallet.finance.admin import FinanceAdmin, admin_required, admin_totp_secret
from wallet.finance.closing import CONFIRMED
from wallet.refusals import Refusal
from wallet.services import unit_accounts
from wallet.services.logins import check_code, check_password

REALM = "finance"
PENDING = "finance_login_pending"
PENDING_SECONDS = 300
NEEDS_NOTE = {
    "reject": "请填写不通过的原因，申请单位将看到它。",
    "freeze": "请填写冻结原因。",
    "cancel": "请填写注销原因。",
    "unfreeze": "请填写解除冻结的原因。",
}
DONE = {
    "approve": "已批准，账号和一次性激活链接（72 小时内有效）已放入发件箱。",
    "reject": "已驳回申请。",
    "freeze": "已冻结该单位账户。",
    "unfreeze": "已解除冻结。",
    "cancel": "已注销该单位账户，未锁定的授权已撤回并通知居民。",
}


@bp.get("/login")
def login() -> str:
    return render_template("wallet/finance/login.html")


@bp.post("/login")
@login_limit("FINANCE_LOGIN_RATE_LIMIT", "finance-login")
def login_password() -> Any:
    username = (request.form.get("username") or "").strip().lower()[:64]
    password = request.form.get("password") or ""
    if not username or not password:
        return render_template("wallet/finance/login.html", error="请输入用户名和密码。", username=username), 422
    cfg = current_app.config
    stored = cfg["FINANCE_ADMIN_PASSWORD"] if username == cfg["FINANCE_ADMIN_USERNAME"].lower() else None
    try:
        check_password(REALM, username, password, stored)
    except Refusal as refused:
        record_now("finance.login_failed", None, "", user=pseudonym(username), step="password")
        return render_template("wallet/finance/login.html", error=refused.message, username=username), refused.status
    session[PENDING] = {"username": username, "at": int(time.time())}
    return redirect(url_for("finance.login_code"))


@bp.route("/login/code", methods=["GET", "POST"])
@login_limit("FINANCE_LOGIN_RATE_LIMIT", "finance-login")
def login_code() -> Any:
    held = session.get(PENDING)
    if not held or time.time() - held.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        flash("登录已超时，请重新输入用户名和密码。", "error")
        return redirect(url_for("finance.login"))
    if request.method == "GET":
        return render_template("wallet/finance/login_code.html")
    try:
        check_code(REALM, held["username"], admin_totp_secret(), request.form.get("code") or "")
    except Refusal as refused:
        record_now("finance.login_failed", None, "", user=pseudonym(held["username"]), step="code")
        if refused.status == 429:
            session.pop(PENDING, None)
        return render_template("wallet/finance/login_code.html", error=refused.message), refused.status
    sign_in_user(FinanceAdmin())
    record_now("finance.login", FinanceAdmin(), "")
    return redirect(url_for("finance.home"))


@bp.post("/logout")
@admin_required
def logout() -> Any:
    record_now("finance.logout", FinanceAdmin(), "")
    sign_out_user()
    flash("已退出财政部门管理账户。", "success")
    return redirect(url_for("finance.login"))


@bp.get("/")
@admin_required
def home() -> str:
    q = " ".join((request.args.get("q") or "").split())[:60]
    units = [u for u in unit_accounts.all_units() if u.state != "pending"]
    if q:
        needle = q.casefold()
        units = [u for u in units if needle in u.name.casefold() or needle in u.credit_code.casefold()]
    return render_template(
        "wallet/finance/home.html", pending=unit_accounts.units_in_state("pending"), units=units, q=q
    )


@bp.post("/units/<int(max=2147483647):unit_id>/<action>")
@admin_required
def decide(unit_id: int, action: str) -> Any:
    if action not in unit_accounts.TRANSITIONS:
        return render_error(404)
    if action in CONFIRMED and request.form.get("confirmed") != "yes":
        return redirect(url_for("finance.confirm_decision", unit_id=unit_id, action=action), code=303)
    note = " ".join((request.form.get("note") or "").split())[:200]
    if action in NEEDS_NOTE and len(note) < 2:
        flash(NEEDS_NOTE[action], "error")
        back = (
            url_for("finance.confirm_decision", unit_id=unit_id, action=action)
            if action in CONFIRMED
            else url_for("finance.home")
        )
        return redirect(back, code=303)
    try:
        unit = unit_accounts.decide(unit_id, action, note)
    except Refusal as refused:
        return refusal_page(refused)
    flash(f"{unit.name}：{DONE[action]}", "success")
    return redirect(url_for("finance.home"), code=303)


explain_login_limits(bp)
