"""Every way an import is refused says why in Chinese, answers 4xx, and stores nothing."""

from __future__ import annotations

import base64
import json

import pytest

from tests.conftest import csrf_token_of
from tests.support.network import persona
from tests.wallet.imports.bills import fields_of, layout_pdf, qr_text_of, tampered_pdf
from tests.wallet.imports.conftest import bill_count, stored_bills
from tests.wallet.imports.test_import_files import upload
from tests.wallet.imports.test_import_typed import confirm_token, post_elements

HX = {"HX-Request": "true"}


def refused(page, status: int, *phrases: str) -> str:
    html = page.get_data(as_text=True)
    assert page.status_code == status, html
    for phrase in phrases:
        assert phrase in html
    assert "加入票据夹</button>" not in html
    return html


@pytest.mark.parametrize(
    "data, filename",
    [
        (b"\xe5\xa7\x93\xe5\x90\x8d,\xe9\x87\x91\xe9\xa2\x9d\n1,2\n", "bills.csv"),
        (b"PK\x03\x04\x14\x00\x00\x00 an ofd or zip archive", "bill.ofd"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "qr.svg"),
    ],
)
def test_a_file_that_is_neither_a_photo_nor_a_pdf_is_refused(resident, net, wallet_app, data, filename):
    refused(upload(resident, data, filename), 415, "只能上传票据照片（JPEG、PNG、WebP、HEIC）或PDF版式文件")
    assert bill_count(wallet_app) == 0


def test_an_upload_above_the_size_limit_is_refused_with_413(resident, wallet_app):
    too_big = b"\xff\xd8\xff" + b"\0" * (wallet_app.config["MAX_CONTENT_LENGTH"] + 1024)
    refused(upload(resident, too_big, "huge.jpg"), 413, "文件太大，无法上传", "16 MB")
    page = upload(resident, too_big, "huge.jpg", headers=HX)
    assert page.status_code == 413 and page.get_data(as_text=True).lstrip().startswith('<div id="import-outcome"')
    assert bill_count(wallet_app) == 0


def test_a_pdf_above_the_layout_limit_is_refused_before_the_network_sees_it(resident, wallet_app):
    refused(upload(resident, b"%PDF-1.7\n" + b" " * (11 * 1024 * 1024), "big.pdf"), 413, "版式文件超过10 MB")
    assert bill_count(wallet_app) == 0


def test_a_layout_pdf_whose_attachment_was_changed_is_refused_as_tampered(resident, net, wallet_app):
    item = net.issue("p1")
    refused(
        upload(resident, tampered_pdf(layout_pdf(net, item)), "bill.pdf"),
        422,
        "未通过核验",
        "签名验证未通过，文件内容可能被修改过",
    )
    assert bill_count(wallet_app) == 0


@pytest.mark.parametrize(
    "text", ["https://weixin.qq.com/r/mp/abc123", "WIFI:S:hospital;T:WPA;P:secret;;", "6901234567892"]
)
def test_a_qr_code_that_is_not_a_bills_is_refused(resident, net, wallet_app, text):
    token = csrf_token_of(resident.get("/import").get_data(as_text=True))
    refused(resident.post("/import/qr", data={"csrf_token": token, "qr_text": text}), 422, "这不是财政电子票据的二维码")
    assert bill_count(wallet_app) == 0


def test_a_photo_of_a_qr_code_that_is_not_a_bills_is_refused(resident, wallet_app):
    from tests.wallet.scan.bill_photos import Shot, bill_sheet, photograph

    photo = photograph(bill_sheet(qr_texts=("https://example.com/menu",)), Shot())
    refused(upload(resident, photo, "menu.jpg"), 422, "这不是财政电子票据的二维码")
    assert bill_count(wallet_app) == 0


def test_a_wrong_check_code_is_refused_as_not_matching(resident, net, wallet_app):
    item = net.issue("p1")
    refused(post_elements(resident, fields_of(item, check="zz99zz")), 422, "未通过核验", "请核对校验码、开票日期和金额")
    assert bill_count(wallet_app) == 0


