"""接口对接: where a unit's administrator sees the appId, issues or rotates the appKey (shown
once) and registers the envelope public key the API seals replies to."""
from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from wallet.api import wallet_key
from wallet.services import api_credentials
from wallet.services.api_credentials import CredentialRefused, IssuedKey
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required


def page(status: int = 200, issued: IssuedKey | None = None, **context: Any) -> Any:
    user = current_unit_user()
    base = current_app.config["WALLET_BASE_URL"].rstrip("/")
    html = render_template("wallet/unit/integration.html", credential=api_credentials.credential_of(user.unit_id),
                           issued=issued, wallet_key=wallet_key.published(), api_base=f"{base}/api/v1",
                           algorithms=api_credentials.supported_algorithms(), errors=context.pop("errors", {}),
                           form=context.pop("form", {}), **context)
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
    except CredentialRefused as refused:
        return page(refused.status, error=refused.message)
    return page(issued=issued)


@bp.post("/integration/envelope-key")
@unit_required
def register_envelope_key() -> Any:
    pem = request.form.get("public_key", "")
    try:
        credential = api_credentials.register_envelope_key(current_unit_user(), pem)
    except CredentialRefused as refused:
        return page(refused.status, errors={"public_key": refused.message}, form={"public_key": pem[:4000]})
    flash(f"信封公钥已登记（密钥标识 {credential.envelope_kid}），此后的接口应答都用它加密。", "success")
    return redirect(url_for("unit.integration"), code=303)
