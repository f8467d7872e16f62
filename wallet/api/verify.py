"""Verification for file-mode claims: the unit holds the five elements or the layout PDF.

Both go through :mod:`wallet.services.verification`, the same answer residents and the
public status page get, with the same per-bill daily limit; a refusal keeps its stable
code (``not_found``, ``mismatch``, ``signature_invalid``…) and its Chinese message.
"""

from __future__ import annotations

from flask import Response

from wallet.api import bp, ok
from wallet.api.payloads import five_elements, layout_pdf, qr_payload, sealed_payload
from wallet.api.replies import render
from wallet.api.serializers import verified
from wallet.refusals import Refusal
from wallet.services import verification


def _answer(result: verification.Verification) -> Response:
    if result.bill is None:
        refusal = result.refusal
        assert refusal is not None
        if refusal.code == "incomplete_bill_qr":  # the QR text stays with the caller who sent it
            raise Refusal(
                refusal.code,
                refusal.message,
                refusal.status,
                refusal.fields,
                missing=list(refusal.details["missing"]),
                read=dict(refusal.details["read"]),
            )
        raise refusal
    return render(ok(verified(result.bill), "核验通过：票据真实。能否报销见 reimbursable，状态见 signed_bill.status。"))


@bp.post("/verifications/five-elements")
def verify_five_elements() -> Response:
    return _answer(verification.verify_elements(five_elements(sealed_payload())))


@bp.post("/verifications/qr")
def verify_qr() -> Response:
    """A bill's QR code in any real shape; where it lacks elements the caller adds them, else 422."""
    text, added = qr_payload(sealed_payload())
    return _answer(verification.verify_qr_text(text, added=added))


@bp.post("/verifications/layout-file")
def verify_layout_file() -> Response:
    return _answer(verification.verify_layout(layout_pdf(sealed_payload())))
