"""The network's JSON API under ``/api/v1``: one envelope for every reply, errors with stable codes."""

from __future__ import annotations

import random
import time
from typing import Any

from flask import Blueprint, jsonify, request

from fiscal_stub.extensions import csrf, db
from fiscal_stub.services import faults
from fiscal_stub.services.errors import FiscalError

bp = Blueprint("fiscal_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

NEVER_FAULTED = {
    "fiscal_api.keys",
    "fiscal_api.bill_types",
    "fiscal_api.show_faults",
    "fiscal_api.set_faults",
    "fiscal_api.clear_faults",
}


@bp.errorhandler(FiscalError)
def _refused(error: FiscalError) -> tuple[Any, int]:
    db.session.rollback()
    return jsonify(ok=False, code=error.code, message=error.message, **error.details), error.status


@bp.before_request
def _injected_faults() -> None:
    """Latency and random failures that a test switched on (see services.faults)."""
    if request.endpoint in NEVER_FAULTED:
        return
    state = faults.current(db.session)
    if state is None:
        return
    if state.latency_ms:
        time.sleep(state.latency_ms / 1000)
    if state.error_permille and random.random() * 1000 < state.error_permille:
        raise FiscalError(503, "service_unavailable", "财政票据网络暂时不可用，请稍后重试。")


from fiscal_stub.api import bills, faults_view, feed, issuer, network, status  # noqa: E402,F401  (route modules)
