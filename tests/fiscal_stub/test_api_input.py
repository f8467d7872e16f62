"""Bad input of every kind gets a JSON 4xx with a stable code and a Chinese message, never a 5xx."""

from __future__ import annotations

import re

import pytest
import requests

from common.settings import InsecureConfiguration
from fiscal_stub import create_app
from tests.fiscal_stub.conftest import ISSUER_TOKEN, WURINA

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_platform_endpoint_needs_a_known_token(network):
    for path in ("/feed", "/bills/15060126/0000000001", "/bills/15060126/0000000001.pdf"):
        response = requests.get(network.url(path), timeout=30)
        assert (response.status_code, response.json()["code"]) == (401, "unauthorized")
    wrong = network.post("/payer-bills", {"id_number": WURINA[0]}, token="guess")
    assert wrong.status_code == 401 and CHINESE.search(wrong.json()["message"])


BAD_REQUESTS = [
    ("post", "/payer-bills", "not json", 400, "invalid_json"),
    ("post", "/payer-bills", [], 400, "invalid_json"),
    ("post", "/payer-bills", {"id_number": "110105194912310021"}, 400, "invalid_request"),
    ("post", "/payer-bills", {"id_number": WURINA[0], "limit": 0}, 400, "invalid_request"),
    ("post", "/payer-bills", {"id_number": WURINA[0], "limit": "10"}, 400, "invalid_request"),
    ("post", "/payer-bills", {"id_number": WURINA[0], "cursor": "b.x"}, 400, "invalid_cursor"),
    ("post", "/payer-bills", {"id_number": WURINA[0], "cursor": 5}, 400, "invalid_cursor"),
    ("post", "/subscriptions", {"id_number": None}, 400, "invalid_request"),
    ("get", "/bills/1506/0000000001", None, 400, "invalid_request"),
    ("get", "/bills/15060126/0000000001", None, 404, "bill_not_found"),
    ("get", "/bills/15060126/0000000001.pdf", None, 404, "bill_not_found"),
    ("post", "/verify", {"code": "15060126"}, 400, "invalid_elements"),
    (
        "post",
        "/verify",
        {"code": "15060126", "number": "0000000001", "check": "abc123", "date": "20261399", "amount": "1.00"},
        400,
        "invalid_elements",
    ),
    (
        "post",
        "/verify",
        {"code": "15060126", "number": "0000000001", "check": "abc123", "date": "20260101", "amount": "1.001"},
        400,
        "invalid_elements",
    ),
    ("post", "/bills/15060126/0000000001/lock", {"unit_code": "U", "unit_name": "单位"}, 404, "bill_not_found"),
    (
        "post",
        "/bills/15060126/0000000001/lock",
        {"unit_code": "bad code!", "unit_name": "单位"},
        400,
        "invalid_request",
    ),
    (
        "post",
        "/bills/15060126/0000000001/lock",
        {"unit_code": "U", "unit_name": "单位", "ttl_seconds": 0},
        400,
        "invalid_request",
    ),
    (
        "post",
        "/bills/15060126/0000000001/feedback",
        {"unit_code": "U", "serial": "S", "voucher": "V", "amount": 1.5, "result": "reimbursed", "time": "2026-01-01"},
        400,
        "invalid_request",
    ),
    (
        "post",
        "/bills/15060126/0000000001/feedback",
        {"unit_code": "U", "serial": "S", "voucher": "V", "amount": 5, "result": "rejected", "time": "2026-01-01"},
        400,
        "invalid_request",
    ),
    (
        "post",
        "/bills/15060126/0000000001/feedback",
        {"unit_code": "U", "serial": "S", "voucher": "V", "amount": 5, "result": "reimbursed", "time": "yesterday"},
        400,
        "invalid_request",
    ),
    ("post", "/bills/15060126/0000000001/lock", {"unit_code": "U", "unit_name": "单位\u0000"}, 400, "invalid_request"),
    (
        "post",
        "/bills/15060126/0000000001/feedback",
        {
            "unit_code": "U",
            "serial": "S",
            "voucher": "V",
            "amount": 5,
            "result": "reimbursed",
            "time": "9999-12-31T23:59:59-12:00",
        },
        400,
        "invalid_request",
    ),
    ("post", "/payer-bills", {"id_number": "１５０１０２１９８６０３１４１１０Ｘ"}, 400, "invalid_request"),
    ("post", "/payer-bills", {"id_number": "15010219860314110²"}, 400, "invalid_request"),
    (
        "post",
        "/verify",
        {"code": "１５０６０１２６", "number": "0000000001", "check": "abc123", "date": "20260101", "amount": "1.00"},
        400,
        "invalid_elements",
    ),
    (
        "post",
        "/verify",
        {"code": "15060126", "number": "0000000001", "check": "abc123", "date": "2026010²", "amount": "1.00"},
        400,
        "invalid_elements",
    ),
    ("get", "/feed?limit=5000", None, 400, "invalid_request"),
    ("get", "/feed?limit=²", None, 400, "invalid_request"),
    ("get", "/feed?cursor=e.²", None, 400, "invalid_cursor"),
    ("get", "/feed?cursor=e.-1", None, 400, "invalid_cursor"),
    ("get", "/nowhere", None, 404, "http_404"),
    ("delete", "/feed", None, 405, "http_405"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), BAD_REQUESTS)
