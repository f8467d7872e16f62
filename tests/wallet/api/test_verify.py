"""File-mode verification through the API: five elements and layout files, refusals with their codes."""

from __future__ import annotations

from sqlalchemy import select

from common.money import yuan
from common.timeutil import to_local
from wallet.extensions import db
from wallet.models import Bill


def five_elements_of(wallet_app, resident_id: int) -> dict[str, str]:
    with wallet_app.app_context():
        bill = db.session.scalars(
            select(Bill).where(Bill.resident_id == resident_id, Bill.total > 0).order_by(Bill.id)
        ).first()
        assert bill is not None
        return {
            "code": bill.code,
            "number": bill.number,
            "check": bill.check_code,
            "date": to_local(bill.issued_at).strftime("%Y%m%d"),
            "amount": yuan(bill.total),
        }


def test_five_elements_verify_to_the_signed_bill(api, api_world, wallet_app, resident_id):
    elements = five_elements_of(wallet_app, resident_id)
    reply = api.verify_five_elements(**elements)
    assert (reply.status, reply.code) == (200, "ok")
    assert reply.data["authentic"] is True and reply.data["checks_today"] == 1
    assert reply.data["document"]["check"] == elements["check"]
    assert reply.data["signed_bill"]["status"]["issuance"] == "normal"


def test_wrong_check_code_is_a_mismatch(api, api_world, wallet_app, resident_id):
    elements = five_elements_of(wallet_app, resident_id) | {"check": "zzzzzz"}
    reply = api.verify_five_elements(**elements)
    assert (reply.status, reply.code, reply.data) == (422, "mismatch", None)
    assert "校验码" in reply.message


def test_malformed_elements_name_every_field(api, api_world):
    reply = api.verify_five_elements("1234", "12", "!!", "2026-13-40", "abc")
    assert (reply.status, reply.code) == (400, "invalid_elements")
    assert set(reply.data["errors"]) == {"code", "number", "check", "date", "amount"}


def test_layout_file_verifies(api, api_world, wallet_app, resident_id, fiscal_client):
    elements = five_elements_of(wallet_app, resident_id)
    pdf = fiscal_client.layout_file(elements["code"], elements["number"])
    reply = api.verify_layout_file(pdf)
    assert (reply.status, reply.code) == (200, "ok")
    assert (reply.data["signed_bill"]["code"], reply.data["signed_bill"]["number"]) == (
        elements["code"],
        elements["number"],
    )


def test_a_file_that_is_not_a_pdf_is_refused(api, api_world):
    reply = api.verify_layout_file(b"GIF89a not a layout file")
    assert (reply.status, reply.code) == (415, "unsupported_file")
    missing = api.call("POST", "/verifications/layout-file", {"pdf": "***"})
    assert (missing.status, missing.code, list(missing.data["errors"])) == (422, "payload_invalid", ["pdf"])


def test_a_qr_code_without_the_amount_is_answered_with_what_it_read_and_what_is_missing(api, api_world, network):
    from tests.wallet.imports.bills import elements_of, printed_qr_of

    item = network.issue("p1", province="44", amount=45678)
    text, elements = printed_qr_of(network, item), elements_of(item).as_fields()
    asked = api.call("POST", "/verifications/qr", {"qr": text})
    assert (asked.status, asked.code) == (422, "incomplete_bill_qr")
    assert asked.message == "二维码中没有金额，请按纸质票据填写金额。"
    assert asked.data["missing"] == ["amount"]
    assert {k: v.lower() for k, v in asked.data["read"].items()} == {k: v for k, v in elements.items() if k != "amount"}
    answered = api.call("POST", "/verifications/qr", {"qr": text, "amount": elements["amount"]})
    assert (answered.status, answered.code) == (200, "ok") and answered.data["authentic"] is True
    wrong = api.call("POST", "/verifications/qr", {"qr": text, "amount": "1.00"})
    assert (wrong.status, wrong.code) == (422, "mismatch")


def test_foreign_and_damaged_codes_are_told_apart_over_the_api(api, api_world):
    vat = api.call("POST", "/verifications/qr", {"qr": "01,10,044031900111,12345678,1024.00,20251102,7351,A1B2"})
    assert (vat.status, vat.code) == (422, "vat_invoice_qr")
    damaged = api.call(
        "POST",
        "/verifications/qr",
        {"qr": "https://www.chinaebill.cn/d?t=1&d=15060126_00001_abcdef_1.00_20260101&s=00"},
    )
    assert (damaged.status, damaged.code) == (422, "malformed_bill_qr") and "number" in damaged.data["errors"]
    empty = api.call("POST", "/verifications/qr", {"qr": ""})
    assert (empty.status, empty.code, list(empty.data["errors"])) == (422, "payload_invalid", ["qr"])
