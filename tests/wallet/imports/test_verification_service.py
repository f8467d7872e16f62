"""The verification service every page shares: one answer per way a bill is presented."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.wallet.imports.bills import (
    document_of,
    elements_of,
    exchange,
    fields_of,
    layout_pdf,
    qr_text_of,
    red_reverse,
    tampered_pdf,
    with_attachment,
)
from tests.wallet.scan.bill_photos import Shot, bill_sheet, photograph
from wallet.extensions import db
from wallet.models import BillCheckCount
from wallet.services.verification import verify_elements, verify_file, verify_layout, verify_photo, verify_qr_text


@pytest.fixture
def ctx(wallet_app):
    with wallet_app.app_context():
        yield wallet_app


def test_five_elements_of_a_real_bill_give_the_signed_bill_and_its_live_status(ctx, net):
    item = net.issue("p1", amount=32850)
    result = verify_elements(fields_of(item))
    assert result.ok and result.refusal is None
    bill = result.bill
    assert (bill.code, bill.number, bill.total) == (item["code"], item["number"], 32850)
    assert bill.document == document_of(item)
    assert bill.status["issuance"] == "normal" and bill.status["reimbursement"] == "unreimbursed"
    assert bill.reimbursable and not bill.is_red
    assert bill.verify_count == 1 and bill.checks_today == 1
    assert result.elements == elements_of(item)


def test_each_way_in_names_the_same_bill(ctx, net, base_url):
    item = net.issue("p1")
    photo = photograph(bill_sheet(elements_of(item)), Shot(rotate=12, quality=60))
    pdf = layout_pdf(net, item)
    answers = [
        verify_qr_text(qr_text_of(item, base_url)),
        verify_photo(photo),
        verify_layout(pdf),
        verify_file(photo),
        verify_file(pdf),
    ]
    assert [(a.bill.code, a.bill.number) for a in answers] == [(item["code"], item["number"])] * 5
    assert [a.bill.verify_count for a in answers] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "change, code",
    [
        ({"check": "zzzzzz"}, "mismatch"),
        ({"amount": "1.00"}, "mismatch"),
        ({"date": "20240101"}, "mismatch"),
        ({"number": "9999999999"}, "not_found"),
    ],
)
def test_elements_that_do_not_match_the_network_are_refused_as_not_authentic(ctx, net, change, code):
    item = net.issue("p1")
    result = verify_elements(fields_of(item, **change))
    assert result.bill is None
    assert result.refusal.code == code and result.refusal.status == 422
    assert result.says_not_authentic


def test_badly_formed_elements_are_refused_before_asking_the_network(ctx, net):
    result = verify_elements({"code": "1506", "number": "12", "check": "a1b2c3", "date": "20260230", "amount": "5"})
    assert result.refusal.code == "invalid_elements" and result.refusal.status == 400
    assert set(result.refusal.fields) == {"code", "number", "date", "amount"}
    assert db.session.scalars(select(BillCheckCount)).all() == []


def test_a_qr_code_that_is_not_a_bills_is_refused(ctx, net):
    result = verify_qr_text("https://weixin.qq.com/r/abcdef")
    assert result.refusal.code == "not_a_bill_qr" and result.refusal.status == 422


def test_a_layout_file_with_a_changed_document_is_refused_as_tampered(ctx, net):
    item = net.issue("p1")
    result = verify_layout(tampered_pdf(layout_pdf(net, item)))
    assert result.refusal.code == "signature_invalid" and result.says_not_authentic


def test_a_pdf_without_the_signed_document_is_not_a_layout_file(ctx, net):
    item = net.issue("p1")
    result = verify_layout(with_attachment(layout_pdf(net, item), None))
    assert result.refusal.code == "no_signed_document"


@pytest.mark.parametrize(
    "data, code, status",
    [
        (b"PK\x03\x04 a zip file", "unsupported_file", 415),
        (b"%PDF-1.7\n garbage that is no pdf", "invalid_pdf", 422),
        (photograph(bill_sheet(), Shot(size=(800, 600), format="PNG"))[:5000], "damaged_image", 422),
    ],
)
def test_files_that_are_no_bill_are_refused_with_their_reason(ctx, net, data, code, status):
    result = verify_file(data)
    assert (result.refusal.code, result.refusal.status) == (code, status)


def test_a_bill_the_network_serves_with_a_bad_signature_is_not_trusted(ctx, net):
    item = net.issue("p1")
    net.faults(forge_next_signature=True)
    result = verify_elements(fields_of(item))
    assert result.refusal.code == "bill_rejected"


def test_an_unreachable_network_is_an_outage_not_a_verdict(ctx, net):
    item = net.issue("p1")
    net.faults(error_rate=1.0)
    result = verify_elements(fields_of(item))
    assert result.refusal.code == "network_unavailable" and result.refusal.status == 503
    assert not result.says_not_authentic


def test_a_red_bill_verifies_with_its_negative_amount_and_is_not_reimbursable(ctx, net):
    original, red = red_reverse(net, net.issue("p1", amount=25630))
    red_result = verify_elements(fields_of(red))
    assert red_result.ok and red_result.bill.total == -25630
    assert red_result.bill.is_red and not red_result.bill.reimbursable
    original_result = verify_elements(fields_of(original))
    assert original_result.bill.status["issuance"] == "red_reversed" and not original_result.bill.reimbursable


def test_an_exchanged_bill_is_genuine_but_not_reimbursable(ctx, net):
    exchanged = exchange(net, net.issue("p1"))
    result = verify_elements(fields_of(exchanged))
    assert result.ok and result.bill.status["issuance"] == "exchanged" and not result.bill.reimbursable


def test_one_bill_is_checked_at_most_the_daily_limit_and_failed_tries_count(ctx, net, monkeypatch):
    monkeypatch.setitem(ctx.config, "VERIFY_DAILY_LIMIT_PER_BILL", 3)
    item, other = net.issue("p1"), net.issue("p1")
    answers = [verify_elements(fields_of(item, check=guess)) for guess in ("aaaaaa", "bbbbbb")]
    assert [a.refusal.code for a in answers] == ["mismatch", "mismatch"]
    assert verify_elements(fields_of(item)).bill.checks_today == 3
    refused = verify_elements(fields_of(item))
    assert refused.refusal.code == "too_many_checks" and refused.refusal.status == 429
    assert verify_elements(fields_of(other)).ok
    counts = {(row.code, row.number): row.count for row in db.session.scalars(select(BillCheckCount))}
    assert counts == {(item["code"], item["number"]): 3, (other["code"], other["number"]): 1}
    assert net.platform("GET", f"/bills/{item['code']}/{item['number']}").status_code == 200


def test_the_daily_limit_can_be_turned_off(ctx, net, monkeypatch):
    monkeypatch.setitem(ctx.config, "VERIFY_DAILY_LIMIT_PER_BILL", 0)
    item = net.issue("p1")
    assert [verify_elements(fields_of(item)).bill.checks_today for _ in range(3)] == [1, 2, 3]
