"""The resident's reminders: what they were reminded of, their choices, and their browsers' push subscriptions.

The push endpoints take JSON from the page's own script (static/js/push.js), CSRF in the
``X-CSRFToken`` header as every htmx request carries it, and answer JSON.
"""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from common.database import write_transaction
from common.timeutil import utcnow
from common.translatable import gettext
from wallet.extensions import db
from wallet.models.reminder import ReminderSettings
from wallet.refusals import Refusal
from wallet.resident import bp
from wallet.services import reminders, web_push
from wallet.services.reminder_rules import KINDS


@bp.get("/reminders")
@login_required
def reminder_list() -> str:
    return render_template("wallet/resident/reminders.html", active_tab="me", items=reminders.recent(current_user.id))


def _settings_page(status: int = 200, error: str = "") -> tuple[str, int]:
    return (
        render_template(
            "wallet/resident/reminder_settings.html",
            active_tab="me",
            kinds=KINDS,
            choices=reminders.settings_of(current_user.id),
            subscribed=web_push.subscribed(current_user.id),
            server_key=web_push.application_server_key(),
            error=error,
        ),
        status,
    )


@bp.get("/reminders/settings")
@login_required
def reminder_settings() -> tuple[str, int]:
    return _settings_page()


@bp.post("/reminders/settings")
@login_required
def save_reminder_settings() -> Any:
    chosen = request.form.getlist("kind")
    digest = request.form.get("digest", "")
    if any(k not in KINDS for k in chosen) or len(chosen) != len(set(chosen)) or digest not in ("", "on"):
        return _settings_page(400, gettext("提交的提醒类型无效，请刷新页面后重新选择。"))
    write_transaction(db.session)
    row = db.session.scalar(
        select(ReminderSettings).where(ReminderSettings.resident_id == current_user.id).with_for_update()
    )
    if row is None:
        row = ReminderSettings(resident_id=current_user.id)
        db.session.add(row)
    row.off_kinds = ",".join(k for k in KINDS if k not in chosen)
    row.digest = digest == "on"
    row.updated_at = utcnow()
    db.session.commit()
    flash(gettext("提醒设置已保存。"), "success")
    return redirect(url_for("resident.reminder_settings"), code=303)


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Refusal("push_subscription_invalid", gettext("推送订阅信息不完整，请刷新页面后重试。"), 400)
    return body


@bp.post("/push/subscriptions")
@login_required
def push_subscribe() -> Any:
    try:
        body = _json_body()
        keys = body.get("keys")
        if not isinstance(keys, dict):
            keys = {}
        web_push.subscribe(current_user.id, body.get("endpoint"), keys.get("p256dh"), keys.get("auth"))
    except Refusal as refused:
        return jsonify(ok=False, message=refused.message), refused.status
    return jsonify(ok=True, message=gettext("已开启推送提醒。")), 201


@bp.post("/push/subscriptions/remove")
@login_required
def push_unsubscribe() -> Any:
    try:
        web_push.unsubscribe(current_user.id, _json_body().get("endpoint"))
    except Refusal as refused:
        return jsonify(ok=False, message=refused.message), refused.status
    return jsonify(ok=True, message=gettext("已关闭推送提醒。"))
