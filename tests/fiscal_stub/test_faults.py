"""Tests of other parts switch faults on: an error rate, a dead feed, a forged signature, latency."""

from __future__ import annotations

import base64

import requests
from flask import Flask
from sqlalchemy import text

from fiscal_stub import create_app
from fiscal_stub.crypto import verify
from fiscal_stub.extensions import db
from tests.fiscal_stub.conftest import WURINA


def faults(network, body: dict | None = None, method: str = "post") -> requests.Response:
    return getattr(requests, method)(network.url("/_faults"), json=body, timeout=30)


def stored(app: Flask) -> dict[str, int]:
    """Rows in every table of the network's database, counted with plain SQL."""
    with app.app_context():
        return {
            name: db.session.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in db.metadata.tables
        }


def genuine(network, bill: dict) -> bool:
    keys = {k["kid"]: k for k in network.get("/keys").json()["keys"]}
    key = keys[bill["signature"]["kid"]]
    return verify(key["public_key_pem"], base64.b64decode(bill["canonical"]), bill["signature"]["value"])


def test_fault_switch_reports_clears_and_refuses_bad_values(network):
    assert faults(network, method="get").json()["faults"] == {
        "latency_ms": 0,
        "error_rate": 0.0,
        "forge_next_signature": False,
        "feed_down": False,
    }
    assert faults(network, {"latency_ms": 5, "error_rate": 0.25}).json()["faults"]["error_rate"] == 0.25
    assert faults(network, {"feed_down": True}).json()["faults"]["latency_ms"] == 5
    switched = faults(network, method="get").json()["faults"]
    bad = faults(network, {"error_rate": 2})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_request")
    assert faults(network, {"explode": True, "latency_ms": 9}).status_code == 400
    assert faults(network, method="get").json()["faults"] == switched, "a refused switch changes nothing"
    assert faults(network, method="delete").json()["faults"]["feed_down"] is False
    assert faults(network, method="get").json()["faults"]["latency_ms"] == 0


def test_error_rate_one_fails_every_api_call_but_keys(network):
    bill = network.issue()
    faults(network, {"error_rate": 1})
    before = stored(network.app)
    failed = network.get(f"/bills/{bill['code']}/{bill['number']}")
    assert (failed.status_code, failed.json()["code"]) == (503, "service_unavailable")
    assert network.get("/keys").status_code == 200
    refused = [
        network.lock(bill),
        network.feedback(bill, "UNIT-A", "LS-1", 100),
        network.post("/payer-bills", {"id_number": WURINA[0]}),
    ]
    assert [r.status_code for r in refused] == [503, 503, 503]
    assert stored(network.app) == before, "a failed call stores nothing"
    faults(network, method="delete")
    after = network.fetch(bill)
    assert (after["status"], after["version"]) == (bill["status"], bill["version"])


def test_feed_down_fails_only_the_feed(network):
    faults(network, {"feed_down": True})
    before = stored(network.app)
    down = network.get("/feed")
    assert (down.status_code, down.json()["code"]) == (503, "feed_unavailable")
    assert stored(network.app) == before, "a refused feed read moves no cursor"
    assert network.post("/payer-bills", {"id_number": WURINA[0]}).status_code == 200


def test_forged_signature_is_served_once_and_fails_verification(network):
    bill = network.issue()
    network.issue(amount=999)
    faults(network, {"forge_next_signature": True})
    forged = network.post("/payer-bills", {"id_number": WURINA[0]}).json()["bills"]
    assert [genuine(network, b) for b in forged] == [False, True]
    assert forged[0]["signature"]["kid"] == bill["signature"]["kid"]
    assert genuine(network, network.fetch(bill))
    assert faults(network, method="get").json()["faults"]["forge_next_signature"] is False


def test_forged_layout_file_is_not_authentic(network):
    bill = network.issue()
    faults(network, {"forge_next_signature": True})
    pdf = network.get(f"/bills/{bill['code']}/{bill['number']}.pdf").content
    verdict = network.post("/verify-layout", files={"file": ("f.pdf", pdf, "application/pdf")}).json()
    assert (verdict["authentic"], verdict["reason"]) == (False, "signature_invalid")


def test_latency_still_answers(network):
    faults(network, {"latency_ms": 50})
    assert network.get("/feed").status_code == 200


def test_fault_switch_does_not_exist_in_production(tmp_path):
    app = create_app(
        {
            "APP_ENV": "production",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/f.db",
            "SECRET_KEY": "s",
            "ISSUER_TOKEN": "i",
            "PLATFORM_TOKENS": "15:real-token",
        }
    )
    response = app.test_client().post("/api/v1/_faults", json={"error_rate": 1})
    assert response.status_code == 404 and response.json["ok"] is False
