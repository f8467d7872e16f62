"""The outbox in the finance console: what a mailer would deliver — notices and one-time
activation links, never a password — and a fresh link for a user who has not activated.

Messages of the old ``credentials`` kind carried an initial password; their text is withheld
(those users must change that password at their next login).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from common.web import refusal_page, render_error
from wallet.extensions import db
from wallet.finance import bp
from wallet.finance.admin import FinanceAdmin, admin_required
from wallet.models.unit import UnitUser
from wallet.refusals import Refusal
from wallet.services import outbox as outbox_service
from wallet.services.unit_activation import ACTIVATION_HOURS, resend

WITHHELD = "（旧版开通通知，内容含初始密码，不再显示。该用户下次登录时必须修改密码。）"


@bp.get("/outbox")
@admin_required
def outbox() -> str:
    messages = [(m, m.payload() if m.kind != "credentials" else {"text": WITHHELD}) for m in outbox_service.outbox()]
    waiting = set(
        db.session.scalars(
            select(UnitUser.username).where(UnitUser.password_hash == "", UnitUser.disabled_at.is_(None))
        )
    )
    return render_template("wallet/finance/outbox.html", messages=messages, waiting=waiting)


@bp.post("/outbox/resend")
@admin_required
def resend_activation() -> Any:
    username = (request.form.get("username") or "").strip().lower()[:64]
    user = db.session.scalar(select(UnitUser).where(UnitUser.username == username))
    if user is None:
        return render_error(404, "没有找到该用户，请刷新发件箱。")
    try:
        resend(FinanceAdmin(), user.unit_id, user.id)
    except Refusal as refused:
        return refusal_page(refused)
    flash(
        f"已为{user.unit.name}的{user.display_name}重新生成激活链接（{ACTIVATION_HOURS} 小时内有效），旧链接已作废。",
        "success",
    )
    return redirect(url_for("finance.outbox"), code=303)
