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
from wallet.refusals import CATALOG, Refusal
from wallet.services import wallet_api_keys

STATUS_CODES = {
    404: "route_not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
    503: "service_unavailable",
}
OK = "成功。"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    code: str = "ok"
    message: str = OK
    data: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "code": self.code, "message": self.message, "data": self.data}

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> Reply:
        return cls(int(stored["status"]), str(stored["code"]), str(stored["message"]), stored["data"])


def refused(refusal: Refusal) -> Reply:
    """The reply for a refusal: its words, and as ``data`` the fields at fault and its details."""
    data = ({"errors": dict(refusal.fields)} if refusal.fields else {}) | refusal.details
    return Reply(refusal.status, refusal.code, refusal.message, data or None)


def for_status(status: int, message: str | None = None) -> Reply:
    """The reply for an HTTP error the framework raised (404, 405, 413, 429…)."""
    code = STATUS_CODES.get(status) or ("internal_error" if status >= 500 else "bad_request")
    return Reply(status, code, message or CATALOG[code][1])


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
            body, signer, {"kid": signer.kid, "iat": int(time.time()), "nonce": caller.nonce}
        )
    return response
