"""What anyone may read without signing: the wallet's JWK Set and the OpenAPI document."""

from __future__ import annotations

import json

from flask import Response, jsonify

from wallet.api import bp
from wallet.api.openapi import document
from wallet.refusals import Refusal
from wallet.services import wallet_api_keys


@bp.get("/jwks.json")
def jwks() -> Response:
    """The wallet's public keys (RFC 7517 JWK Set): ``use`` ``enc`` keys receive requests, ``sig``
    keys verify replies. Two of each during a rotation; the first of each use is current."""
    body = json.dumps(wallet_api_keys.published(), separators=(",", ":"))
    response = Response(body, 200, mimetype="application/jwk-set+json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/envelope-key")
def envelope_key() -> Response:
    """The first version's key address: gone, and the refusal names the JOSE format and the JWKS."""
    raise Refusal.of("format_outdated", status=410)


@bp.get("/openapi.json")
def openapi() -> Response:
    response = jsonify(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
