"""What a unit sends: the request body is a compact JWE encrypted to one of the wallet's
accepted keys; inside is a JSON object, checked field by field with every problem reported at once."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import g, request

from common.money import MAX_FEN
from common.timeutil import as_utc, utcnow
from wallet.api_crypto import jose
from wallet.refusals import Refusal
from wallet.scan.five_elements import FIELDS as FIVE_ELEMENTS
from wallet.services import wallet_api_keys
from wallet.services.reimbursement import Feedback

REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/.]{0,63}$")
CLOCK_SKEW = timedelta(minutes=5)


def _former_envelope(body: bytes) -> bool:
    """Whether the body is the JSON digital envelope of the API's first version."""
    try:
        outer = json.loads(body)
    except (ValueError, RecursionError):
        return False
    return isinstance(outer, dict) and {"alg", "epk", "ct"} <= set(outer)


def _decrypt(token: str) -> bytes:
    try:
        return jose.decrypt(token, wallet_api_keys.ring().by_kid("enc"))
    except jose.JoseError as error:
        if error.code != "jwe_key_unknown":
            raise
    return jose.decrypt(token, wallet_api_keys.ring(refresh=True).by_kid("enc"))


def sealed_payload() -> dict[str, Any]:
    """The request's plaintext object, decrypted once per request."""
    if "api_payload" in g:
        return dict(g.api_payload)
    body = request.get_data()
    if request.mimetype == "application/json" and _former_envelope(body):
        raise Refusal.of("format_outdated")
    if request.mimetype != "application/jose":
        raise Refusal.of("content_type_invalid")
    try:
        plaintext = _decrypt(body.decode("ascii"))
    except UnicodeDecodeError as error:
        raise Refusal.of("jwe_invalid") from error
    except jose.JoseError as error:
        raise Refusal.of(error.code) from error
    try:
        payload = json.loads(plaintext)
    except (ValueError, RecursionError) as error:
        raise Refusal("payload_invalid", "JWE 的明文不是 JSON，请加密 UTF-8 编码的 JSON 对象。", 422) from error
    if not isinstance(payload, dict):
        raise Refusal("payload_invalid", "JWE 的明文应为 JSON 对象。", 422)
    g.api_payload = payload
    return dict(payload)


def _refuse(errors: Mapping[str, str]) -> Refusal:
    return Refusal.of("payload_invalid", errors)


def _unknown(payload: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, str]:
    return {key[:40]: "不认识的字段，请删除。" for key in payload if key not in allowed}


def five_elements(payload: Mapping[str, Any]) -> dict[str, str]:
    """The five elements as text fields, the same fields the verification service reads."""
    errors = _unknown(payload, FIVE_ELEMENTS)
    for name in FIVE_ELEMENTS:
        if not isinstance(payload.get(name), str) or len(payload[name]) > 32:
            errors[name] = "必填，应为字符串。"
    if errors:
        raise _refuse(errors)
    return {name: payload[name] for name in FIVE_ELEMENTS}


def qr_payload(payload: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """A QR code's text and the elements (``date``, ``amount``) a person added where the code lacks them."""
    errors = _unknown(payload, ("qr", "date", "amount"))
    text = payload.get("qr")
    if not isinstance(text, str) or not text.strip() or len(text) > 2048:
        errors["qr"] = "必填：二维码内容，原样传入，不超过 2048 个字符。"
    added = {name: payload[name] for name in ("date", "amount") if name in payload}
    for name, value in added.items():
        if not isinstance(value, str) or len(value) > 32:
            errors[name] = "应为字符串。"
    if errors:
        raise _refuse(errors)
    return str(text), added


def layout_pdf(payload: Mapping[str, Any]) -> bytes:
    errors = _unknown(payload, ("pdf",))
    raw = payload.get("pdf")
    pdf = b""
    if not isinstance(raw, str) or not raw:
        errors["pdf"] = "必填：版式文件（PDF）的 base64 编码。"
    else:
        try:
            pdf = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            errors["pdf"] = "不是有效的 base64 编码。"
    if errors:
        raise _refuse(errors)
    return pdf


def feedback(payload: Mapping[str, Any]) -> Feedback:
    """Amount in fen (integer), 业务流水号, 记账凭证号, and the reimbursement time (ISO 8601 with offset)."""
    errors = _unknown(payload, ("amount", "serial", "voucher", "time"))
    amount = payload.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_FEN:
        errors["amount"] = "报销金额以分为单位，应为正整数，如 128050 表示 1280.50 元。"
    for name, label in (("serial", "业务流水号"), ("voucher", "记账凭证号")):
        if not isinstance(payload.get(name), str) or not REFERENCE.match(payload[name]):
            errors[name] = f"请填写{label}（1–64 位字母、数字或 - _ / .，以字母或数字开头）。"
    when = _aware_time(payload.get("time"))
    if when is None:
        errors["time"] = "报销时间应为带时区的 ISO 8601 时间，如 2026-03-06T09:30:00+08:00。"
    elif when > utcnow() + CLOCK_SKEW:
        errors["time"] = "报销时间不能晚于现在，请核对。"
    if errors or when is None or not isinstance(amount, int):
        raise _refuse(errors)
    return Feedback(amount=amount, serial=payload["serial"], voucher=payload["voucher"], time=when)


def _aware_time(raw: Any) -> datetime | None:
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    try:
        value = datetime.fromisoformat(raw)
        return as_utc(value) if value.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


def reason(payload: Mapping[str, Any]) -> str:
    errors = _unknown(payload, ("reason",))
    raw = payload.get("reason")
    text = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not 2 <= len(text) <= 200:
        errors["reason"] = "请填写拒绝原因（2–200 个字），居民将看到它。"
    if errors:
        raise _refuse(errors)
    return text
