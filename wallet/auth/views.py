"""Login, callback, activation, step-up and logout pages of the wallet."""

from __future__ import annotations

from typing import Any

import requests
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from common.translatable import gettext
from common.web import refusal_page, render_error
from wallet.audit import record_now
from wallet.auth import bp, family_claim, pending
from wallet.auth.accounts import activate_account, find_resident, record_login
from wallet.auth.identity import LOA_FACE, VerifiedIdentity
from wallet.auth.limits import explain_login_limits, login_limit
from wallet.auth.provider import begin, end_at_provider, finish, returned_from_logout
from wallet.auth.sessions import record_step_up, sign_in, sign_out
from wallet.identity import mask_id_number, mask_name
from wallet.language import follow_login
from wallet.models import Resident
from wallet.offline_copies import forget_this_browser
from wallet.refusals import Refusal
from wallet.services import family
from wallet.services.collection_jobs import request_sync


def safe_next(value: str | None) -> str:
    """A path inside the wallet to continue at; anything else becomes the home page."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return url_for("resident.home")


@bp.get("/login")
@login_limit("LOGIN_RATE_LIMIT", "resident-login", count_reads=True)
def login() -> Any:
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url)
    return begin("login", next_url)


@bp.get("/auth/step-up")
@login_required
def step_up() -> Any:
    return begin("step_up", safe_next(request.args.get("next")), acr=LOA_FACE)


@bp.get("/auth/callback")
def callback() -> Any:
    try:
        identity, login_data = finish()
    except Refusal as refused:
        current_app.logger.info("login refused: %s", refused.message)
        return refusal_page(refused)
    next_url = safe_next(login_data.get("next"))
    if login_data.get("intent") == "step_up":
        if not current_user.is_authenticated:
            return render_error(401, gettext("登录已超时，请重新登录后再进行此操作。"))
        if current_user.oidc_sub != identity.sub:
            sign_out()
            return render_error(403, gettext("核验的身份与当前登录的账户不一致，已退出登录。请重新登录。"))
        record_step_up(identity)
        record_now("resident.step_up", current_user, f"resident:{current_user.id}")
        return redirect(next_url)
    if login_data.get("intent") == "family":
        return family_attested(identity, login_data, next_url)
    resident = find_resident(identity)
    held = resident is not None and resident.is_held
    if resident is not None and not held and resident.terms_version == current_app.config["TERMS_VERSION"]:
        record_login(resident, identity)
        start_session(resident, identity)
        return redirect(next_url)
    sign_out()
    follow_login(identity.locale)
    pending.hold(identity, next_url)
    return redirect(url_for("auth.activate"))


def family_attested(identity: VerifiedIdentity, login_data: dict[str, Any], next_url: str) -> Any:
    """Back from 蒙速办 with the ``family`` claim: believed only in this resident's own verified token."""
    if not current_user.is_authenticated:
        return render_error(401, gettext("登录已超时，请重新登录后再添加家人。"))
    if current_user.oidc_sub != identity.sub:
        sign_out()
        return render_error(403, gettext("蒙速办返回的身份与当前登录的账户不一致，已退出登录。请重新登录。"))
    try:
        attested = family_claim.attested_family(login_data.get("claims") or {}, family.today())
    except Refusal as refused:
        return refusal_page(refused, links=[(gettext("返回家人页面"), url_for("resident.family_page"))])
    family_claim.hold(current_user.id, attested)
    record_now("resident.family_attested", current_user, f"resident:{current_user.id}")
    return redirect(next_url)


def start_session(resident: Resident, identity: VerifiedIdentity) -> None:
    """Sign in and ask the collection worker to fetch what is new since the last visit."""
    sign_in(resident, identity)
    follow_login()
    record_now("resident.login", resident, f"resident:{resident.id}", acr=identity.acr)
    request_sync(resident.id)


def activation_page(identity: VerifiedIdentity, status: int = 200, **context: Any) -> tuple[str, int]:
    found = find_resident(identity)
    return render_template(
        "wallet/auth/activate.html",
        masked_name=mask_name(identity.name),
        masked_id_number=mask_id_number(identity.id_number),
        returning=found is not None and not found.is_held,
        held=found is not None and found.is_held,
        terms_version=current_app.config["TERMS_VERSION"],
        **context,
    ), status


@bp.route("/activate", methods=["GET", "POST"])
def activate() -> Any:
    held = pending.peek()
    if held is None:
        if request.method == "POST":
            return render_error(400, gettext("开通请求已过期，请重新登录后再开通。"))
        return redirect(url_for("resident.home"))
    identity, next_url = held
    if request.method == "GET":
        return activation_page(identity)
    if request.form.get("accept") != "yes":
        return activation_page(identity, 422, accept_error=gettext("请先阅读并勾选同意，再开通个人数字账户。"))
    resident = activate_account(identity, current_app.config["TERMS_VERSION"])
    pending.drop()
    record_now("resident.activate", resident, f"resident:{resident.id}")
    start_session(resident, identity)
    flash(gettext("个人数字账户已开通。"), "success")
    return redirect(next_url)


@bp.post("/activate/decline")
def decline_activation() -> Any:
    pending.drop()
    flash(gettext("未开通个人数字账户，您的信息未被保存。需要时可重新登录开通。"))
    return redirect(url_for("resident.home"))


@bp.get("/account")
@login_required
def account() -> str:
    """The personal digital account itself: who it belongs to (masked) and since when."""
    return render_template("wallet/auth/account.html", active_tab="me")


@bp.post("/logout")
def logout() -> Any:
    if current_user.is_authenticated:
        record_now("resident.logout", current_user, f"resident:{current_user.get_id()}")
    hint = sign_out()
    try:
        return forget_this_browser(end_at_provider(hint))
    except (requests.RequestException, RuntimeError):
        flash(gettext("您已退出票据夹。蒙速办登录服务暂时无法访问，其登录状态将自动过期。"))
        return forget_this_browser(redirect(url_for("resident.home")))


@bp.get("/auth/logged-out")
def logged_out() -> Any:
    if returned_from_logout():
        flash(gettext("您已安全退出登录。"), "success")
    return redirect(url_for("resident.home"))


explain_login_limits(bp)
