"""The resident's data rights: take all of one's data away (export) and close the account (deactivate)."""

from __future__ import annotations

from typing import Any

import requests
from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from common.timeutil import SHANGHAI, utcnow
from common.translatable import N_, gettext, shown
from wallet import audit, policy
from wallet.auth.provider import end_at_provider
from wallet.auth.sessions import sign_out
from wallet.auth.stepup import step_up_required, step_up_satisfied
from wallet.models.resident import Resident
from wallet.offline_copies import forget_this_browser
from wallet.refusals import Refusal
from wallet.resident import bp
from wallet.services import authorization_queries, export_jobs
from wallet.services.deactivation import deactivate, is_tombstone

# Typed to confirm, in the page's language; the Chinese phrase is accepted on every page.
CONFIRM_PHRASE = N_("注销账户")


@bp.before_app_request
def end_sessions_of_closed_accounts() -> None:
    """A session opened on another device before the account was closed ends on its next request."""
    if request.endpoint == "static" or not str(session.get("_user_id", "")).startswith("resident:"):
        return
    user = current_user._get_current_object()
    if isinstance(user, Resident) and is_tombstone(user):
        sign_out()


def _export_context() -> dict[str, Any]:
    job = export_jobs.export_of(current_user.id)
    return {
        "job": job,
        "state": job.state_at(utcnow()) if job else "none",
        "face_ready": step_up_satisfied(),
        "download_hours": export_jobs.DOWNLOAD_HOURS,
    }


@bp.get("/me/export")
@login_required
def export_page() -> str:
    return render_template("wallet/resident/export.html", active_tab="me", **_export_context())


@bp.get("/me/export/status")
@login_required
def export_status() -> str:
    """The export component alone: the page polls it while the worker builds."""
    return render_template("wallet/resident/_export_job.html", **_export_context())


@bp.post("/me/export")
@login_required
@step_up_required
def export_request() -> Any:
    """Queue the export (the worker builds it); one already queued or running is left as it is."""
    export_jobs.request_export(current_user.id)
    if request.headers.get("HX-Request"):
        return render_template("wallet/resident/_export_job.html", **_export_context())
    return redirect(url_for("resident.export_page"), code=303)


@bp.get("/me/export/<key>/download")
@login_required
def export_download(key: str) -> Any:
    job = export_jobs.downloadable(current_user.id, key[:64])
    if job is None:
        raise Refusal("not_found", gettext("没有找到这个导出文件。请回到“导出我的数据”页面重新导出。"), 404)
    if job.state_at(utcnow()) == "expired":
        raise Refusal(
            "export_expired",
            gettext(
                "下载链接已过期（生成后 %(hours)s 小时内有效），文件已删除。请回到“导出我的数据”页面重新导出。",
                hours=export_jobs.DOWNLOAD_HOURS,
            ),
            410,
        )
    audit.record_now("resident.export.download", current_user, f"resident:{current_user.id}", size=job.size)
    day = (job.finished_at or utcnow()).astimezone(SHANGHAI).strftime("%Y%m%d")
    return Response(
        stream_with_context(export_jobs.chunks(current_user.id)),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="bill-wallet-export-{day}.zip"',
            "Content-Length": str(job.size),
            "Cache-Control": "no-store",
        },
    )


def _deactivate_page(status: int = 200, **context: Any) -> tuple[str, int]:
    auths, now = authorization_queries.authorizations_of(current_user.id, limit=1000), utcnow()
    return render_template(
        "wallet/resident/deactivate.html",
        active_tab="me",
        phrase=shown(CONFIRM_PHRASE),
        open_count=sum(1 for a in auths if a.open_key is not None),
        locked=sorted({a.unit.name for a in auths if a.state == "locked" and not policy.lock_lapsed(a, now)}),
        **context,
    ), status


@bp.route("/me/deactivate", methods=["GET", "POST"])
@login_required
@step_up_required
def deactivate_account() -> Any:
    if request.method == "GET":
        return _deactivate_page()
    if request.form.get("confirm", "").strip() not in (CONFIRM_PHRASE, shown(CONFIRM_PHRASE)):
        return _deactivate_page(
            422, confirm_error=gettext("请在输入框中输入“%(phrase)s”四个字后再提交。", phrase=shown(CONFIRM_PHRASE))
        )
    resident_id = current_user.id
    try:
        deactivate(resident_id)
    except Refusal as refused:
        return _deactivate_page(refused.status, refusal=refused.message)
    export_jobs.discard(resident_id)  # an anonymised account keeps its row; its export must still go
    hint = sign_out()
    flash(gettext("您的个人数字账户已注销。如需再次使用票据夹，请重新登录并开通账户。"), "success")
    try:
        return forget_this_browser(end_at_provider(hint))
    except (requests.RequestException, RuntimeError):
        current_app.logger.info("provider logout unavailable after deactivation")
        return forget_this_browser(redirect(url_for("resident.home")))
