"""Real bills' QR codes: one with every element imports at once; one without the amount asks for it."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlencode, urlsplit

from PIL import Image

from common.money import yuan
from tests.wallet.imports.bills import document_of, elements_of, fields_of, printed_qr_of
from tests.wallet.imports.conftest import bill_count
from tests.wallet.scan.bill_photos import Shot, bill_sheet, photograph

HX = {"HX-Request": "true"}


def form_token(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html
    return token.group(1)


def post_qr(client, text: str, headers: dict | None = None):
    token = form_token(client.get("/import").get_data(as_text=True))
    return client.post("/import/qr", data={"csrf_token": token, "qr_text": text}, headers=headers or {})


def test_a_national_link_with_every_element_is_verified_at_once(resident, net):
    item = net.issue("p1", province="15", amount=32850)
    page = post_qr(resident, printed_qr_of(net, item))
    assert page.status_code == 200
    assert "票据真实有效" in page.get_data(as_text=True)


def test_a_code_without_the_amount_opens_the_form_filled_and_asks_for_the_amount(resident, net, wallet_app):
    item = net.issue("p1", province="44", amount=32850)
    text = printed_qr_of(net, item)
    assert "328.50" not in text
    for headers in ({}, HX):
        answer = post_qr(resident, text, headers)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 422
        assert "二维码中没有金额，请按纸质票据填写金额。" in html
        for name, value in fields_of(item).items():
            if name != "amount":
                assert re.search(rf'id="f-{name}" name="{name}" value="{value}"', html, re.I), name
        assert re.search(r'id="f-amount" name="amount" value=""[^>]*aria-invalid="true"[^>]*autofocus', html)
        assert 'data-focus="f-amount"' in html
        assert f'name="qr_text" value="{text.replace("&", "&amp;")}"' in html
    before = bill_count(wallet_app)
    token = form_token(resident.get("/import").get_data(as_text=True))
    typed = resident.post("/import/elements", data={**fields_of(item), "csrf_token": token, "qr_text": text})
    assert typed.status_code == 200 and "票据真实有效" in typed.get_data(as_text=True)
    assert bill_count(wallet_app) == before, "nothing is stored before 加入票据夹"


def test_the_amount_typed_for_a_code_without_one_must_be_the_bills(resident, net):
    item = net.issue("p1", province="44", amount=32850)
    token = form_token(resident.get("/import").get_data(as_text=True))
    wrong = fields_of(item, amount=yuan(32851))
    answer = resident.post("/import/elements", data={**wrong, "csrf_token": token, "qr_text": printed_qr_of(net, item)})
    assert answer.status_code == 422 and "不一致" in answer.get_data(as_text=True)


def test_an_edited_code_is_refused_as_forged_by_the_network(resident, net):
    item = net.issue("p1", province="44", amount=32850)
    text = printed_qr_of(net, item)
    link = urlsplit(text)
    query = {k: v[0] for k, v in parse_qs(link.query).items()}
    query["s"] = "0" * len(query["s"])
    edited = link._replace(query=urlencode(query)).geturl()
    token = form_token(resident.get("/import").get_data(as_text=True))
    answer = resident.post("/import/elements", data={**fields_of(item), "csrf_token": token, "qr_text": edited})
    assert answer.status_code == 422 and "二维码签名无效" in answer.get_data(as_text=True)


def test_the_older_h5_link_asks_for_date_and_amount(resident, net):
    item = net.issue("p1", province="35", amount=12000)
    html = post_qr(resident, printed_qr_of(net, item)).get_data(as_text=True)
    assert "二维码中没有开票日期、金额" in html and 'data-focus="f-date"' in html
    assert document_of(item)["check"] in html


def test_a_tax_invoice_and_a_payment_code_are_told_apart(resident, net):
    vat = post_qr(resident, "01,10,044031900111,12345678,1024.00,20251102,73518299281230981234,A1B2")
    assert vat.status_code == 422 and "增值税发票" in vat.get_data(as_text=True)
    pay = post_qr(resident, "wxp://f2f0Qm8Zk5vL1example")
    assert pay.status_code == 422 and "这不是财政电子票据的二维码" in pay.get_data(as_text=True)


def test_a_photo_of_a_code_without_the_amount_asks_for_it_too(resident, net):
    item = net.issue("p1", province="44", amount=32850)
    text = printed_qr_of(net, item)
    photo = photograph(bill_sheet(elements_of(item), qr_texts=(text,)), Shot(size=(2000, 1500), fill=0.85, seed=3))
    token = form_token(resident.get("/import").get_data(as_text=True))
    answer = resident.post(
        "/import/file",
        data={"csrf_token": token, "file": (io.BytesIO(photo), "bill.jpg")},
        content_type="multipart/form-data",
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "二维码中没有金额" in html
    assert f'value="{elements_of(item).number}"' in html and 'data-focus="f-amount"' in html


def scanned_pdf(item: dict, text: str) -> bytes:
    """A paper bill scanned to PDF: a picture of the bill, no signed document."""
    photo = Image.open(
        io.BytesIO(
            photograph(bill_sheet(elements_of(item), qr_texts=(text,)), Shot(size=(2000, 1500), fill=0.85, seed=4))
        )
    )
    out = io.BytesIO()
    photo.convert("RGB").save(out, "PDF", resolution=150)
    return out.getvalue()


def post_file(client, data: bytes, name: str):
    token = form_token(client.get("/import").get_data(as_text=True))
    return client.post(
        "/import/file", data={"csrf_token": token, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_a_scanned_pdf_of_a_paper_bill_is_read_for_its_qr_code(resident, net):
    complete = net.issue("p1", province="15", amount=32850)
    answer = post_file(resident, scanned_pdf(complete, printed_qr_of(net, complete)), "scan.pdf")
    assert answer.status_code == 200 and "票据真实有效" in answer.get_data(as_text=True)
    partial = net.issue("p1", province="44", amount=32850)
    asked = post_file(resident, scanned_pdf(partial, printed_qr_of(net, partial)), "scan.pdf")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 422 and "二维码中没有金额" in html and 'data-focus="f-amount"' in html


def test_a_pdf_with_neither_a_signed_document_nor_a_code_is_refused_as_before(resident, net):
    out = io.BytesIO()
    Image.new("RGB", (600, 400), "white").save(out, "PDF")
    answer = post_file(resident, out.getvalue(), "blank.pdf")
    assert answer.status_code == 422 and "没有财政电子票据的签名数据" in answer.get_data(as_text=True)
