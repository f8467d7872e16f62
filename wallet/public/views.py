"""``/check``: the five elements (typed, or carried by a bill's QR URL) → is the bill genuine, and its status.

The page shows what the national verification platform shows — authenticity, status,
type, issuer, date, amount and how often the bill was checked — and nothing about the
payer or the items. Typed elements are posted (they stay out of logs and history); a
QR code opens the page with them in the query, which is the public contract.

A resident's signed status snapshot (``snapshot``, from its QR code's URL or pasted) is checked
here too: what the wallet signed, beside the bill's status on the network now.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask_limiter import RateLimitExceeded
from markupsafe import escape

from wallet.auth.verification_limits import check_limit, rate_refusal, retry_after
from wallet.presenters.preview import preview
from wallet.public import bp
from wallet.refusals import Refusal
from wallet.scan.five_elements import FIELDS, five_elements_errors, submitted_fields
from wallet.services import check_counts, status_snapshots
from wallet.services.status_snapshots import Snapshot
from wallet.services.verification import Verification, verify_elements


@bp.route("/check", methods=["GET", "POST"])
@check_limit
def check() -> Any:
    source = request.form if request.method == "POST" else request.args
    if status_snapshots.PARAM in source:
        return check_snapshot(source[status_snapshots.PARAM])
    if not any(name in source for name in FIELDS):
        return render_check(None, {}, {})
    values = submitted_fields(source)
    verification = verify_elements(values)
    errors = dict(verification.refusal.fields) if verification.refusal else {}
    if verification.elements is not None:
        values = verification.elements.as_fields()
    return render_check(verification, values, errors)


def check_snapshot(text: str) -> tuple[str, int]:
    """A snapshot whose signature holds is shown with the bill's live status (its five elements
    checked like typed ones); a tampered or forged one is refused before the network is asked."""
    try:
        snapshot = status_snapshots.read(text)
    except Refusal as refused:
        body, _ = render_check(None, {}, {}, snapshot_text=text, snapshot_refusal=refused)
        return body, refused.status
    verification = verify_elements(snapshot.elements)
    body, _ = render_check(verification, snapshot.elements.as_fields(), {}, snapshot=snapshot)
    return body, 200


@bp.post("/check/field")
def check_field() -> Response:
    """One field's format problem (empty when fine or not typed yet), for inline validation.

    htmx posts the whole form; ``field`` names the one that changed.
    """
    name = request.form.get("field", "")
    text = (request.form.get(name) or "").strip() if name in FIELDS else ""
    message = five_elements_errors({name: text}).get(name, "") if text else ""
    return Response(str(escape(message)), mimetype="text/html")


@bp.errorhandler(RateLimitExceeded)
def too_many_checks(error: RateLimitExceeded) -> Any:
    refusal = rate_refusal(error)
    body, status = render_check(Verification(refusal=refusal), submitted_fields(request.values), {})
    return body, status, retry_after()


def render_check(
    verification: Verification | None,
    values: dict[str, str],
    errors: dict[str, str],
    snapshot: Snapshot | None = None,
    snapshot_refusal: Refusal | None = None,
    snapshot_text: str = "",
) -> tuple[str, int]:
    """The whole page, or for htmx the result with the fields swapped in out of band."""
    context = {
        "snapshot": snapshot,
        "snapshot_refusal": snapshot_refusal,
        "snapshot_text": snapshot_text[: status_snapshots.MAX_TEXT],
        "verification": verification,
        "bill": preview(verification.bill) if verification and verification.bill else None,
        "values": values,
        "errors": errors,
        "active_tab": "check",
        "daily_limit": check_counts.daily_limit(),
    }
    status = verification.refusal.status if verification and verification.refusal else 200
    if request.headers.get("HX-Request"):
        return render_template("wallet/public/_result.html", oob_fields=True, **context), status
    return render_template("wallet/public/check.html", **context), status
