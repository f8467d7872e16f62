"""接口对接: where a unit's administrator sees the appId, issues or rotates the appKey (shown
once) and registers the unit's public keys (JWK / JWKS URL) that verify its requests and receive replies."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from wallet.refusals import Refusal
from wallet.services import api_credentials, wallet_api_keys
from wallet.services.api_credentials import IssuedKey
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required


def page(status: int = 200, issued: IssuedKey | None = None, **context: Any) -> Any:
    user = current_unit_user()
    base = current_app.config["WALLET_BASE_URL"].rstrip("/")
    credential = api_credentials.credential_of(user.unit_id)
    html = render_template(
        "wallet/unit/integration.html",
        credential=credential,
        issued=issued,
        wallet_keys=wallet_api_keys.ring(),
        api_base=f"{base}/api/v1",
        unit_kids=api_credentials.registered_kids(credential) if credential else [],
        errors=context.pop("errors", {}),
        form=context.pop("form", {}),
        **context,
    )
    return html, status, {"Cache-Control": "no-store"}


@bp.get("/integration")
@unit_required
def integration() -> Any:
    return page()


@bp.post("/integration/app-key")
@unit_required
def issue_app_key() -> Any:
    user = current_unit_user()
    if api_credentials.credential_of(user.unit_id) is not None and request.form.get("confirm") != "yes":
        return page(422, errors={"confirm": "重置后旧的 appKey 立即失效。请勾选确认后再重置。"})
    seen = request.form.get("version", "")
    try:
        issued = api_credentials.issue_app_key(user, int(seen) if seen.isdecimal() and len(seen) < 9 else -1)
    except Refusal as refused:
        return page(refused.status, error=refused.message)
    return page(issued=issued)


@bp.post("/integration/unit-keys")
@unit_required
def register_unit_keys() -> Any:
    jwks, url = request.form.get("jwks", ""), request.form.get("jwks_url", "")
    try:
        credential = api_credentials.register_unit_keys(current_unit_user(), jwks, url)
    except Refusal as refused:
        return page(refused.status, errors={"jwks": refused.message}, form={"jwks": jwks[:8000], "jwks_url": url[:500]})
    flash(
        f"已登记 {len(api_credentials.registered_kids(credential))} 把公钥（密钥标识见下），此后的接口请求用它验签、"
        "应答用它加密。",
        "success",
    )
    return redirect(url_for("unit.integration"), code=303)
