"""QR text ⇄ five elements: the status-page URL convention and the plain delimited form."""
from __future__ import annotations

from datetime import date

import pytest

from wallet.scan.five_elements import FiveElements
from wallet.scan.payload import PayloadRefused, build_payload_url, parse_payload

BILL = FiveElements(code="15060126", number="0000012345", check="a1b2c3",
                    issued_on=date(2026, 3, 15), amount_fen=32850)
URL = "http://127.0.0.1:5000/check?code=15060126&number=0000012345&check=a1b2c3&date=20260315&amount=328.50"
NOT_A_BILL = "这不是财政电子票据的二维码。请扫描票据上的二维码，或手动输入五要素。"


def test_payload_url_carries_the_five_elements_on_the_status_page():
    assert build_payload_url(BILL, "http://127.0.0.1:5000") == URL
    assert build_payload_url(BILL, "https://wallet.example.cn/nm/") == (
        "https://wallet.example.cn/nm/check?code=15060126&number=0000012345&check=a1b2c3"
        "&date=20260315&amount=328.50")


def test_payload_url_reads_back_to_the_same_bill():
    assert parse_payload(URL) == BILL
    other = FiveElements(code="65010226", number="9999999999", check="zz00zz",
                         issued_on=date(2024, 2, 29), amount_fen=1)
    assert parse_payload(build_payload_url(other, "https://wallet.example.cn")) == other


def test_a_red_bills_qr_with_a_negative_amount_reads_back():
    red = FiveElements(code="15060126", number="0000012346", check="r3d0aa",
                       issued_on=date(2026, 3, 16), amount_fen=-32850)
    url = build_payload_url(red, "http://127.0.0.1:5000")
    assert url.endswith("&amount=-328.50")
    assert parse_payload(url) == red
    assert parse_payload("15060126,0000012346,r3d0aa,20260316,-328.50") == red


@pytest.mark.parametrize("text", [
    URL.replace("http://", "https://"),
    URL.replace("check=a1b2c3", "check=A1B2C3"),
    URL.replace("date=20260315", "date=2026-03-15"),
    "HTTPS://WALLET.EXAMPLE.CN/check?amount=328.50&date=20260315&check=a1b2c3&number=0000012345&code=15060126",
    "https://wallet.example.cn/check/?code=15060126&number=0000012345&check=a1b2c3&date=20260315&amount=328.50",
    f"  {URL}\n",
    URL + "&from=paper",
])
def test_status_page_url_variants_name_the_bill(text):
    assert parse_payload(text) == BILL


@pytest.mark.parametrize("text", [
    "15060126,0000012345,a1b2c3,20260315,328.50",
    "15060126，0000012345，A1B2C3，2026-03-15，328.50",
    "15060126|0000012345|a1b2c3|20260315|328.50",
    "15060126 0000012345 a1b2c3 20260315 328.50",
    "15060126\t0000012345\na1b2c3  20260315 328.50",
    " 15060126 , 0000012345 , a1b2c3 , 2026-03-15 , 328.50 ",
])
def test_delimited_five_elements_name_the_bill(text):
    assert parse_payload(text) == BILL


@pytest.mark.parametrize("text", [
    "https://example.com/",
    "https://example.com/check",
    "https://example.com/pay?code=15060126&number=0000012345&check=a1b2c3&date=20260315&amount=328.50",
    "ftp://wallet.example.cn/check?code=15060126&number=0000012345&check=a1b2c3&date=20260315&amount=328.50",
    "javascript:alert(1)",
    "WIFI:S:hospital;T:WPA;P:secret;;",
    "weixin://dl/business/?t=abc",
    "hello world",
    "票据代码 15060126",
    "a, b, c, d, e",
    "15060126,0000012345,a1b2c3,20260315",
    "",
    "   ",
    "x" * 5000,
])
def test_anything_else_is_not_a_bill(text):
    with pytest.raises(PayloadRefused) as raised:
        parse_payload(text)
    assert raised.value.code == "not_a_bill_qr"
    assert raised.value.message == NOT_A_BILL


def test_a_bill_url_with_a_bad_element_says_which_element():
    with pytest.raises(PayloadRefused) as raised:
        parse_payload(URL.replace("check=a1b2c3", "check=a1b2c"))
    assert raised.value.code == "malformed_bill_qr"
    assert raised.value.errors == {"check": "校验码应为6位字母或数字。"}
    assert "校验码应为6位字母或数字" in raised.value.message


def test_a_bill_url_missing_elements_names_them():
    with pytest.raises(PayloadRefused) as raised:
        parse_payload("https://wallet.example.cn/check?code=15060126&number=0000012345")
    assert raised.value.code == "malformed_bill_qr"
    assert set(raised.value.errors) == {"check", "date", "amount"}
    assert raised.value.message == "二维码缺少校验码、开票日期、金额，无法识别票据。请手动输入五要素。"


def test_a_bill_url_with_a_repeated_element_is_refused():
    with pytest.raises(PayloadRefused) as raised:
        parse_payload(URL + "&amount=1.00")
    assert raised.value.code == "malformed_bill_qr"


def test_delimited_elements_with_a_bad_amount_say_so():
    with pytest.raises(PayloadRefused) as raised:
        parse_payload("15060126,0000012345,a1b2c3,20260315,328.5")
    assert raised.value.code == "malformed_bill_qr"
    assert raised.value.errors == {"amount": "金额应以元为单位并保留两位小数，如328.50。"}
