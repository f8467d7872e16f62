"""Every bill is signed by its province; the published keys verify it, and any change breaks it."""

from __future__ import annotations

import base64
import json

import rfc8785

from fiscal_stub.crypto import verify
from fiscal_stub.demo import persona_people, seed_people
from tests.fiscal_stub.conftest import WURINA


def published(network) -> dict[str, dict]:
    response = network.get("/keys", token="none-needed")
    assert response.status_code == 200
    return {key["kid"]: key for key in response.json()["keys"]}


def all_bills(network, id_number: str) -> list[dict]:
    bills, cursor = [], None
    while True:
        page = network.post("/payer-bills", {"id_number": id_number, "cursor": cursor, "limit": 7}).json()
        bills += page["bills"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return bills


def test_keys_are_published_for_all_31_provinces_with_algorithm_and_validity(network):
    keys = published(network)
    assert len({k["province"] for k in keys.values()}) == 31
    key = keys["15-k1"]
    assert (key["alg"], key["province_name"], key["current"], key["valid_to"]) == (
        "ECDSA-P256-SHA256",
        "内蒙古自治区",
        True,
        None,
    )
    assert key["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert key["valid_from"].endswith("Z")


def test_every_bill_verifies_with_the_published_key_and_fails_after_a_one_byte_change(network):
    with network.app.app_context():
        seed_people(persona_people(["p1", "p6"]), 15)
    keys = published(network)
    bills = all_bills(network, WURINA[0]) + all_bills(network, "110105198804029706")
    assert len(bills) == 30
    for bill in bills:
        canonical = base64.b64decode(bill["canonical"])
        signature = bill["signature"]
        key = keys[signature["kid"]]
        assert signature["alg"] == key["alg"] == "ECDSA-P256-SHA256"
        assert json.loads(canonical)["province"]["code"] == key["province"] == bill["code"][:2]
        assert verify(key["public_key_pem"], canonical, signature["value"])
        for position in (0, len(canonical) // 2, len(canonical) - 1):
            changed = bytearray(canonical)
            changed[position] ^= 0x01
            assert not verify(key["public_key_pem"], bytes(changed), signature["value"])


def test_signed_bytes_are_the_documents_rfc8785_form(network):
    bill = network.issue(amount=12345)
    canonical = base64.b64decode(bill["canonical"])
    doc = json.loads(canonical)
    assert canonical == rfc8785.dumps(doc)
    assert "医疗门诊收费票据" in canonical.decode("utf-8")
    assert "status" not in doc


def test_rotated_key_signs_new_bills_and_old_bills_keep_verifying(network):
    before = network.issue(amount=1000)
    result = network.app.test_cli_runner().invoke(args=["fiscal", "rotate-key", "--province", "15"])
    assert result.exit_code == 0 and "15-k2" in result.output
    after = network.issue(amount=2000)
    keys = published(network)
    assert (keys["15-k1"]["current"], keys["15-k2"]["current"]) == (False, True)
    assert keys["15-k1"]["valid_to"] == keys["15-k2"]["valid_from"]
    assert (before["signature"]["kid"], after["signature"]["kid"]) == ("15-k1", "15-k2")
    for bill in (before, after):
        key = keys[bill["signature"]["kid"]]
        assert verify(key["public_key_pem"], base64.b64decode(bill["canonical"]), bill["signature"]["value"])
    layout = network.get(f"/bills/{before['code']}/{before['number']}.pdf").content
    verdict = network.post("/verify-layout", files={"file": ("old.pdf", layout, "application/pdf")}).json()
    assert verdict["authentic"] is True


def test_rotating_an_unknown_province_is_refused(network):
    result = network.app.test_cli_runner().invoke(args=["fiscal", "rotate-key", "--province", "99"])
    assert result.exit_code != 0 and "province" in result.output
