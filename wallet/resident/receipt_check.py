"""Anyone may check an authorization receipt: the wallet's public key, and an upload that verifies a file.

A unit handed a receipt by a resident, or the resident years later, learns whether the
wallet signed exactly that content. No login, no personal data beyond what the file holds.
"""
from __future__ import annotations

import json
from typing import Any

from flask import jsonify, make_response, render_template, request

from wallet.resident import bp
from wallet.services import receipts

MAX_RECEIPT_BYTES = 256 * 1024


@bp.get("/receipts/keys")
def receipt_keys() -> Any:
    """The receipt key: JSON for programs (the envelope's ``keys_url``), a Chinese page for a browser."""
    keys = [{"kid": receipts.key_id(), "alg": receipts.ALG, "public_key_pem": receipts.public_key_pem()}]
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        response = make_response(render_template("wallet/authorize/receipt_keys.html", keys=keys))
    else:
        response = jsonify(ok=True, keys=keys)
    response.headers.add("Vary", "Accept")
    return response


@bp.route("/receipts/verify", methods=["GET", "POST"])
def verify_receipt() -> Any:
    if request.method == "GET":
        return render_template("wallet/authorize/verify_receipt.html", result=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("wallet/authorize/verify_receipt.html", result=None,
                               error="请选择从票据夹下载的授权回执文件（.json）。"), 400
    raw = upload.read(MAX_RECEIPT_BYTES + 1)
    if len(raw) > MAX_RECEIPT_BYTES:
        return render_template("wallet/authorize/verify_receipt.html", result=None,
                               error="文件过大，不是票据夹授权回执。"), 413
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return render_template("wallet/authorize/verify_receipt.html", result=None,
                               error="文件不是有效的 JSON，请上传从票据夹下载的原文件。"), 422
    genuine, document, message = receipts.verify_envelope(data)
    return render_template("wallet/authorize/verify_receipt.html", result=genuine, doc=document,
                           message=message), 200 if genuine else 422
