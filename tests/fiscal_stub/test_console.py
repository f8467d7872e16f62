"""The issuer console: an issuing unit logs in, issues a bill to a resident, red-reverses or exchanges it."""

from __future__ import annotations

import re

import requests

from tests.fiscal_stub.conftest import ISSUER_TOKEN, WURINA

HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def console(network) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{network.base}/fiscal/console/login", timeout=30)
    response = browser.post(
        f"{network.base}/fiscal/console/login",
        data={"csrf_token": csrf_in(page.text), "token": ISSUER_TOKEN},
        timeout=30,
    )
    assert response.status_code == 200 and "开具财政电子票据" in response.text
    return browser


def csrf_in(page: str) -> str:
    match = HIDDEN_CSRF.search(page)
    assert match, page
    return match.group(1)


def csrf(browser: requests.Session, url: str) -> str:
    return csrf_in(browser.get(url, timeout=30).text)


def test_console_needs_login_and_refuses_a_wrong_token(network):
    anonymous = requests.get(f"{network.base}/fiscal/console/", timeout=30)
    assert anonymous.url.endswith("/fiscal/console/login?next=/console/")
    browser = requests.Session()
    token = csrf(browser, f"{network.base}/fiscal/console/login")
    wrong = browser.post(
        f"{network.base}/fiscal/console/login", data={"csrf_token": token, "token": "guess"}, timeout=30
    )
    assert wrong.status_code == 401 and "开票口令不正确" in wrong.text


def test_issue_form_without_csrf_is_refused(network):
    browser = console(network)
    response = browser.post(f"{network.base}/fiscal/console/bills", data={"type": "donation"}, timeout=30)
    assert response.status_code == 400


def test_bad_issue_form_shows_what_to_fix_and_issues_nothing(network):
    browser = console(network)
    home = f"{network.base}/fiscal/console/"
    response = browser.post(
        f"{network.base}/fiscal/console/bills",
        timeout=30,
        data={
            "csrf_token": csrf(browser, home),
            "type": "medical_outpatient",
            "payer_name": "乌日娜",
            "payer_id_number": "110105194912310021",
            "amount": "-3",
        },
    )
    assert response.status_code == 422 and "请填写大于0的金额" in response.text
    checksum = browser.post(
        f"{network.base}/fiscal/console/bills",
        timeout=30,
        data={
            "csrf_token": csrf(browser, home),
            "type": "medical_outpatient",
            "payer_name": "乌日娜",
            "payer_id_number": "110105194912310021",
            "amount": "3",
        },
    )
    assert checksum.status_code == 422, "the check character is the rule table's (交款人证件号码校验)"
    assert "交款人证件号码校验不通过" in checksum.text and "身份证号码校验位不正确" in checksum.text
    control = browser.post(
        f"{network.base}/fiscal/console/bills",
        timeout=30,
        data={
            "csrf_token": csrf(browser, home),
            "type": "donation",
            "payer_name": "乌日\x00娜",
            "payer_id_number": "１５０１０２１９８６０３１４１１０Ｘ",
            "amount": "10",
            "unit_code": "../x",
        },
    )
    assert control.status_code == 422 and "请从列表中选择开票单位" in control.text
    assert "身份证号码只能包含数字和X" in control.text and "请填写交款人姓名" in control.text
    assert network.post("/payer-bills", {"id_number": WURINA[0]}).json()["bills"] == []


def test_issue_then_exchange_through_the_console(network):
    browser = console(network)
    home = f"{network.base}/fiscal/console/"
    issued = browser.post(
        f"{network.base}/fiscal/console/bills",
        timeout=30,
        data={
            "csrf_token": csrf(browser, home),
            "type": "medical_outpatient",
            "payer_name": WURINA[1],
            "payer_id_number": WURINA[0],
            "amount": "256.30",
            "remark": "复诊",
        },
    )
    assert issued.status_code == 200 and "已开具票据" in issued.text
    bill = network.post("/payer-bills", {"id_number": WURINA[0]}).json()["bills"][0]
    page = issued.url
    exchanged = browser.post(f"{page}/exchange", data={"csrf_token": csrf(browser, page)}, timeout=30)
    assert "已换开为纸质票据" in exchanged.text
    assert network.fetch(bill)["status"]["issuance"] == "exchanged"
    pdf = browser.get(f"{page}.pdf", timeout=30)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_refused_red_reversal_explains_why(network):
    bill = network.issue()
    network.lock(bill, "UNIT-A")
    browser = console(network)
    page = f"{network.base}/fiscal/console/bills/{bill['code']}/{bill['number']}"
    refused = browser.post(f"{page}/red-reverse", data={"csrf_token": csrf(browser, page)}, timeout=30)
    assert refused.status_code == 409 and "锁定报销中，不能冲红或换开" in refused.text
