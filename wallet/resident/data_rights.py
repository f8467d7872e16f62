"""The resident's data rights: take all of one's data away (export) and close the account (deactivate)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import requests
from flask import current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_login import current_user, login_required

from common.timeutil import SHANGHAI, utcnow
from wallet import audit, policy
from wallet.auth.provider import end_at_provider
from wallet.auth.sessions import sign_out
from wallet.auth.stepup import step_up_required
from wallet.clients.fiscal import FiscalClient
from wallet.models.resident import Resident
from wallet.resident import bp
from wallet.services import authorizations
from wallet.services.data_export import build_export
from wallet.services.deactivation import DeactivationRefused, deactivate, is_tombstone

CONFIRM_PHRASE = "注销账户"


@bp.before_app_request
def end_sessions_of_closed_accounts() -> None:
    """A session opened on another device before the account was closed ends on its next request."""
    if not str(session.get("_user_id", "")).startswith("resident:"):
        return
    user = current_user._get_current_object()
    if isinstance(user, Resident) and is_tombstone(user):
        sign_out()


@bp.get("/me/export")
@login_required
def export_page() -> str:
    return render_template("wallet/resident/export.html", active_tab="me")


@bp.post("/me/export")
@login_required
def export_download() -> Any:
    archive, summary = build_export(current_user, FiscalClient.from_app())
    audit.record_now("resident.export", current_user, f"resident:{current_user.id}", bills=summary.bills,
                     pdfs=summary.pdfs, missing_pdfs=summary.missing_pdfs)
    day = datetime.now(SHANGHAI).strftime("%Y%m%d")
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=f"bill-wallet-export-{day}.zip", max_age=0)


def _deactivate_page(status: int = 200, **context: Any) -> tuple[str, int]:
    auths, now = authorizations.authorizations_of(current_user.id, limit=1000), utcnow()
    return render_template("wallet/resident/deactivate.html", active_tab="me", phrase=CONFIRM_PHRASE,
                           open_count=sum(1 for a in auths if a.open_bill_id is not None),
                           locked=sorted({a.unit.name for a in auths
                                          if a.state == "locked" and not policy.lock_lapsed(a, now)}),
                           **context), status


@bp.route("/me/deactivate", methods=["GET", "POST"])
@login_required
@step_up_required
def deactivate_account() -> Any:
    if request.method == "GET":
        return _deactivate_page()
    if request.form.get("confirm", "").strip() != CONFIRM_PHRASE:
        return _deactivate_page(422, confirm_error=f"请在输入框中输入“{CONFIRM_PHRASE}”四个字后再提交。")
    try:
        deactivate(current_user.id)
    except DeactivationRefused as refused:
        return _deactivate_page(refused.status, refusal=refused.message)
    hint = sign_out()
    flash("您的个人数字账户已注销。如需再次使用票据夹，请重新登录并开通账户。", "success")
    try:
        return end_at_provider(hint)
    except (requests.RequestException, RuntimeError):
        current_app.logger.info("provider logout unavailable after deactivation")
        return redirect(url_for("resident.home"))