def test_someone_elses_bill_is_refused_with_an_explanation_and_no_personal_data(resident, net, wallet_app):
    item = net.issue("p2", amount=8800)
    html = refused(post_elements(resident, fields_of(item)), 403, "不能加入票据夹", "交款人不是您本人")
    assert "¥88.00" not in html and 'class="card verified-bill"' not in html
    assert bill_count(wallet_app) == 0


@pytest.mark.parametrize("headers", [{}, HX])
def test_someone_elses_layout_pdf_is_refused_showing_nothing_of_their_bill(resident, net, wallet_app, headers):
    item = net.issue("p2", amount=8800)
    html = refused(
        upload(resident, layout_pdf(net, item), "bill.pdf", headers=headers), 403, "不能加入票据夹", "交款人不是您本人"
    )
    outcome = html.split('id="import-outcome"')[1].split("</section>")[0]
    issuer = json.loads(base64.b64decode(item["canonical"]))["issuer"]["name"]
    other = persona("p2")
    for secret in (other.name, other.name[0] + "*", other.id_number[-4:], item["number"], "¥88.00", issuer):
        assert secret not in outcome, secret
    assert bill_count(wallet_app) == 0


def test_a_confirmation_that_was_tampered_with_adds_nothing(resident, net, wallet_app):
    item = net.issue("p1")
    html = post_elements(resident, fields_of(item)).get_data(as_text=True)
    token = confirm_token(html)
    page = resident.post("/import/confirm", data={"csrf_token": csrf_token_of(html), "token": token[:-3] + "abc"})
    refused(page, 400, "确认已过期")
    assert bill_count(wallet_app) == 0


def test_too_many_imports_in_a_minute_get_429_with_a_clear_message(resident, net, wallet_app, monkeypatch):
    monkeypatch.setitem(wallet_app.config, "IMPORT_RATE_LIMIT", "2 per minute")
    item = net.issue("p1")
    assert post_elements(resident, fields_of(item, check="aaaaaa")).status_code == 422
    assert post_elements(resident, fields_of(item, check="bbbbbb")).status_code == 422
    page = post_elements(resident, fields_of(item))
    refused(page, 429, "核验太频繁了，请稍后再导入")
    assert 1 <= int(page.headers["Retry-After"]) <= 60
    htmx = post_elements(resident, fields_of(item), headers=HX)
    assert htmx.status_code == 429 and 'id="import-outcome"' in htmx.get_data(as_text=True)
    assert bill_count(wallet_app) == 0


def test_a_bill_checked_too_often_today_is_refused_with_429(resident, net, wallet_app, monkeypatch):
    monkeypatch.setitem(wallet_app.config, "VERIFY_DAILY_LIMIT_PER_BILL", 1)
    item = net.issue("p1")
    assert post_elements(resident, fields_of(item, check="aaaaaa")).status_code == 422
    refused(post_elements(resident, fields_of(item)), 429, "这张票据今天的次数已用完")
    assert bill_count(wallet_app) == 0


def test_when_the_network_is_down_the_import_waits_and_stores_nothing(resident, net, wallet_app, base_url):
    item = net.issue("p1")
    net.faults(error_rate=1.0)
    token = csrf_token_of(resident.get("/import").get_data(as_text=True))
    page = resident.post("/import/qr", data={"csrf_token": token, "qr_text": qr_text_of(item, base_url)})
    refused(page, 503, "全国财政电子票据网络暂时无法访问")
    assert stored_bills(wallet_app) == []


def test_import_needs_login_and_an_anonymous_post_changes_nothing(client, net, wallet_app):
    token = csrf_token_of(client.get("/import").get_data(as_text=True))
    page = client.post("/import/elements", data={"csrf_token": token, **fields_of(net.issue("p1"))})
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert bill_count(wallet_app) == 0
