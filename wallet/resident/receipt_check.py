"""Anyone may check an authorization receipt: the wallet's public key, and a form that verifies a receipt.

A unit handed a receipt by a resident, or the resident years later, learns whether the
wallet signed exactly that content. No login, no personal data beyond what the receipt holds.
The receipt is pasted (the JWS text) or uploaded as the file the wallet gave; a file of a
receipt signed before receipts were JWS (a JSON envelope) is still checked.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, jsonify, make_response, render_template, request

from common.translatable import gettext
from wallet.resident import bp
from wallet.services import receipts

MAX_RECEIPT_BYTES = receipts.MAX_JWS_CHARS
TEMPLATE = "wallet/authorize/verify_receipt.html"


@bp.get("/receipts/keys")
def receipt_keys() -> Any:
    """The receipt key: JSON for programs (an old envelope's ``keys_url``), a Chinese page for a browser."""
    base = current_app.config["WALLET_BASE_URL"].rstrip("/")
    keys = [
        {
            "kid": receipts.key_id(),
            "alg": receipts.JWS_ALG,
            "jwk": receipts.public_jwk(),
            "public_key_pem": receipts.public_key_pem(),
        }
    ]
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        response = make_response(
            render_template("wallet/authorize/receipt_keys.html", keys=keys, jwks_url=f"{base}/api/v1/jwks.json")
        )
    else:
        response = jsonify(ok=True, keys=keys, jwks_url=f"{base}/api/v1/jwks.json")
    response.headers.add("Vary", "Accept")
    return response


def _refused(status: int, error: str, pasted: str = "") -> Any:
    return render_template(TEMPLATE, result=None, error=error, pasted=pasted[:MAX_RECEIPT_BYTES]), status


@bp.route("/receipts/verify", methods=["GET", "POST"])
def verify_receipt() -> Any:
    if request.method == "GET":
        return render_template(TEMPLATE, result=None)
    pasted = request.form.get("jws", "")
    upload = request.files.get("file")
    if len(pasted) > MAX_RECEIPT_BYTES:
        return _refused(413, gettext("内容过长，不是票据夹授权回执。"))
    if pasted.strip():
        text = pasted
    elif upload is not None and upload.filename:
        raw = upload.read(MAX_RECEIPT_BYTES + 1)
        if len(raw) > MAX_RECEIPT_BYTES:
            return _refused(413, gettext("文件过大，不是票据夹授权回执。"))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _refused(422, gettext("文件不是文本，请上传从票据夹下载的回执文件。"))
    else:
        return _refused(400, gettext("请粘贴回执签名（JWS），或选择从票据夹下载的回执文件。"))
    verdict = _verdict(text)
    return render_template(
        TEMPLATE,
        result=verdict.genuine,
        doc=verdict.document,
        message=verdict.message,
        pasted=pasted if pasted.strip() else "",
    ), 200 if verdict.genuine else 422


def _verdict(text: str) -> receipts.Verdict:
    """A JWS, or the JSON envelope of a receipt signed before receipts were JWS."""
    if not text.lstrip().startswith("{"):
        return receipts.verify_jws(text)
    try:
        return receipts.verify_envelope(json.loads(text))
    except (ValueError, RecursionError):
        return receipts.Verdict(False, None, gettext("文件不是有效的回执文件，请上传从票据夹下载的原文件。"))
