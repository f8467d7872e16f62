"""What the API publishes, and that every answer under /api/v1 is the JSON reply envelope."""
from __future__ import annotations

import requests
import schemathesis

from wallet.api import wallet_key
from wallet.api.openapi import document

REPLY_KEYS = {"ok", "code", "message", "data"}


def test_envelope_key_is_published_with_its_id(system, wallet_app):
    body = requests.get(f"{system.url}/api/v1/envelope-key", timeout=10).json()
    with wallet_app.app_context():
        assert body["data"] == wallet_key.published()
    assert body["ok"] and body["data"]["alg"] == "ECDH-ES+A256GCM/P-256" and body["data"]["kid"].startswith("ek-")


def test_openapi_document_is_valid_and_covers_every_route(system, wallet_app):
    served = requests.get(f"{system.url}/api/v1/openapi.json", timeout=10).json()
    assert served["openapi"] == "3.1.0" and served == document()
    schemathesis.openapi.from_dict(served).validate()
    routes = {rule.rule.removeprefix("/api/v1").replace("<int(max=2147483647):auth_id>", "{auth_id}")
              for rule in wallet_app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes - {"/openapi.json"} == set(served["paths"])
    sealed = [op for item in served["paths"].values() for op in item.values() if op.get("security") != []]
    assert all("x-sealed-reply" in op for op in sealed)


def test_unknown_routes_and_methods_answer_in_json(system):
    missing = requests.get(f"{system.url}/api/v1/bills/15060126", timeout=10)
    assert missing.status_code == 404 and missing.headers["Content-Type"] == "application/json"
    assert set(missing.json()) == REPLY_KEYS and missing.json()["code"] == "route_not_found"
    wrong = requests.delete(f"{system.url}/api/v1/envelope-key", timeout=10)
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")
    assert "GET" in wrong.headers["Allow"]
    not_int = requests.post(f"{system.url}/api/v1/authorizations/abc/lock", timeout=10)
    assert (not_int.status_code, not_int.json()["code"]) == (404, "route_not_found")


def test_oversized_body_answers_413_in_json(system, wallet_app, api, api_world):
    limit = wallet_app.config["MAX_CONTENT_LENGTH"]
    wallet_app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        reply = api.send(api.prepare("POST", "/verifications/layout-file", {"pdf": "A" * 4000}))
    finally:
        wallet_app.config["MAX_CONTENT_LENGTH"] = limit
    assert (reply.status, reply.code) == (413, "payload_too_large")


def test_an_unexpected_failure_still_answers_in_the_envelope(api, api_world, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("wallet.api.claims.unit_inbox.after", broken)
    reply = api.list_authorizations()
    assert (reply.status, reply.ok, reply.code, reply.signed) == (500, False, "internal_error", True)
    assert reply.response.headers["Content-Type"] == "application/json"


def test_content_that_is_not_json_is_refused(api, api_world):
    prepared = api.prepare("POST", "/verifications/five-elements", {"code": "1"})
    prepared.headers["Content-Type"] = "text/plain"
    reply = api.send(prepared)
    assert (reply.status, reply.code) == (415, "content_type_invalid")
