"""Importing a paper or offline bill: camera scan, photo, layout PDF or typed five elements.

Each way in verifies with the fiscal network and answers with the result screen; only the
resident's "加入票据夹" on that screen stores anything. The forms post normally and work
without JavaScript; with htmx the result replaces only the result region, refusals
included (their 4xx status is kept), so the page never reloads mid-import.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from common.translatable import N_, gettext, lazy_gettext
from common.web import render_error
from wallet.auth.verification_limits import import_limit, rate_refusal, retry_after
from wallet.presenters.bill import DOCUMENT, BillView
from wallet.presenters.preview import preview
from wallet.refusals import Refusal
from wallet.resident import bp
from wallet.resident.holder import acting, holder, holder_id
from wallet.scan.five_elements import FIELDS, submitted_fields
from wallet.scan.payload import MAX_PAYLOAD_CHARS
from wallet.scan.photo import DEFAULT_MAX_BYTES as PHOTO_MAX_BYTES
from wallet.services import imports
from wallet.services.verification import LAYOUT_MAX_BYTES, Verification, verify_elements, verify_file, verify_qr_text

IMPORT_ENDPOINTS = {"resident.import_qr", "resident.import_file", "resident.import_elements", "resident.import_confirm"}
NO_FILE = Refusal("file_required", lazy_gettext("请先选择要上传的票据照片或PDF版式文件。"), 400)
NO_QR = Refusal("not_a_bill_qr", lazy_gettext("没有读到二维码内容，请重新扫码，或改为上传照片、手动输入五要素。"), 400)
TOO_LARGE = N_("文件太大，无法上传。请上传不超过{mb} MB的照片或PDF版式文件。")


@bp.get("/import")
def import_page() -> str:
    """The four ways in for a resident; the way to log in for everyone else."""
    return render_template("wallet/resident/import.html", review=None, values={}, errors={}, **page_context())


@bp.post("/import/qr")
@login_required
@import_limit
def import_qr() -> Any:
    text = request.form.get("qr_text", "")
    if not text.strip():
        return render_review(imports.ImportReview.refused(NO_QR))
    held = imports.held_copy_of_qr(holder_id(), text)
    if held is not None:
        return render_review(imports.ImportReview.already_held(*held))
    return review_or_ask(verify_qr_text(text))


@bp.post("/import/file")
@login_required
@import_limit
def import_file() -> Any:
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    if not data:
        return render_review(imports.ImportReview.refused(NO_FILE))
    return review_or_ask(verify_file(data))


@bp.route("/import/elements", methods=["GET", "POST"])
@login_required
@import_limit
def import_elements() -> Any:
    """Typed elements (POST), or the link from the public status page after login (GET)."""
    source = request.form if request.method == "POST" else request.args
    if request.method == "GET" and not any(name in source for name in FIELDS):
        return redirect(url_for("resident.import_page"))
    values = submitted_fields(source)
    qr_text = str(source.get("qr_text") or "")[:MAX_PAYLOAD_CHARS] or None
    held = imports.held_copy(holder_id(), values)
    if held is not None:
        return render_review(imports.ImportReview.already_held(*held), held[1].as_fields())
    verification = verify_elements(values, qr_text=qr_text)
    errors = dict(verification.refusal.fields) if verification.refusal else {}
    if verification.elements is not None:
        values = verification.elements.as_fields()
    return render_review(imports.review(holder(), verification), values, errors, qr_text=qr_text)


@bp.post("/import/confirm")
@login_required
def import_confirm() -> Any:
    result = imports.confirm(holder(), request.form.get("token", ""), on_behalf=acting())
    if result.refusal is not None or result.bill_id is None:
        refusal = result.refusal or imports.EXPIRED
        return render_review(imports.ImportReview.refused(refusal))
    if result.added:
        flash(gettext("已加入票据夹。"), "success")
    else:
        flash(gettext("这张票据已在您的票据夹中，没有重复添加。"), "info")
    target = url_for("resident.bill_detail", bill_id=result.bill_id)
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    return redirect(target, code=303)


@bp.errorhandler(RateLimitExceeded)
def import_too_often(error: RateLimitExceeded) -> Any:
    if request.endpoint not in IMPORT_ENDPOINTS:
        return render_error(429)
    refusal = rate_refusal(error)
    body, status = render_review(imports.ImportReview.refused(refusal))
    return body, status, retry_after()


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge) -> Any:
    """Bodies above ``MAX_CONTENT_LENGTH`` are refused before they are read, CSRF check included."""
    if request.endpoint not in IMPORT_ENDPOINTS:
        return render_error(413)
    megabytes = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    refusal = Refusal("too_large", gettext(TOO_LARGE).format(mb=megabytes), 413)
    return render_review(imports.ImportReview.refused(refusal))


def page_context() -> dict[str, Any]:
    """What every rendering of the import page needs: its tab and the upload limits it announces."""
    body_limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    return {
        "active_tab": "import",
        "photo_max_bytes": min(PHOTO_MAX_BYTES, body_limit),
        "layout_max_bytes": min(LAYOUT_MAX_BYTES, body_limit),
    }


def review_or_ask(verification: Verification) -> tuple[str, int]:
    """The result of a scanned or photographed code; a code that lacks some elements opens the
    five-element form filled with what it carried, the first missing field focused (422)."""
    refusal = verification.refusal
    if refusal is None or refusal.code != "incomplete_bill_qr":
        return render_review(imports.review(holder(), verification))
    read, missing = refusal.details["read"], refusal.details["missing"]
    return render_review(
        imports.ImportReview.refused(refusal),
        dict(read),
        dict(refusal.fields),
        qr_text=refusal.details["qr_text"],
        focus=missing[0],
    )


def shown_bill(review: imports.ImportReview) -> BillView | None:
    """The verified bill as it would be stored, or the wallet's own copy the elements matched."""
    if review.bill is not None:
        return preview(review.bill)
    if review.held_bill is not None:
        return BillView(review.held_bill, holds={}, parts=(DOCUMENT,))
    return None


def render_review(
    review: imports.ImportReview,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    qr_text: str | None = None,
    focus: str | None = None,
) -> tuple[str, int]:
    """The result region for htmx, else the import page with the result on top."""
    context = {
        "review": review,
        "bill": shown_bill(review),
        "values": values or {},
        "errors": errors or {},
        "qr_text": qr_text,
        "focus": focus,
        **page_context(),
    }
    if request.headers.get("HX-Request"):
        return render_template("wallet/import/_outcome.html", oob_fields=bool(errors), **context), review.http_status
    return render_template("wallet/resident/import.html", **context), review.http_status
