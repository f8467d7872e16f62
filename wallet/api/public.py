"""What anyone may read without signing: the wallet's envelope key and the OpenAPI document."""
from __future__ import annotations

from flask import Response, jsonify

from wallet.api import bp, ok, wallet_key
from wallet.api.openapi import document
from wallet.api.replies import render


@bp.get("/envelope-key")
def envelope_key() -> Response:
    """Units seal every request body to this key; ``kid`` changes when the wallet's key does."""
    return render(ok(wallet_key.published()))


@bp.get("/openapi.json")
def openapi() -> Response:
    response = jsonify(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
