"""Issuing units issue, red-reverse and exchange bills through the issuer API, under the rules."""

from __future__ import annotations

import base64
import json

import pytest

from tests.fiscal_stub.conftest import ISSUER_TOKEN, WURINA


def issue(network, **fields) -> dict:
    body = {
        "type": "medical_outpatient",
        "payer_name": WURINA[1],
        "payer_id_number": WURINA[0],
        "amount": 25630,
        **fields,
    }
    return network.post("/issuer/bills", body, token=ISSUER_TOKEN)


def doc_of(bill: dict) -> dict:
    return json.loads(base64.b64decode(bill["canonical"]))


def test_issued_bill_gets_next_number_check_code_and_realistic_content(network):
    first = issue(network)
    assert first.status_code == 201
    second = issue(network, remark="复诊")
    a, b = doc_of(first.json()["bill"]), doc_of(second.json()["bill"])
    assert a["code"] == b["code"] and int(b["number"]) == int(a["number"]) + 1
    assert a["code"].startswith("150601")
    assert a["name"] == "内蒙古自治区医疗门诊收费票据（电子）"
    assert a["total"] == sum(item["amount"] for item in a["items"]) == 25630
    assert a["medical"]["settlement"]["cash"] >= 0 and a["check"] != b["check"]
    assert b["remark"] == "复诊"
    assert first.json()["bill"]["status"]["issuance"] == "normal"


def test_issuer_items_are_kept_and_must_add_up(network):
    items = [{"name": "西药费", "amount": 12830, "self_paid": 1000}, {"name": "检查费", "amount": 12800}]
    doc = doc_of(issue(network, items=items).json()["bill"])
    assert [(i["code"], i["name"], i["amount"]) for i in doc["items"]] == [
        ("0101", "西药费", 12830),
        ("0301", "检查费", 12800),
    ]
    assert doc["medical"]["settlement"]["self_pay"] >= 1000
    bad = issue(network, items=[{"name": "西药费", "amount": 100}])
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_request")


def test_issuer_units_list_types_and_a_unit_cannot_issue_a_foreign_type(network):
    units = network.get("/issuer/units", token=ISSUER_TOKEN, params={"province": "11"}).json()["units"]
    court = next(u for u in units if u["category"] == "court")
    assert court["types"] == ["court_fee"] and court["province"] == "11"
    refused = issue(network, unit_code=court["code"])
    assert (refused.status_code, refused.json()["code"]) == (422, "type_not_issued_by_unit")
    fee = issue(network, unit_code=court["code"], type="court_fee", amount=50000)
    assert doc_of(fee.json()["bill"])["code"][:6] == "110102"


def red_reverse(network, bill: dict):
    return network.post(
        f"/issuer/bills/{bill['code']}/{bill['number']}/red-reverse", {"reason": "金额有误"}, token=ISSUER_TOKEN
    )


def test_red_reversal_creates_a_linked_red_bill_with_negated_amounts(network):
    bill = network.issue(amount=25630)
    reply = red_reverse(network, bill).json()
    original, red = reply["bill"], reply["red_bill"]
    assert original["status"]["issuance"] == "red_reversed"
    assert original["status"]["red_bill"] == {"code": red["code"], "number": red["number"]}
    assert red["status"]["original"] == {"code": bill["code"], "number": bill["number"]}
    red_doc, doc = doc_of(red), doc_of(bill)
    assert red_doc["total"] == -25630 == sum(i["amount"] for i in red_doc["items"])
    assert {k: -v for k, v in doc["medical"]["settlement"].items()} == red_doc["medical"]["settlement"]
    assert red_doc["red_of"] == {"code": bill["code"], "number": bill["number"]}
    assert "金额有误" in red_doc["remark"] and red_doc["check"] != doc["check"]
    assert network.lock(bill).json()["code"] == "bill_red_reversed"
    assert network.lock(red).json()["code"] == "red_bill_not_allowed"
    assert red_reverse(network, bill).json()["code"] == "bill_red_reversed"


@pytest.mark.parametrize("action", ["red-reverse", "exchange"])
def test_issuer_change_refused_while_locked_or_once_reimbursed(network, action):
    locked = network.issue(amount=10000)
    network.lock(locked, "UNIT-A")
    path = f"/issuer/bills/{locked['code']}/{locked['number']}/{action}"
    refused = network.post(path, {}, token=ISSUER_TOKEN)
    assert (refused.status_code, refused.json()["code"]) == (409, "bill_locked")
    network.feedback(locked, "UNIT-A", "S1", 100)
    again = network.post(path, {}, token=ISSUER_TOKEN)
    assert (again.status_code, again.json()["code"]) == (409, "bill_has_reimbursement")
    assert network.fetch(locked)["status"]["issuance"] == "normal"


def test_exchanged_bill_cannot_be_locked(network):
    bill = network.issue()
    reply = network.post(f"/issuer/bills/{bill['code']}/{bill['number']}/exchange", None, token=ISSUER_TOKEN)
    assert reply.status_code == 200
    status = reply.json()["bill"]["status"]
    assert status["issuance"] == "exchanged" and status["exchanged_at"].endswith("Z")
    refused = network.lock(bill)
    assert (refused.status_code, refused.json()["code"]) == (409, "bill_exchanged")


def test_issuer_endpoints_need_the_issuer_token(network):
    denied = network.post("/issuer/bills", {"type": "medical_outpatient"})
    assert (denied.status_code, denied.json()["code"]) == (401, "unauthorized")
