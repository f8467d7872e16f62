"""The unit integration API (接口对接), ``/api/v1``: units' business systems list, verify, lock,
unlock, report feedback on and reject bills through the same services as the unit workspace.

Public contract, in standard JOSE (:mod:`wallet.api_crypto.jose`) so that any language's JOSE
library can integrate: every request but the public documents (``jwks.json``, ``openapi.json``)
is signed as a detached JWS (ES256) by the unit's registered key, with the appKey's HMAC over
it (:mod:`wallet.api.authentication`); request and reply payloads are compact JWE; every
reply, errors included and whatever the route, is the JSON envelope of :mod:`wallet.api.replies`
(only the JWKS and the OpenAPI document are served as themselves).
docs/api.md is the human guide, ``clients/reference_client.py`` a client units can copy.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import HTTPException

from wallet.api.authentication import admit, authenticate
from wallet.api.replies import Reply, for_status, refused, render
from wallet.auth.limits import limit_api
from wallet.extensions import csrf
from wallet.refusals import Refusal

PREFIX = "/api/v1"
PUBLIC_ENDPOINTS = {"api.jwks", "api.openapi", "api.envelope_key"}

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)
limit_api(bp)


@bp.before_request
def authenticate_caller() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    g.api_caller = authenticate()
    admit(g.api_caller)


@bp.errorhandler(Refusal)
def refusal_reply(refusal: Refusal) -> Response:
    """Every refusal under /api/v1, the services' and the API's own, answers here."""
    return render(refused(refusal))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    return status_reply(error.code or 500)


@bp.errorhandler(Exception)
def unexpected(error: Exception) -> Response:
    current_app.logger.exception("unhandled error in the integration API", exc_info=error)
    return render(for_status(500))


def status_reply(code: int, message: str | None = None) -> Response:
    """The API's answer to an HTTP error, also for routes and methods it does not have."""
    response = render(for_status(code, message))
    if code == 405:
        adapter = current_app.url_map.bind_to_environ(request.environ)
        response.headers["Allow"] = ", ".join(sorted(adapter.allowed_methods()))
    return response


@bp.record_once
def _answer_errors_under_prefix(state: BlueprintSetupState) -> None:
    renderers: dict[str, Any] = state.app.extensions.setdefault("error_renderers", {})
    renderers[PREFIX] = status_reply


def ok(data: Any = None, message: str = "成功。") -> Reply:
    return Reply(200, "ok", message, data)


from wallet.api import claims, public, verify  # noqa: E402,F401  (routes register on import)
