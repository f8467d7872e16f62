"""QR text ⇄ five elements: every shape real fiscal bills print, and this project's own status-page URL.

The vectors are made up here in the real shapes (DOMAIN.md "QR codes on real bills"):
other bills, other hosts and other values than the examples there.
"""

from __future__ import annotations

from datetime import date

import pytest

from wallet.refusals import Refusal
from wallet.scan.five_elements import FiveElements
from wallet.scan.payload import build_payload_url, parse_payload, read_payload

BILL = FiveElements(code="15060126", number="0000012345", check="a1b2c3", issued_on=date(2026, 3, 15), amount_fen=32850)
URL = "http://127.0.0.1:5000/check?code=15060126&number=0000012345&check=a1b2c3&date=20260315&amount=328.50"
NOT_A_BILL = "这不是财政电子票据的二维码。请扫描票据上的二维码，或手动输入五要素。"


def test_payload_url_carries_the_five_elements_on_the_status_page():
    assert build_payload_url(BILL, "http://127.0.0.1:5000") == URL
    assert build_payload_url(BILL, "https://wallet.example.cn/nm/") == (
        "https://wallet.example.cn/nm/check?code=15060126&number=0000012345&check=a1b2c3&date=20260315&amount=328.50"
    )


def test_payload_url_reads_back_to_the_same_bill():
    assert parse_payload(URL) == BILL
    other = FiveElements(
        code="65010226", number="9999999999", check="zz00zz", issued_on=date(2024, 2, 29), amount_fen=1
    )
    assert parse_payload(build_payload_url(other, "https://wallet.example.cn")) == other


def test_a_red_bills_qr_with_a_negative_amount_reads_back():
    red = FiveElements(
        code="15060126", number="0000012346", check="r3d0aa", issued_on=date(2026, 3, 16), amount_fen=-32850
    )
    url = build_payload_url(red, "http://127.0.0.1:5000")
    assert url.endswith("&amount=-328.50")
    assert parse_payload(url) == red
    assert parse_payload("15060126,0000012346,r3d0aa,20260316,-328.50") == red


@pytest.mark.parametrize(
    "text",
    [
        URL.replace("http://", "https://"),
        URL.replace("check=a1b2c3", "check=A1B2C3"),
        URL.replace("date=20260315", "date=2026-03-15"),
        "HTTPS://WALLET.EXAMPLE.CN/check?amount=328.50&date=20260315&check=a1b2c3&number=0000012345&code=15060126",
        "https://wallet.example.cn/check/?code=15060126&number=0000012345&check=a1b2c3&date=20260315&amount=328.50",
        f"  {URL}\n",
        URL + "&from=paper",
    ],
)
def test_status_page_url_variants_name_the_bill(text):
    assert parse_payload(text) == BILL


@pytest.mark.parametrize(
    "text",
    [
        "15060126,0000012345,a1b2c3,20260315,328.50",
        "15060126，0000012345，A1B2C3，2026-03-15，328.50",
        "15060126|0000012345|a1b2c3|20260315|328.50",
        "15060126 0000012345 a1b2c3 20260315 328.50",
        "15060126\t0000012345\na1b2c3  20260315 328.50",
        " 15060126 , 0000012345 , a1b2c3 , 2026-03-15 , 328.50 ",
    ],
)
def test_delimited_five_elements_name_the_bill(text):
    assert parse_payload(text) == BILL


@pytest.mark.parametrize(
    "text",
    [
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
        "",
        "   ",
        "x" * 5000,
    ],
)
def test_anything_else_is_not_a_bill(text):
    with pytest.raises(Refusal) as raised:
        parse_payload(text)
    assert raised.value.code == "not_a_bill_qr"
    assert raised.value.message == NOT_A_BILL


def test_a_bill_url_with_a_bad_element_says_which_element():
    with pytest.raises(Refusal) as raised:
        parse_payload(URL.replace("check=a1b2c3", "check=a1b2c"))
    assert raised.value.code == "malformed_bill_qr"
    assert raised.value.fields == {"check": "校验码应为6位字母或数字。"}
    assert "校验码应为6位字母或数字" in raised.value.message


