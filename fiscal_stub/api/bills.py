"""Collecting and verifying bills: subscribe, a payer's bills by cursor, one bill, its PDF, verification."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify, request

from common.timeutil import utcnow
from fiscal_stub.api import bp
from fiscal_stub.api.auth import platform_required
from fiscal_stub.api.inputs import (
    any_payer_id,
    bill_key,
    five_elements,
    integer,
    json_body,
    optional_amount,
    optional_date,
)
from fiscal_stub.api.serving import served, served_one
from fiscal_stub.extensions import db
from fiscal_stub.layout.envelope import InvalidPdf, extract
from fiscal_stub.models import Bill
from fiscal_stub.services import collection, verification
from fiscal_stub.services.errors import FiscalError, not_found
from fiscal_stub.services.faults import take_forgery
from fiscal_stub.services.issuing import find_bill
from fiscal_stub.services.layout import layout_pdf
from fiscal_stub.services.qr_codes import read_qr


def existing(code: str, number: str) -> Bill:
    bill = find_bill(db.session, *bill_key(code, number))
    if bill is None:
        raise not_found()
    return bill


@bp.post("/subscriptions")
@platform_required
def subscribe() -> Any:
    id_number = any_payer_id(json_body().get("id_number"))
    created = collection.subscribe(db.session, g.platform, id_number, utcnow())
    return jsonify(ok=True, subscribed=True, created=created)


@bp.post("/payer-bills")
@platform_required
def payer_bills() -> Any:
    body = json_body()
    id_number = any_payer_id(body.get("id_number"))
    limit = integer(body.get("limit", 100), "limit", "每页数量", 1, 1000)
    cursor = body.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise FiscalError(400, "invalid_cursor", "同步位置无效，请不带 cursor 重新开始同步。")
    page = collection.payer_bills(db.session, id_number, cursor, limit)
    return jsonify(ok=True, bills=served(page.bills), next_cursor=page.next_cursor, has_more=page.has_more)


@bp.get("/bills/<code>/<number>")
@platform_required
def bill(code: str, number: str) -> Any:
    return jsonify(ok=True, bill=served_one(existing(code, number)))


@bp.get("/bills/<code>/<number>.pdf")
@platform_required
def bill_pdf(code: str, number: str) -> Response:
    found = existing(code, number)
    pdf = layout_pdf(found, current_app.config["SECRET_KEY"], forged=take_forgery(db.session))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{code}-{number}.pdf"'
    return response


def verdict_reply(verdict: verification.Verdict) -> Any:
    if not verdict.authentic or verdict.bill is None:
        return jsonify(ok=True, authentic=False, reason=verdict.reason, message=verdict.message)
    return jsonify(ok=True, authentic=True, bill=served_one(verdict.bill), verify_count=verdict.count)


@bp.post("/verify")
@platform_required
def verify() -> Any:
    body = json_body()
    if "qr" in body:
        return verify_qr_text(body)
    code, number, check, day, amount = five_elements(body)
    return verdict_reply(verification.verify_elements(db.session, code, number, check, day, amount))


def verify_qr_text(body: dict[str, Any]) -> Any:
    """The raw text of a QR code this network minted, with the date and amount a person added if it lacks them."""
    text = body["qr"]
    claim = read_qr(text, current_app.config["SECRET_KEY"]) if isinstance(text, str) and len(text) <= 2048 else None
    if claim is None:
        raise FiscalError(422, "unknown_qr", "二维码不是财政电子票据网络签发的格式，请改用五要素查验。")
    date, amount = optional_date(body.get("date")), optional_amount(body.get("amount"))
    return verdict_reply(verification.verify_qr(db.session, claim, date, amount))


@bp.post("/verify-layout")
@platform_required
def verify_layout() -> Any:
    upload = request.files.get("file")
    if upload is None:
        raise FiscalError(400, "file_required", "请以 multipart/form-data 上传版式文件（字段名 file）。")
    try:
        signed = extract(upload.read())
    except InvalidPdf:
        raise FiscalError(422, "invalid_pdf", "上传的文件不是可读取的 PDF 版式文件，请换一个文件。") from None
    return verdict_reply(verification.verify_document(db.session, signed))
