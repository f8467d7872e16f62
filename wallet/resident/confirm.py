"""Confirming an authorization: one deliberate press of 确认授权, then face verification if needed.

When the resident's face verification is recent, the confirmation authorizes at once.
Otherwise what they confirmed waits in their session (:mod:`wallet.resident.pending_confirmation`),
they verify at 蒙速办, and the return from the face check makes the authorization — they
never press 确认授权 twice. The return is a GET (the identity provider redirects there), so
it carries a nonce only this session holds, is used once, and expires.
Each confirmation carries a one-time ``request_id``: a double submit yields one receipt.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from common.translatable import N_, gettext
from common.web import refusal_page
from wallet.auth.sessions import ACR, VERIFIED_AT
from wallet.auth.stepup import step_up_satisfied
from wallet.refusals import Refusal
from wallet.resident import bp, pending_confirmation
from wallet.resident.authorize import bill_ids_of, claim_fields
from wallet.resident.holder import acting, holder, holder_id
from wallet.services import authorizations
from wallet.services.authorizations import Confirmation

REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
NOT_VERIFIED = N_("人脸核验没有完成，授权没有生效。请核对后再次确认授权。")
EXPIRED = N_("这次确认已过期或已使用，授权没有生效。请重新选择票据并确认授权。")


@bp.post("/authorize/<int(max=2147483647):unit_id>/confirm")
@login_required
def confirm(unit_id: int) -> Any:
    ids = bill_ids_of(request.form)
    request_id = request.form.get("request_id") or ""
    if not ids or not REQUEST_ID.match(request_id):
        raise Refusal("input_invalid", gettext("授权内容不完整，请返回重新选择票据后确认。"), 400)
    claim_ref, note = claim_fields(request.form)
    if step_up_satisfied():
        return _authorize(unit_id, ids, claim_ref, note, request_id)
    nonce = pending_confirmation.hold(current_user.id, holder_id(), unit_id, ids, claim_ref, note, request_id)
    target = url_for("auth.step_up", next=url_for("resident.confirmed", nonce=nonce))
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    return redirect(target, code=303)


@bp.get("/authorize/confirmed/<nonce>")
@login_required
def confirmed(nonce: str) -> Any:
    """Back from the face check: make the authorization the resident confirmed before it."""
    held = pending_confirmation.take(current_user.id, holder_id(), nonce[:64])
    if held is None:
        flash(gettext(EXPIRED), "error")
        return redirect(url_for("resident.choose_unit"), code=303)
    if not step_up_satisfied() or int(session.get(VERIFIED_AT, 0)) < held.at - 1:
        flash(gettext(NOT_VERIFIED), "error")
        return redirect(
            url_for(
                "resident.preview",
                unit_id=held.unit_id,
                bill=held.bill_ids,
                claim_ref=held.claim_ref or None,
                note=held.note or None,
            ),
            code=303,
        )
    return _authorize(held.unit_id, held.bill_ids, held.claim_ref, held.note, held.request_id)


def _authorize(unit_id: int, ids: list[int], claim_ref: str, note: str, request_id: str) -> Any:
    verified = datetime.fromtimestamp(int(session.get(VERIFIED_AT, time.time())), UTC)
    try:
        receipt = authorizations.authorize_bills(
            holder(),
            unit_id,
            ids,
            claim_ref,
            note,
            request_id,
            Confirmation(str(session.get(ACR, "")), verified),
            on_behalf=acting(),
        )
    except Refusal as refused:
        links = [
            (gettext("重新选择单位和票据"), url_for("resident.choose_unit")),
            (gettext("查看我的授权"), url_for("resident.authorizations")),
        ]
        return refusal_page(refused, title=gettext("授权没有完成"), links=links)
    return redirect(url_for("resident.receipt", receipt_id=receipt.id), code=303)
