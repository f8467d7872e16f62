"""The QR code each province prints, and the network telling the codes it minted from edited ones."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from common.money import yuan
from fiscal_stub.services.qr_codes import qr_text, shape_of


def minted(network, bill: dict) -> str:
    """The QR text printed on ``bill``'s layout file."""
    return qr_text(json.loads(base64.b64decode(bill["canonical"])), network.app.config["SECRET_KEY"])


def query_of(text: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(text).query).items()}


def with_query(text: str, **changes: str) -> str:
    link = urlsplit(text)
    return link._replace(query=urlencode({**query_of(text), **changes})).geturl()


def verify(network, body: dict) -> dict:
    response = network.post("/verify", body)
    assert response.status_code == 200, response.text
    return response.json()


def test_provinces_print_the_three_real_forms():
    assert shape_of("15") == "national" and shape_of("11") == "national"
    assert shape_of("44") == "national_no_amount"
    assert shape_of("35") == "h5"


@pytest.mark.parametrize("province", ["15", "44", "35"])
def test_a_minted_code_verifies_as_it_is_printed(network, province):
    bill = network.issue(amount=32850, province=province)
    verdict = verify(network, {"qr": minted(network, bill)})
    assert verdict["authentic"] is True and verdict["verify_count"] == 1
    assert verdict["bill"]["canonical"] == bill["canonical"]


def test_the_four_part_code_carries_no_amount_and_checks_the_amount_a_person_adds(network):
    bill = network.issue(amount=32850, province="44")
    text = minted(network, bill)
    assert len(query_of(text)["d"].split("_")) == 4 and "328.50" not in text
    assert verify(network, {"qr": text, "amount": "328.50"})["authentic"] is True
    wrong = verify(network, {"qr": text, "amount": "328.51"})
    assert (wrong["authentic"], wrong["reason"]) == (False, "mismatch")


def test_an_edited_d_or_mac_is_refused_and_not_counted(network):
    bill = network.issue(amount=32850, province="15")
    text = minted(network, bill)
    d = query_of(text)["d"]
    for edited in (
        with_query(text, d=d.replace(yuan(32850), yuan(3285))),
        with_query(text, d=d.replace(d.split("_")[1], str(int(d.split("_")[1]) + 1).zfill(10))),
        with_query(text, s="0" * 32),
        with_query(text, s=""),
    ):
        verdict = verify(network, {"qr": edited})
        assert (verdict["authentic"], verdict["reason"]) == (False, "qr_mac_invalid"), edited
        assert verdict["message"].startswith("二维码签名无效")
    assert verify(network, {"qr": text})["verify_count"] == 1


def test_a_code_minted_for_another_province_does_not_hold(network):
    bill = network.issue(amount=32850, province="15")
    text = minted(network, bill)
    d = query_of(text)["d"]
    moved = with_query(text, d="11" + d[2:])
    assert verify(network, {"qr": moved})["reason"] == "qr_mac_invalid"


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/",
        "15060126,0000012345,a1b2c3,20260315,328.50",
        "https://www.chinaebill.cn/d?d=1_2_3",
        12345,
        "x" * 5000,
    ],
)
def test_text_the_network_did_not_mint_is_refused_clearly(network, text):
    response = network.post("/verify", {"qr": text})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_qr" and "请改用五要素查验" in body["message"]


def test_a_bad_added_amount_or_date_is_a_400(network):
    bill = network.issue(amount=32850, province="44")
    text = minted(network, bill)
    for body in ({"qr": text, "amount": "三百"}, {"qr": text, "date": "20261345"}, {"qr": text, "amount": 1}):
        assert network.post("/verify", body).status_code == 400
