"""Discovery, keys and the stub's front page."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template

from common.i18n import TAGS
from identity_stub.assurance import SUPPORTED
from identity_stub.claims import CLAIMS_SUPPORTED, SCOPES
from identity_stub.server import issuer
from identity_stub.signin import current_authentication
from identity_stub.signing import ALGORITHM, public_jwks
from identity_stub.views import bp


def provider_metadata() -> dict[str, Any]:
    base = issuer()
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks.json",
        "end_session_endpoint": f"{base}/logout",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": CLAIMS_SUPPORTED,
        "claims_parameter_supported": True,
        "acr_values_supported": list(SUPPORTED),
        "prompt_values_supported": ["none", "login", "consent"],
        "ui_locales_supported": list(TAGS.values()),
    }


@bp.get("/")
def index() -> str:
    return render_template("idp/index.html", signed_in=current_authentication())


@bp.get("/.well-known/openid-configuration")
def openid_configuration() -> Response:
    return jsonify(provider_metadata())


@bp.get("/jwks.json")
def jwks() -> Response:
    response = jsonify(public_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
