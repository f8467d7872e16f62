"""The OpenAPI 3.1 document of ``/api/v1`` (a public contract: units generate clients from it).

On the wire every request body is a compact ``JWE`` (``application/jose``) and every reply a
``Reply`` whose ``data`` is a ``JWE`` once the caller is signed in. What travels *inside*
the JWEs is named on each operation by two extension keys: ``x-sealed-request`` (the
plaintext request object) and ``x-sealed-reply`` (the plaintext ``data`` of a success);
errors carry ``FieldErrors`` or nothing. docs/api.md explains signing and encryption.
"""

from __future__ import annotations

from typing import Any

from common.money import MAX_FEN
from wallet.api_crypto import suites
from wallet.services.unit_inbox import STATUS_FILTERS

REF = "#/components/schemas/"
ISO_TIME = {"type": ["string", "null"], "format": "date-time"}
TEXT = {"type": "string"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def obj(properties: dict[str, Any], required: list[str] | None = None, closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


REFERENCE = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_\\-/.]{0,63}$"}
ALGORITHMS = suites.names()
SEGMENT = "[A-Za-z0-9_-]+"
JWK = {
    "type": "object",
    "required": ["kty", "kid"],
    "properties": {
        "kty": TEXT,
        "crv": TEXT,
        "x": TEXT,
        "y": TEXT,
        "kid": TEXT,
        "use": {"enum": ["sig", "enc"]},
        "alg": TEXT,
    },
}
SCHEMAS: dict[str, Any] = {
    "JWE": {
        "type": "string",
        "pattern": f"^{SEGMENT}\\.{SEGMENT}\\.{SEGMENT}\\.{SEGMENT}\\.{SEGMENT}$",
        "description": "RFC 7516 compact serialization; alg "
        + " | ".join(ALGORITHMS["key"])
        + ", enc "
        + " | ".join(ALGORITHMS["enc"])
        + ", kid of the recipient's key",
    },
    "Reply": obj(
        {
            "ok": {"type": "boolean"},
            "code": {"type": "string", "description": "stable result code ('ok' on success)"},
            "message": {"type": "string", "description": "what happened and what to do next, in Chinese"},
            "data": {
                "oneOf": [{"type": "null"}, ref("JWE")],
                "description": "encrypted to the unit's registered key; see x-sealed-reply",
            },
        }
    ),
    "JWKS": obj({"keys": {"type": "array", "items": JWK}}),
    "FieldErrors": obj({"errors": {"type": "object", "additionalProperties": TEXT}}),
    "FiveElementsRequest": obj(
        {
            "code": {"type": "string", "maxLength": 32, "description": "票据代码, 8 digits"},
            "number": {"type": "string", "maxLength": 32, "description": "票据号码, 10 digits"},
            "check": {"type": "string", "maxLength": 32, "description": "校验码, 6 letters or digits"},
            "date": {"type": "string", "maxLength": 32, "description": "开票日期, 20260315 or 2026-03-15"},
            "amount": {"type": "string", "maxLength": 32, "description": "金额 in yuan with 2 decimals, e.g. 328.50"},
        }
    ),
    "QrRequest": obj(
        {
            "qr": {
                "type": "string",
                "maxLength": 2048,
                "description": "the QR code's text exactly as read, any real shape",
            },
            "date": {
                "type": "string",
                "maxLength": 32,
                "description": "开票日期 typed from the paper when the code lacks it",
            },
            "amount": {
                "type": "string",
                "maxLength": 32,
                "description": "金额 typed from the paper when the code lacks it",
            },
        },
        required=["qr"],
    ),
    "LayoutFileRequest": obj(
        {
            "pdf": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "the layout file (版式文件 PDF), standard base64",
            }
        }
    ),
    "FeedbackRequest": obj(
        {
            "amount": {"type": "integer", "minimum": 1, "maximum": MAX_FEN, "description": "fen"},
            "serial": {**REFERENCE, "description": "业务流水号; the same serial again is idempotent"},
            "voucher": {**REFERENCE, "description": "记账凭证号"},
            "time": {"type": "string", "format": "date-time", "description": "reimbursement time, with offset"},
        }
    ),
    "RejectRequest": obj({"reason": {"type": "string", "minLength": 2, "maxLength": 200}}),
    "EmptyRequest": obj({}),
    "BillSummary": obj(
        {
            "code": TEXT,
            "number": TEXT,
            "check_code": TEXT,
            "type_key": TEXT,
            "type_name": TEXT,
            "issuer_name": TEXT,
            "province": TEXT,
            "issued_at": ISO_TIME,
            "total": {"type": "integer"},
            "reimbursed_amount": {"type": "integer"},
            "claimable": {
                "type": "integer",
                "description": "what may ever be claimed, in fen: for a medical bill what "
                "the person bore (total less what public insurance paid)",
            },
            "remaining": {"type": "integer"},
            "issuance": {"enum": ["normal", "red_reversed", "exchanged"]},
            "reimbursement": {"enum": ["unreimbursed", "locked", "partially_reimbursed", "reimbursed"]},
            "lock_expires_at": ISO_TIME,
            "status_version": {"type": "integer"},
        }
    ),
    "SignedBill": obj(
        {
            "code": TEXT,
            "number": TEXT,
            "canonical": {"type": "string", "contentEncoding": "base64"},
            "signature": obj({"alg": TEXT, "kid": TEXT, "value": TEXT}),
            "status": {"type": "object"},
            "version": {"type": "integer"},
        },
        closed=False,
    ),
    "Authorization": obj(
        {
            "id": {"type": "integer"},
            "source": {
                "enum": ["account", "file"],
                "description": "account: authorized by the resident; "
                "file: a bill the unit verified itself (layout file or five elements)",
            },
            "state": {"enum": ["authorized", "locked", "reimbursed", "rejected", "revoked", "expired"]},
            "claim_ref": TEXT,
            "note": TEXT,
            "authorized_at": ISO_TIME,
            "expires_at": ISO_TIME,
            "locked_at": ISO_TIME,
            "lock_expires_at": ISO_TIME,
            "lock_lapsed": {"type": "boolean"},
            "reimbursement": {
                "oneOf": [
                    {"type": "null"},
                    obj({"amount": {"type": "integer"}, "serial": TEXT, "voucher": TEXT, "time": ISO_TIME}),
                ]
            },
            "closed_at": ISO_TIME,
            "end_reason": TEXT,
            "bill": ref("BillSummary"),
            "signed_bill": ref("SignedBill"),
            "document": {"type": "object"},
        },
        required=["id", "state", "bill"],
    ),
    "AuthorizationPage": obj(
        {
            "items": {"type": "array", "items": ref("Authorization")},
            "has_more": {"type": "boolean"},
            "next_cursor": TEXT,
        }
    ),
    "Verified": obj(
        {
            "authentic": {"const": True},
            "reimbursable": {"type": "boolean"},
            "verify_count": {"type": "integer"},
            "checks_today": {"type": "integer"},
            "signed_bill": ref("SignedBill"),
            "document": {"type": "object"},
        }
    ),
}
SIGNED: list[dict[str, list[str]]] = [{"appId": [], "jws": [], "appSignature": []}]
AUTH_ID = {
    "name": "auth_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647},
}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "reuse the same value when retrying the same request",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"},
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def operation(
    op_id: str,
    summary: str,
    reply: str | None,
    request: str | None = None,
    parameters: list[dict[str, Any]] | None = None,
    public: bool = False,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "parameters": parameters or [],
        "responses": {
            "200": {"description": "ok", **_json(ref("Reply"))},
            "default": {"description": "refused (see code and message)", **_json(ref("Reply"))},
        },
    }
    if public:
        op["security"] = []
    else:
        op["x-sealed-reply"] = ref(reply) if reply else None
        op["x-sealed-error"] = ref("FieldErrors")
    if request is not None:
        op["requestBody"] = {
            "required": request != "EmptyRequest",
            "content": {"application/jose": {"schema": ref("JWE")}},
        }
        op["x-sealed-request"] = ref(request)
    return op


