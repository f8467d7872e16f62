"""查验票据: a unit verifies a bill handed over in file mode, then takes it in (受理报销).

The unit uploads the layout PDF or types the five elements; the result shows the bill as
the network vouches for it, the payer masked. "受理报销" posts the five elements read from
that verified bill, and the service checks them against the network again before storing
the claim, so nothing a browser sends is trusted by itself.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from common.web import refusal_page, render_error
from wallet.presenters.preview import preview
from wallet.refusals import Refusal
from wallet.scan.five_elements import InvalidFiveElements, parse_five_elements, submitted_fields
from wallet.services import file_claims
from wallet.services.verification import LAYOUT_MAX_BYTES, Verification, verify_elements, verify_layout
from wallet.unit import bp
from wallet.unit.access import current_unit_user, unit_required

NO_FILE = Refusal("file_required", "请先选择要上传的PDF版式文件。", 400)
VERIFY_ENDPOINTS = {"unit.verify_file", "unit.verify_elements"}


@bp.get("/verify")
@unit_required
def verify_page() -> str:
    return render_template("wallet/unit/verify.html", result=None, values={}, errors={}, **_limits())


@bp.post("/verify/file")
@unit_required
def verify_file() -> Any:
    upload = request.files.get("file")
    data = upload.read(LAYOUT_MAX_BYTES + 1) if upload else b""
    if not data:
        return render_result(Verification(refusal=NO_FILE))
    return render_result(verify_layout(data), verified_by="layout")


@bp.post("/verify/elements", endpoint="verify_elements")
@unit_required
def verify_typed() -> Any:
    values = submitted_fields(request.form)
    verification = verify_elements(values)
    errors = dict(verification.refusal.fields) if verification.refusal else {}
    if verification.elements is not None:
        values = verification.elements.as_fields()
    return render_result(verification, values, errors, verified_by="elements")


@bp.post("/file-claims")
@unit_required
def take_in() -> Any:
    """受理报销: the verified bill becomes the unit's file-mode claim."""
    try:
        elements = parse_five_elements(submitted_fields(request.form))
    except InvalidFiveElements:
        return render_error(400, "票据信息不完整，请重新查验票据后再受理。")
    verified_by = "layout" if request.form.get("verified_by") == "layout" else "elements"
    try:
        claim = file_claims.take_in(current_unit_user(), elements, verified_by)
    except Refusal as refused:
        if refused.status in (403, 503):
            return refusal_page(refused)
        return render_template(
            "wallet/unit/verify.html",
            result=None,
            values=elements.as_fields(),
            errors={},
            error=refused.message,
            **_limits(),
        ), refused.status
    flash("已受理报销（文件报销）。请锁定票据后办理。", "success")
    return redirect(url_for("unit.claim", claim_id=claim.id), code=303)


def render_result(
    verification: Verification,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    verified_by: str = "elements",
) -> tuple[str, int]:
    bill = verification.bill
    context = {
        "result": verification,
        "bill": preview(bill) if bill else None,
        "values": values or {},
        "errors": errors or {},
        "verified_by": verified_by,
        "problem": file_claims.claimable_problem(bill) if bill else None,
        "take_fields": file_claims.elements_of(bill).as_fields() if bill else {},
        "existing": file_claims.open_claim_of(current_unit_user().unit_id, bill.code, bill.number) if bill else None,
        **_limits(),
    }
    status = verification.refusal.status if verification.refusal else 200
    if request.headers.get("HX-Request"):
        return render_template("wallet/unit/_verify_result.html", oob_fields=bool(errors), **context), status
    return render_template("wallet/unit/verify.html", **context), status


def _limits() -> dict[str, Any]:
    return {"layout_max_bytes": min(LAYOUT_MAX_BYTES, int(current_app.config["MAX_CONTENT_LENGTH"]))}


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge) -> Any:
    if request.endpoint not in VERIFY_ENDPOINTS:
        return render_error(413)
    megabytes = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return render_result(
        Verification(
            refusal=Refusal("too_large", f"文件太大，无法上传。请上传不超过 {megabytes} 兆的 PDF 版式文件。", 413)
        )
    )
