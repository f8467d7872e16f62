"""One reply envelope for every answer of the API, errors included.

Every body is ``{"ok": bool, "code": "<stable>", "message": "<中文>", "data": ...}``. Once
the caller is authenticated, ``data`` (when there is any) is a compact JWE encrypted to the
unit's registered key, and the reply carries ``X-JWS-Signature``: a detached JWS (ES256) by
the wallet's current signing key over the body, whose protected header names the request's
nonce, so the unit can prove with the wallet's JWKS that the reply is the wallet's answer to
its own request. Codes are stable words programs branch on; messages are for people.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from flask import Response, g

from wallet.api_crypto import jose
from wallet.services import wallet_api_keys

NEW_FORMAT = ("接口已改用标准 JOSE：请求体为 JWE 紧凑序列化（alg ECDH-ES+A256KW，enc A256GCM，"
              "Content-Type: application/jose），请求头 X-JWS-Signature 为分离载荷的 JWS（ES256），"
              "平台公钥见 /api/v1/jwks.json。")

MESSAGES: dict[str, tuple[int, str]] = {
    "ok": (200, "成功。"),
    "auth_missing": (401, "请求缺少签名信息，请带上 X-App-Id、X-JWS-Signature 和 X-App-Signature 请求头。"),
    "auth_header_invalid": (401, "签名请求头格式不正确：X-JWS-Signature 应为分离载荷的 JWS 紧凑序列化，保护头含 kid、"
                                 "appid、htm、htu、iat（秒级 Unix 时间）和 nonce（16–64 位字母、数字、- 或 _）。"),
    "format_outdated": (400, "旧的签名和数字信封格式已停用。" + NEW_FORMAT),
    "timestamp_stale": (401, "JWS 保护头中的 iat 与平台时间相差过大，请校准服务器时钟后用新的 iat 和 nonce 重发。"),
    "app_unknown": (401, "appId 不存在。请核对单位工作台“接口对接”页面上的 appId。"),
    "signature_invalid": (401, "签名校验未通过。请核对 appKey（如已重置请使用新密钥）、签名私钥，"
                               "以及 JWS 是否对原样发送的请求体签名。"),
    "signing_key_unknown": (401,
                            "JWS 的 kid 不是本单位登记的签名公钥。请在“接口对接”页面登记该公钥或更新 JWKS 后重试。"),
    "signing_alg_unsupported": (401, "不支持该签名算法，请使用 ES256（P-256）。"),
    "nonce_replayed": (401, "该 nonce 已使用过，请求可能被重放。每个请求请使用新的 nonce。"),
    "unit_keys_missing": (403, "单位尚未登记公钥，请先在单位工作台“接口对接”页面登记 JWK 或 JWKS 地址，再调用接口。"),
    "jwe_invalid": (400, "请求体的 JWE 无法解密：格式不正确或内容被改动过。请用平台 JWKS 中的加密公钥重新加密。"),
    "jwe_alg_unsupported": (400, "不支持该 JWE 算法，请使用 alg ECDH-ES+A256KW、enc A256GCM。"),
    "jwe_key_unknown": (400, "JWE 的 kid 不是平台当前接受的加密公钥，请重新获取 /api/v1/jwks.json 后重试。"),
    "content_type_invalid": (415, "请求体应为 JWE 紧凑序列化（Content-Type: application/jose）。"),
    "payload_invalid": (422, "请求内容不符合要求，请按 data.errors 中的提示修改后重试。"),
    "idempotency_key_missing": (400, "修改类请求需要 Idempotency-Key 请求头（8–64 位字母、数字、- 或 _），"
                                     "重试时请沿用同一个值。"),
    "idempotency_key_reused": (409, "该 Idempotency-Key 已用于内容不同的请求。新的请求请使用新的 Idempotency-Key。"),
    "idempotency_in_progress": (409, "使用该 Idempotency-Key 的请求正在处理，请稍后用同一个 Idempotency-Key 重试。"),
    "cursor_invalid": (400, "分页游标无效，请从第一页重新获取（不带 cursor）。"),
    "query_invalid": (400, "查询参数不正确，请按 data.errors 中的提示修改后重试。"),
    "route_not_found": (404, "没有这个接口，请核对请求路径（参见 /api/v1/openapi.json）。"),
    "method_not_allowed": (405, "该接口不支持这种请求方式，请参见 /api/v1/openapi.json。"),
    "payload_too_large": (413, "请求体超过大小限制，请缩小版式文件后重试。"),
    "rate_limited": (429, "请求太频繁，请稍后再试。"),
    "bad_request": (400, "请求无法处理，请检查请求格式后重试。"),
    "internal_error": (500, "平台处理请求时出错，已记录。请稍后用同一个 Idempotency-Key 重试。"),
    "service_unavailable": (503, "平台暂时无法处理请求，请稍后重试。"),
}
STATUS_CODES = {404: "route_not_found", 405: "method_not_allowed", 413: "payload_too_large", 429: "rate_limited",
                503: "service_unavailable"}


@dataclass(frozen=True)
class Reply:
    status: int = 200
    code: str = "ok"
    message: str = MESSAGES["ok"][1]
    data: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "code": self.code, "message": self.message, "data": self.data}

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> "Reply":
        return cls(int(stored["status"]), str(stored["code"]), str(stored["message"]), stored["data"])


class ApiError(Exception):
    """A refusal: renders as a reply with ``ok: false``. Without a message, the code's own is used."""

    def __init__(self, code: str, message: str | None = None, status: int | None = None, data: Any = None) -> None:
        default_status, default_message = MESSAGES.get(code, (400, MESSAGES["bad_request"][1]))
        super().__init__(code)
        self.reply = Reply(status or default_status, code, message or default_message, data)


def for_status(status: int, message: str | None = None) -> Reply:
    """The reply for an HTTP error the framework raised (404, 405, 413, 429…)."""
    code = STATUS_CODES.get(status) or ("internal_error" if status >= 500 else "bad_request")
    return Reply(status, code, message or MESSAGES[code][1])


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def render(reply: Reply) -> Response:
    """The HTTP response for ``reply``: encrypted and signed when the caller is authenticated."""
    caller = g.get("api_caller")
    data = reply.data
    if caller is not None and data is not None:
        key = caller.reply_key
        data = jose.encrypt(_dumps(data), key, key.kid) if key is not None else None
    body = _dumps({"ok": reply.status < 400, "code": reply.code, "message": reply.message, "data": data})
    response = Response(body, reply.status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    if caller is not None:
        signer = wallet_api_keys.ring().current("sig")
        response.headers["X-JWS-Signature"] = jose.sign_detached(
            body, signer, {"kid": signer.kid, "iat": int(time.time()), "nonce": caller.nonce})
    return response
