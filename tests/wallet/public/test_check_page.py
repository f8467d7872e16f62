"""The public status page: a bill's QR (or typed five elements) → genuine or not and its status, nothing personal."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from common.timeutil import SHANGHAI
from tests.conftest import csrf_token_of
from tests.support.network import persona
from tests.wallet.auth.flows import accept_terms, back_from_stub
from tests.wallet.imports.bills import document_of, exchange, fields_of, qr_text_of
from tests.wallet.imports.conftest import bill_count

HX = {"HX-Request": "true"}


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def post_check(client, fields: dict[str, str], headers: dict[str, str] | None = None):
    token = csrf_token_of(client.get("/check").get_data(as_text=True))
    return client.post("/check", data={"csrf_token": token, **fields}, headers=headers or {})


def test_scanning_a_bills_qr_with_any_phone_camera_lands_on_its_status(client, net, base_url):
    item = net.issue("p1", type_key="medical_outpatient", amount=25630)
    url = qr_text_of(item, base_url)
    assert url.startswith(f"{base_url}/check?code=")
    page = client.get(local(url))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    doc = document_of(item)
    for shown in (
        "票据真实有效",
        "可报销",
        "医疗门诊收费票据",
        doc["issuer"]["name"],
        "¥256.30",
        doc["issued_at"][:10],
        "该票据已被查验 1 次，今日第 1 次（每张票据每天最多查验 5 次）",
    ):
        assert shown in html
    assert "登录后导入" in html


def test_the_status_page_shows_nothing_personal(client, net, base_url):
    item = net.issue("p1")
    html = client.get(local(qr_text_of(item, base_url))).get_data(as_text=True)
    p1 = persona("p1")
    doc = document_of(item)
    for private in (
        p1.name,
        p1.name[0] + "*",
        p1.id_number,
        p1.id_number[-4:],
        "交款人：",
        *(i["name"] for i in doc["items"]),
    ):
        assert private not in html
    if doc.get("medical"):
        medical = doc["medical"]
        visit = medical["outpatient_number"] or medical["inpatient_number"]
        for private in (visit, medical["record_number"], medical["department"], doc["serial"]):
            assert private not in html


def test_typed_five_elements_are_checked_and_the_status_is_live(client, net):
    item = exchange(net, net.issue("p1"))
    html = post_check(client, fields_of(item)).get_data(as_text=True)
    assert "票据真实有效" in html and "已换开纸质" in html and "不能用于报销" in html


def test_a_wrong_check_code_is_not_authentic(client, net):
    page = post_check(client, fields_of(net.issue("p1"), check="0zz0zz"))
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "未通过查验" in html and "请核对校验码" in html
    assert "票据真实有效" not in html


def test_an_unknown_bill_is_not_authentic(client, net):
    page = post_check(client, fields_of(net.issue("p1"), number="0000099999"))
    assert page.status_code == 422 and "全国财政电子票据网络中没有这张票据" in page.get_data(as_text=True)


def test_badly_formed_elements_in_a_url_are_explained_per_field(client, net):
    page = client.get("/check?code=1506&number=0000000001&check=abc&date=20260101&amount=5")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "票据代码应为8位数字。" in html and "校验码应为6位字母或数字。" in html and "金额应以元为单位" in html
    assert 'id="f-code" name="code" value="1506"' in html


def test_the_empty_page_is_a_form_and_costs_no_check(client, wallet_app, monkeypatch):
    monkeypatch.setitem(wallet_app.config, "CHECK_RATE_LIMIT", "1 per minute")
    for _ in range(3):
        page = client.get("/check")
        assert page.status_code == 200 and "输入五要素" in page.get_data(as_text=True)


def test_one_client_checking_too_often_gets_429_with_a_clear_message(client, net, wallet_app, monkeypatch):
    monkeypatch.setitem(wallet_app.config, "CHECK_RATE_LIMIT", "3 per minute")
    items = [net.issue("p1") for _ in range(4)]
    assert [post_check(client, fields_of(i)).status_code for i in items[:3]] == [200, 200, 200]
    page = post_check(client, fields_of(items[3]))
    html = page.get_data(as_text=True)
    assert page.status_code == 429 and "查验太频繁了" in html and "票据真实有效" not in html
    assert int(page.headers["Retry-After"]) >= 1
    assert client.get(local(qr_text_of(items[3], "http://x"))).status_code == 429
    htmx = post_check(client, fields_of(items[3]), headers=HX)
    assert htmx.status_code == 429 and 'id="check-outcome"' in htmx.get_data(as_text=True)


def test_one_bill_checked_too_often_today_gets_429_from_any_client(net, wallet_app, monkeypatch):
    monkeypatch.setitem(wallet_app.config, "VERIFY_DAILY_LIMIT_PER_BILL", 2)
    item = net.issue("p1")
    clients = [wallet_app.test_client() for _ in range(3)]
    answers = [post_check(c, fields_of(item)) for c in clients]
    assert [a.status_code for a in answers] == [200, 200, 429]
    tomorrow = datetime.now(SHANGHAI).date() + timedelta(days=1)
    assert (
        f"每张票据每天最多查验 2 次，这张票据今天的次数已用完，{tomorrow:%Y-%m-%d} 00:00（北京时间）起可再查验。"
        in answers[2].get_data(as_text=True)
    )


def test_the_national_platforms_limit_of_five_checks_a_day_is_the_default(net, wallet_app):
    assert wallet_app.config["VERIFY_DAILY_LIMIT_PER_BILL"] == 5
    item = net.issue("p1")
    answers = [post_check(wallet_app.test_client(), fields_of(item)) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert "该票据已被查验 5 次，今日第 5 次" in answers[4].get_data(as_text=True)


def test_htmx_gets_only_the_result(client, net):
    page = post_check(client, fields_of(net.issue("p1")), headers=HX)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.lstrip().startswith('<div id="check-outcome"') and "<html" not in html


def test_a_visitor_follows_the_import_link_through_login_to_the_add_button(
    client, seeded_idp, net, wallet_app, base_url
):
    item = net.issue("p1")
    html = client.get(local(qr_text_of(item, base_url))).get_data(as_text=True)
    link = html.split('class="button block" href="')[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("/import/elements?code=") and "登录后导入" in html
    asked = client.get(link)
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/login?next=/import/elements")
    back = back_from_stub(client, asked.headers["Location"], persona="p1")
    if back.headers["Location"].endswith("/activate"):
        back = accept_terms(client)
    assert back.headers["Location"] == link
    answer = client.get(back.headers["Location"])
    assert answer.status_code == 200 and "加入票据夹</button>" in answer.get_data(as_text=True)
    assert bill_count(wallet_app) == 0


def test_a_logged_in_resident_sees_an_import_button_on_the_status_page(resident, net, base_url):
    html = resident.get(local(qr_text_of(net.issue("p1"), base_url))).get_data(as_text=True)
    assert "导入我的票据夹" in html and "登录后导入" not in html