def test_bad_platform_input_is_refused_clearly(network, method, path, body, status, code):
    kwargs = (
        {"data": body, "headers": {**network.headers(), "Content-Type": "application/json"}}
        if isinstance(body, str)
        else {"json": body, "headers": network.headers()}
    )
    response = requests.request(method, network.url(path), timeout=30, **kwargs)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert response.json()["ok"] is False and CHINESE.search(response.json()["message"])


BAD_ISSUES = [
    {"type": "lottery", "payer_name": "甲", "payer_id_number": WURINA[0], "amount": 1},
    {"type": "donation", "payer_name": "甲", "payer_id_number": WURINA[0], "amount": -1},
    {"type": "donation", "payer_name": "", "payer_id_number": WURINA[0], "amount": 100},
    {"type": "donation", "payer_name": "甲", "payer_id_number": "12345", "amount": 100},
    {"type": "donation", "payer_name": "甲", "payer_id_number": WURINA[0], "amount": 100, "province": "99"},
    {"type": "donation", "payer_name": "甲", "payer_id_number": WURINA[0], "amount": 100, "items": "x"},
    {"type": "donation", "payer_name": "甲", "payer_id_number": WURINA[0], "amount": 100, "payer_type": "外星人"},
    {
        "type": "donation",
        "payer_name": "甲",
        "payer_id_number": WURINA[0],
        "amount": 100,
        "items": [{"name": "捐赠款", "amount": 100, "quantity": 3}],
    },
]


@pytest.mark.parametrize("body", BAD_ISSUES)
def test_bad_issue_orders_change_nothing(network, body):
    response = network.post("/issuer/bills", body, token=ISSUER_TOKEN)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
    assert network.post("/payer-bills", {"id_number": WURINA[0]}).json()["bills"] == []


def test_unknown_unit_and_bad_bill_keys_for_issuer_actions(network):
    missing = network.post(
        "/issuer/bills",
        {
            "type": "donation",
            "payer_name": "甲",
            "payer_id_number": WURINA[0],
            "amount": 100,
            "unit_code": "12150102XXXXXXXXXX",
        },
        token=ISSUER_TOKEN,
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "unit_not_found")
    unknown = network.post("/issuer/bills/15060126/0000000009/exchange", None, token=ISSUER_TOKEN)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "bill_not_found")
    bad_reason = network.post("/issuer/bills/15060126/0000000009/red-reverse", {"reason": 5}, token=ISSUER_TOKEN)
    assert bad_reason.status_code == 400


def test_production_refuses_development_platform_tokens(tmp_path):
    with pytest.raises(InsecureConfiguration):
        create_app(
            {
                "APP_ENV": "production",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/f.db",
                "SECRET_KEY": "s",
                "ISSUER_TOKEN": "i",
            }
        )
