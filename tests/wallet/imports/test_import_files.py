"""Importing from what a resident uploads or scans: phone photos of the paper bill, the layout PDF, QR text."""

from __future__ import annotations

import io

import pytest

from tests.conftest import csrf_token_of
from tests.wallet.imports.bills import elements_of, layout_pdf, qr_text_of
from tests.wallet.imports.conftest import stored_bills
from tests.wallet.imports.test_import_typed import confirm_token
from tests.wallet.scan.bill_photos import Shot, bill_sheet, photograph

PHOTOS = [
    pytest.param(Shot(size=(4000, 3000), rotate=28, tilt=0.06, quality=40), id="12mp-rotated-28-q40"),
    pytest.param(Shot(size=(3000, 4000), rotate=-17, blur=1.2, exif_orientation=6), id="12mp-portrait-blurred"),
    pytest.param(Shot(size=(1600, 1200), tilt=0.1, format="PNG"), id="png-perspective"),
    pytest.param(Shot(size=(1600, 1200), rotate=9, format="WEBP", quality=70), id="webp"),
    pytest.param(Shot(size=(1600, 1200), rotate=-5, format="HEIF", quality=60), id="heic"),
]


def upload(client, data: bytes, filename: str, headers: dict[str, str] | None = None):
    token = csrf_token_of(client.get("/import").get_data(as_text=True))
    return client.post(
        "/import/file",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        headers=headers or {},
    )


def add(client, html: str):
    return client.post("/import/confirm", data={"csrf_token": csrf_token_of(html), "token": confirm_token(html)})


@pytest.mark.parametrize("shot", PHOTOS)
def test_a_phone_photo_of_the_paper_bill_imports_it(resident, net, wallet_app, shot):
    item = net.issue("p1", amount=45600)
    photo = photograph(bill_sheet(elements_of(item), seed=3), shot)
    page = upload(resident, photo, "IMG_2031.jpg")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "票据真实有效" in html and "¥456.00" in html
    assert add(resident, html).status_code == 303
    [bill] = stored_bills(wallet_app)
    assert (bill.code, bill.number, bill.source) == (item["code"], item["number"], "imported")


def test_the_layout_pdf_from_the_issuer_imports_the_bill(resident, net, wallet_app):
    item = net.issue("p1", type_key="medical_inpatient", amount=1288000)
    page = upload(resident, layout_pdf(net, item), f"{item['code']}-{item['number']}.pdf")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "¥12,880.00" in html and "医疗住院收费票据" in html
    add(resident, html)
    [bill] = stored_bills(wallet_app)
    assert (bill.code, bill.number, bill.type_key) == (item["code"], item["number"], "medical_inpatient")


def test_a_pdf_dropped_on_the_photo_form_is_read_as_a_layout_file_by_its_bytes(resident, net):
    item = net.issue("p1")
    html = upload(resident, layout_pdf(net, item), "photo.jpg").get_data(as_text=True)
    assert "票据真实有效" in html


def test_the_scanned_qr_text_imports_the_bill(resident, net, wallet_app, base_url):
    item = net.issue("p1")
    token = csrf_token_of(resident.get("/import").get_data(as_text=True))
    page = resident.post("/import/qr", data={"csrf_token": token, "qr_text": qr_text_of(item, base_url)})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "票据真实有效" in html
    add(resident, html)
    assert len(stored_bills(wallet_app)) == 1


def test_an_upload_answered_with_htmx_is_the_result_region_only(resident, net):
    item = net.issue("p1")
    page = upload(resident, layout_pdf(net, item), "bill.pdf", headers={"HX-Request": "true"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.lstrip().startswith('<div id="import-outcome"')