def test_a_bill_url_missing_elements_asks_for_them():
    with pytest.raises(Refusal) as raised:
        parse_payload("https://wallet.example.cn/check?code=15060126&number=0000012345")
    assert raised.value.code == "incomplete_bill_qr"
    assert raised.value.details["missing"] == ("check", "date", "amount")
    assert raised.value.details["read"] == {"code": "15060126", "number": "0000012345"}
    assert raised.value.message == "二维码中没有校验码、开票日期、金额，请按纸质票据填写校验码、开票日期、金额。"


def test_a_bill_url_with_a_repeated_element_is_refused():
    with pytest.raises(Refusal) as raised:
        parse_payload(URL + "&amount=1.00")
    assert raised.value.code == "malformed_bill_qr"


def test_delimited_elements_with_a_bad_amount_say_so():
    with pytest.raises(Refusal) as raised:
        parse_payload("15060126,0000012345,a1b2c3,20260315,328.5")
    assert raised.value.code == "malformed_bill_qr"
    assert raised.value.fields == {"amount": "金额应以元为单位并保留两位小数，如328.50。"}


# --- the shapes real bills print ------------------------------------------------------------

INPATIENT = FiveElements(
    code="44061426", number="0087654321", check="7f3k9q", issued_on=date(2025, 11, 2), amount_fen=1_234_506
)
D_FULL = "44061426_0087654321_7f3k9q_12345.06_20251102"
D_NO_AMOUNT = "44061426_0087654321_7f3k9q_20251102"


@pytest.mark.parametrize(
    "text",
    [
        f"https://www.chinaebill.cn/eips-wxapp-service/d?t=501&a=GD0099&d={D_FULL}&s=9c0ffee1d2",
        f"https://www.chinaebill.cn/d?t=501&a=GD0099&d={D_FULL}&s=9c0ffee1d2",
        f"http://pj.czt.gd.gov.cn/d?d={D_FULL}&t=2&a=x&s=00aa",
        f"HTTPS://EBILL.NMGCZ.GOV.CN/d?t=1&a=NM01&d={D_FULL.upper()}&s=ABCDEF",
        f"  https://www.chinaebill.cn/d?t=501&a=GD0099&d={D_FULL}&s=9c0ffee1d2  \n",
        "４４０６１４２６_００８７６５４３２１_７ｆ３ｋ９ｑ_１２３４５．０６_２０２５１１０２",  # full-width
        D_FULL,
        "44061426,0087654321,7f3k9q,12345.06,20251102",
        "44061426|0087654321|7F3K9Q|12345.06|2025-11-02",
        "44061426_0087654321_7f3k9q_20251102_12345.06",  # this project's order: date first
        "44061426,0087654321,7f3k9q,2025-11-02,12345.06",
        "44061426^0087654321^7f3k9q^https://www.chinaebill.cn/d?t=501&a=GD&d=" + D_FULL + "&s=ee",
    ],
)
def test_every_full_real_shape_names_the_bill(text):
    assert parse_payload(text) == INPATIENT


@pytest.mark.parametrize(
    ("text", "missing", "shape"),
    [
        (
            f"https://www.chinaebill.cn/eips-wxapp-service/d?t=504&a=GD0099&d={D_NO_AMOUNT}&s=77aa",
            ("amount",),
            "national_link",
        ),
        (f"https://www.chinaebill.cn/d?t=504&d={D_NO_AMOUNT}", ("amount",), "national_link"),
        (
            "http://fp.example-hospital.cn/H5FinanceDisplay/showInvoice?invoice_code=44061426&invoice_number=0087654321"
            "&check_code=7f3k9q&app_id=HX01&security=5d5d",
            ("date", "amount"),
            "h5_link",
        ),
        ("44061426_0087654321_7f3k9q_20251102", ("amount",), "list"),
        ("44061426,0087654321,7f3k9q,12345.06", ("date",), "list"),
        ("44061426^0087654321^7f3k9q^http://his.example.cn/view?id=991", ("date", "amount"), "caret_list"),
        ("44061426^0087654321^7f3k9q", ("date", "amount"), "caret_list"),
    ],
)
def test_a_code_without_every_element_is_a_partial_reading(text, missing, shape):
    reading = read_payload(text)
    assert reading.shape == shape
    assert reading.missing == missing
    assert {k: v.lower() for k, v in reading.fields.items()} == {
        k: v
        for k, v in {
            "code": "44061426",
            "number": "0087654321",
            "check": "7f3k9q",
            "date": "20251102",
            "amount": "12345.06",
        }.items()
        if k not in missing
    }
    with pytest.raises(Refusal) as raised:
        parse_payload(text)
    assert raised.value.code == "incomplete_bill_qr"
    assert raised.value.details["missing"] == missing


