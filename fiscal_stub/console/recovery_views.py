"""On the unit login page, without signing in: reset a forgotten password, report a lost UKey (SMS code).

Each takes two steps: the unit code (a code goes to the administrator's phone — only the
masked number is shown), then the code with what it confirms. The development outbox page
shows what the simulated SMS gateway sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from common.settings import is_development
from common.timeutil import to_local
from fiscal_stub.console import bp
from fiscal_stub.console.unit_views import unit_code_typed
from fiscal_stub.extensions import db
from fiscal_stub.models import UnitAccount
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision import clock
from fiscal_stub.supervision.recovery import reset_password
from fiscal_stub.supervision.sms import outbox, send_code
from fiscal_stub.supervision.ukeys import report_lost


@dataclass(frozen=True)
class Recovery:
    slug: str
    purpose: str
    title: str
    lead: str


RECOVERIES = {
    r.slug: r
    for r in (
        Recovery("password", "reset_password", "忘记密码", "通过票据管理员手机号码短信验证，重新设置登录密码。"),
        Recovery(
            "ukey-loss",
            "report_ukey_loss",
            "挂失UKey",
            "UKey 丢失时请立即挂失：挂失后本单位开票功能同步锁定，直至使用新 UKey 登录。",
        ),
    )
}


def recovery_of(slug: str) -> Recovery:
    recovery = RECOVERIES.get(slug)
    if recovery is None:
        abort(404)
    return recovery


@bp.route("/console/unit/recover/<slug>", methods=["GET", "POST"])
def recover_start(slug: str) -> Any:
    recovery = recovery_of(slug)
    code, error, status = "", "", 200
    if request.method == "POST":
        code = unit_code_typed(request.form.get("unit_code", ""))
        account = db.session.get(UnitAccount, code) if code else None
        if account is None:
            error, status = "没有这个单位账号，请核对18位统一社会信用代码。", 404
        else:
            try:
                phone = send_code(db.session, account, recovery.purpose, current_app.config["SECRET_KEY"], clock.now())
            except FiscalError as refused:
                error, status = refused.message, refused.status
            else:
                flash(f"验证码已发送至票据管理员手机 {phone}，5分钟内有效。", "success")
                return redirect(url_for("fiscal_console.recover_verify", slug=slug, unit=code), 303)
    return render_template("fiscal/unit/recover_start.html", recovery=recovery, unit_code=code, error=error), status


@bp.route("/console/unit/recover/<slug>/verify", methods=["GET", "POST"])
def recover_verify(slug: str) -> Any:
    recovery = recovery_of(slug)
    code = unit_code_typed(request.args.get("unit", ""))
    account = db.session.get(UnitAccount, code) if code else None
    if account is None:
        return redirect(url_for("fiscal_console.recover_start", slug=slug), 303)
    error, status = "", 200
    if request.method == "POST":
        form, secret, now = request.form, current_app.config["SECRET_KEY"], clock.now()
        try:
            if recovery.purpose == "reset_password":
                reset_password(
                    db.session,
                    account,
                    form.get("code", ""),
                    form.get("password", ""),
                    form.get("password_again", ""),
                    secret,
                    now,
                )
                flash("密码已重置，请用新密码登录。", "success")
            else:
                report_lost(db.session, account, form.get("code", ""), secret, now)
                flash("UKey 已挂失，本单位开票功能已锁定；请向财政部门申领新 UKey，用新 UKey 登录后即解除。", "success")
        except FiscalError as refused:
            error, status = refused.message, refused.status
        else:
            return redirect(url_for("fiscal_console.unit_login"), 303)
    return render_template("fiscal/unit/recover_verify.html", recovery=recovery, account=account, error=error), status


@bp.get("/console/dev/sms")
def sms_outbox() -> Any:
    """What the simulated SMS gateway sent: development and test only (a real gateway has no such page)."""
    if not is_development(current_app.config["APP_ENV"]):
        abort(404)
    return render_template("fiscal/dev_sms.html", messages=outbox(db.session), to_local=to_local)
