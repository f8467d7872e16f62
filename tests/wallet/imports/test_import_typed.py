"""Typing a bill's five elements: inline checks of each field, the result screen, and adding the bill."""

from __future__ import annotations

import re

from tests.conftest import csrf_token_of
from tests.wallet.imports.bills import fields_of
from tests.wallet.imports.conftest import stored_bills

HX = {"HX-Request": "true"}


def post_elements(client, fields: dict[str, str], headers: dict[str, str] | None = None):
    token = csrf_token_of(client.get("/import").get_data(as_text=True))
    return client.post("/import/elements", data={"csrf_token": token, **fields}, headers=headers or {})


def confirm_token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "the result screen offers no 加入票据夹"
    return match.group(1)


def test_the_import_page_offers_four_ways_in_to_a_resident(resident):
    html = resident.get("/import").get_data(as_text=True)
    for heading in ("扫描二维码", "上传票据照片", "上传版式文件（PDF）", "输入五要素"):
        assert heading in html
    assert "data-qr-scanner" in html and 'name="qr_text"' in html
    # jsQR is fetched by the scanner when a scan starts, not with the page.
    assert "vendor/jsqr/jsQR.js" not in html and 'type="module" src="/static/js/scanner.js"' in html
    assert 'hx-indicator="#photo-busy"' in html and "data-upload-progress" in html


def test_without_login_the_import_page_asks_to_log_in_and_loads_no_scanner(client):
    html = client.get("/import").get_data(as_text=True)
    assert "使用蒙速办实名登录" in html and "/login?next=/import" in html
    assert "scanner.js" not in html and "jsQR" not in html


def test_typed_elements_show_the_verified_bill_then_add_it_once(resident, net, wallet_app):
    item = net.issue("p1", amount=32850)
    page = post_elements(resident, fields_of(item, check=fields_of(item)["check"].upper()))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "票据真实有效" in html and "¥328.50" in html and "可报销" in html and "加入票据夹" in html
    assert stored_bills(wallet_app) == []

    added = resident.post("/import/confirm", data={"csrf_token": csrf_token_of(html), "token": confirm_token(html)})
    assert added.status_code == 303
    [bill] = stored_bills(wallet_app)
    assert (bill.code, bill.number, bill.source, bill.total) == (item["code"], item["number"], "imported", 32850)
    assert added.headers["Location"] == f"/bills/{bill.id}"
    assert "已加入票据夹" in resident.get(added.headers["Location"]).get_data(as_text=True)


def test_a_bill_already_in_the_wallet_is_not_added_twice(resident, net, wallet_app):
    item = net.issue("p1")
    first = post_elements(resident, fields_of(item)).get_data(as_text=True)
    resident.post("/import/confirm", data={"csrf_token": csrf_token_of(first), "token": confirm_token(first)})
    [bill] = stored_bills(wallet_app)

    again = post_elements(resident, fields_of(item)).get_data(as_text=True)
    assert "这张票据已在您的票据夹中" in again and f'href="/bills/{bill.id}"' in again
    assert 'name="token"' not in again
    replay = resident.post("/import/confirm", data={"csrf_token": csrf_token_of(first), "token": confirm_token(first)})
    assert replay.status_code == 303 and replay.headers["Location"] == f"/bills/{bill.id}"
    assert "没有重复添加" in resident.get(replay.headers["Location"]).get_data(as_text=True)
    assert [b.id for b in stored_bills(wallet_app)] == [bill.id]


def test_each_badly_typed_field_gets_its_message_and_nothing_is_asked_or_stored(resident, net, wallet_app):
    page = post_elements(
        resident, {"code": "1506012", "number": "12345", "check": "a1b2c3", "date": "2026/03/05", "amount": "12"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "票据代码应为8位数字。" in html and "票据号码应为10位数字。" in html
    assert "开票日期应写成20260315或2026-03-15的形式。" in html and "金额应以元为单位并保留两位小数，如328.50。" in html
    assert re.search(r'id="f-code" name="code" value="1506012"[^>]*aria-invalid="true"', html)
    assert not re.search(r'id="f-check"[^>]*aria-invalid', html)
    assert stored_bills(wallet_app) == []


def test_htmx_gets_the_result_region_and_the_fields_out_of_band(resident, net):
    item = net.issue("p1")
    ok = post_elements(resident, fields_of(item), headers=HX)
    html = ok.get_data(as_text=True)
    assert ok.status_code == 200 and 'id="import-outcome"' in html and "<html" not in html
    assert "hx-swap-oob" not in html
    bad = post_elements(resident, fields_of(item, amount="abc"), headers=HX)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'id="five-fields" class="five-fields" hx-swap-oob="true"' in html
    assert "金额应以元为单位" in html


def test_confirming_with_htmx_redirects_the_page_to_the_bill(resident, net, wallet_app):
    item = net.issue("p1")
    html = post_elements(resident, fields_of(item), headers=HX).get_data(as_text=True)
    token = csrf_token_of(resident.get("/import").get_data(as_text=True))
    done = resident.post("/import/confirm", data={"csrf_token": token, "token": confirm_token(html)}, headers=HX)
    [bill] = stored_bills(wallet_app)
    assert done.status_code == 200 and done.headers["HX-Redirect"] == f"/bills/{bill.id}"


def test_one_field_is_checked_on_its_own_while_typing(client):
    token = csrf_token_of(client.get("/check").get_data(as_text=True))

    def check(field: str, value: str) -> str:
        others = {"code": "1", "number": "2", "check": "", "date": "", "amount": "x"}
        answer = client.post("/check/field", data={"csrf_token": token, **others, "field": field, field: value})
        assert answer.status_code == 200
        return answer.get_data(as_text=True)

    assert check("code", "1506012") == "票据代码应为8位数字。"
    assert check("code", "16060126") == "票据代码前两位应为省份代码（如内蒙古为15），请核对。"
    assert check("code", "１５０６０１２６") == ""
    assert check("number", "0000000001") == ""
    assert check("date", "20260230") == "开票日期不存在，请核对月份和日期。"
    assert check("amount", "-25.60") == ""
    assert check("amount", "0.00") == "金额不能为0.00元，请按票据上的金额填写。"
    assert check("check", "") == ""
    assert check("nonsense", "x") == ""


def test_a_link_with_the_five_elements_verifies_after_login(resident, net):
    item = net.issue("p1")
    query = "&".join(f"{k}={v}" for k, v in fields_of(item).items())
    html = resident.get(f"/import/elements?{query}").get_data(as_text=True)
    assert "票据真实有效" in html and "加入票据夹" in html
    assert resident.get("/import/elements").headers["Location"] == "/import"