def test_a_code_without_the_amount_says_so_in_the_persons_words():
    with pytest.raises(Refusal) as raised:
        parse_payload(f"https://www.chinaebill.cn/d?t=504&d={D_NO_AMOUNT}")
    assert raised.value.message == "二维码中没有金额，请按纸质票据填写金额。"
    assert raised.value.fields == {"amount": "二维码中没有金额。"}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("https://www.chinaebill.cn/d?t=501&d=44061426_008765432_7f3k9q_12345.06_20251102&s=1", "number"),
        ("https://www.chinaebill.cn/d?t=501&d=44061426_0087654321_7f3k9q_12345.06_20251131&s=1", "date"),
        ("https://www.chinaebill.cn/d?t=501&d=44061426_0087654321_7f3k9q_12345.6_20251102&s=1", "amount"),
        ("https://www.chinaebill.cn/d?t=501&d=99061426_0087654321_7f3k9q_12345.06_20251102&s=1", "code"),
        ("44061426_0087654321_7f3k9_12345.06_20251102", "check"),
        ("44061426,0087654321,7f3k9q,12345,20251102", "amount"),
        ("44061426|0087654321|7f3k9q|12345.06|2025-13-02", "date"),
    ],
)
def test_a_damaged_bill_code_names_the_element_at_fault(text, field):
    with pytest.raises(Refusal) as raised:
        parse_payload(text)
    assert raised.value.code == "malformed_bill_qr"
    assert raised.value.message.startswith("二维码内容不完整或已损坏，请手动输入五要素。")
    assert field in raised.value.fields


@pytest.mark.parametrize(
    "text",
    [
        "https://www.chinaebill.cn/d?t=501&a=GD&d=44061426_0087654321&s=1",
        "https://www.chinaebill.cn/d?t=501&d=44061426_0087654321_7f3k9q_12345.06_20251102_x&s=1",
        "http://fp.example-hospital.cn/H5FinanceDisplay/showInvoice?invoice_code=44061426&check_code=7f3k9q",
        "44061426^0087654321^7f3k9q^https://www.chinaebill.cn/d?d=44061426_0087654399_7f3k9q_12345.06_20251102",
    ],
)
def test_a_known_link_form_that_breaks_is_damaged_not_foreign(text):
    with pytest.raises(Refusal) as raised:
        parse_payload(text)
    assert raised.value.code == "malformed_bill_qr"


@pytest.mark.parametrize(
    "text",
    [
        "01,10,044031900111,12345678,1024.00,20251102,73518299281230981234,A1B2",
        "01,04,033001900211,00876543,88.00,20250630,12345678901234567890,",
        "01,32,,25442000000012345678,356.40,20251102,,8F2D",
        "01,31,,25442000000012345678,356.40,20251102",
    ],
)
def test_a_tax_invoice_is_sent_to_the_tax_authority(text):
    with pytest.raises(Refusal) as raised:
        parse_payload(text)
    assert raised.value.code == "vat_invoice_qr"
    assert "增值税发票" in raised.value.message and "税务" in raised.value.message


@pytest.mark.parametrize(
    "text",
    [
        "wxp://f2f0Qm8Zk5vL1example",
        "https://qr.alipay.com/fkx19203example",
        "https://u.wechat.com/EBb-example",
        "https://www.example-shop.cn/item?id=44061426",
        "https://www.chinaebill.cn/",
        "https://www.chinaebill.cn/d?t=504",
        "alipays://platformapi/startapp?appId=20000056",
        "44061426",
        "0087654321 please",
    ],
)
def test_payment_codes_and_unrelated_links_are_not_bills(text):
    with pytest.raises(Refusal) as raised:
        parse_payload(text)
    assert raised.value.code == "not_a_bill_qr"
    assert raised.value.message == NOT_A_BILL
