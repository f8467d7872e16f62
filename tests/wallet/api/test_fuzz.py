"""Schema-driven fuzzing of /api/v1 with schemathesis, from the served OpenAPI document: no 5xx, ever.

Two passes, bounded so CI stays fast. The wire pass sends what the document describes on
the wire (unsigned), exercising routing, the signature gate and the error envelope (the JWK
Set is the one document served as itself). The sealed pass derives each request from the
plaintext schema the operation names in ``x-sealed-request``, then signs it (JWS) and
encrypts it (JWE) with the reference client, so the fuzzer
reaches the payload checks and the services behind them on the unit's real claims; every
success's opened ``data`` must match the operation's ``x-sealed-reply`` schema.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NotSet

from wallet.api.openapi import document

BOUND = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# A compact JWE is one line of text: send what the fuzzer makes for it as text.
schemathesis.serializer.alias("application/jose", "text/plain")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def served_document(url: str) -> dict[str, Any]:
    return requests.get(f"{url}/api/v1/openapi.json", timeout=10).json()


def sealed_document(document: dict[str, Any], claim_ids: list[int]) -> dict[str, Any]:
    """The served document with each body replaced by the plaintext it seals, and claim ids that exist."""
    derived = copy.deepcopy(document)
    derived["paths"].pop("/jwks.json")
    derived.pop("security", None)
    for item in derived["paths"].values():
        for op in item.values():
            op.pop("security", None)
            for param in op.get("parameters", []):
                if param["name"] == "auth_id":
                    param["schema"] = {"enum": [*claim_ids, 0, 2147483647]}
            if "x-sealed-request" in op:
                op["requestBody"]["content"] = {"application/json": {"schema": op["x-sealed-request"]}}
    return derived


OPERATIONS = [(path, method.upper()) for path, item in document()["paths"].items() for method in item]


def loaded(url: str, source: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_dict(source)
    schema.config.update(base_url=f"{url}/api/v1")
    return schema


def fuzz(operation: Any, check: Callable[[Any], None]) -> None:
    """Run ``check`` on generated cases, valid and invalid alike, within the bound."""
    modes = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]

    @BOUND
    @given(case=st.one_of(modes))
    def run(case: Any) -> None:
        check(case)

    run()


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_unsigned_requests_get_refusals_in_the_envelope(system, path, method):
    operation = loaded(system.url, served_document(system.url))[path][method]

    def check(case: Any) -> None:
        response = case.call()
        case.validate_response(response, checks=CHECKS)
        expected = {"keys"} if path == "/jwks.json" else {"ok", "code", "message", "data"}
        assert response.status_code < 500 and set(response.json()) == expected

    fuzz(operation, check)


def json_or_none(body: Any) -> Any:
    """A generated body the reference client can encrypt as JSON (raw bytes are the wire pass's job)."""
    if isinstance(body, NotSet):
        return None
    try:
        json.dumps(body)
    except (TypeError, ValueError):
        return None
    return body


def reply_validator(document: dict[str, Any], operation: dict[str, Any], success: bool) -> Any:
    target = operation["x-sealed-reply"] if success else operation["x-sealed-error"]
    return jsonschema_rs.validator_for({"components": document["components"], **(target or {"type": "null"})})


@pytest.mark.parametrize(("path", "method"), [op for op in OPERATIONS if op[0] not in {"/jwks.json", "/envelope-key"}])
def test_signed_and_sealed_requests_never_get_a_server_error(system, api, api_world, path, method):
    served = served_document(system.url)
    operation = loaded(system.url, sealed_document(served, api_world.claims))[path][method]
    definition = served["paths"][path][method.lower()]

    def check(case: Any) -> None:
        body = json_or_none(case.body) if "x-sealed-request" in definition else None
        key = (case.headers or {}).get("Idempotency-Key")
        reply = api.send(
            api.prepare(
                case.method, case.formatted_path, body, case.query or None, key if isinstance(key, str) else None
            )
        )
        assert reply.status < 500, (reply.code, reply.message)
        case.validate_response(reply.response, checks=CHECKS)
        if reply.data is not None:
            assert reply_validator(served, definition, reply.ok).is_valid(reply.data), (reply.code, reply.data)

    fuzz(operation, check)