def paths() -> dict[str, Any]:
    claim = "/authorizations/{auth_id}"
    listing = [
        {"name": "status", "in": "query", "schema": {"enum": list(STATUS_FILTERS)}},
        {"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 200}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
    ]
    jwks = {"200": {"description": "the JWK Set", "content": {"application/jwk-set+json": {"schema": ref("JWKS")}}}}
    gone = {"410": {"description": "refused: names the JOSE format", **_json(ref("Reply"))}}
    return {
        "/jwks.json": {
            "get": {**operation("getJwks", "the wallet's public keys (JWK Set)", None, public=True), "responses": jwks}
        },
        "/envelope-key": {
            "get": {
                **operation("getEnvelopeKey", "the first version's key: gone, see /jwks.json", None, public=True),
                "responses": gone,
                "deprecated": True,
            }
        },
        "/authorizations": {
            "get": operation(
                "listAuthorizations", "bills authorized to the unit, by cursor", "AuthorizationPage", parameters=listing
            )
        },
        claim: {
            "get": operation(
                "getAuthorization", "one authorization with the bill's status", "Authorization", parameters=[AUTH_ID]
            )
        },
        **{
            f"{claim}/{action}": {
                "post": operation(
                    f"{action}Authorization", summary, "Authorization", body, parameters=[AUTH_ID, IDEMPOTENCY_KEY]
                )
            }
            for action, summary, body in [
                ("lock", "lock the bill for reimbursement", "EmptyRequest"),
                ("unlock", "release the lock, keep the authorization", "EmptyRequest"),
                ("feedback", "report the reimbursement (报销反馈)", "FeedbackRequest"),
                ("reject", "refuse the claim and release the bill", "RejectRequest"),
            ]
        },
        "/verifications/five-elements": {
            "post": operation("verifyFiveElements", "verify by the five elements", "Verified", "FiveElementsRequest")
        },
        "/verifications/layout-file": {
            "post": operation("verifyLayoutFile", "verify a layout file (PDF)", "Verified", "LayoutFileRequest")
        },
        "/verifications/qr": {
            "post": operation(
                "verifyQr",
                "verify by a bill's QR code (422 incomplete_bill_qr: add the missing elements)",
                "Verified",
                "QrRequest",
            )
        },
    }


def document() -> dict[str, Any]:
    header = {"type": "apiKey", "in": "header"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "票据夹 unit integration API",
            "version": "1.0.0",
            "description": "Standard JOSE API for reimbursement units: requests signed as detached JWS "
            "(ES256) plus the appKey's HMAC over it, bodies as compact JWE (ECDH-ES+A256KW, "
            "A256GCM), the wallet's keys at /jwks.json. docs/api.md has every step.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": SIGNED,
        "paths": paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "appId": {**header, "name": "X-App-Id"},
                "jws": {
                    **header,
                    "name": "X-JWS-Signature",
                    "description": "detached compact JWS (RFC 7515 Appendix F), alg ES256, over the raw body; "
                    "protected header: alg, kid, appid, htm, htu, iat, nonce",
                },
                "appSignature": {
                    **header,
                    "name": "X-App-Signature",
                    "description": "hex HMAC-SHA256(appKey, the X-JWS-Signature value)",
                },
            },
        },
    }
