"""Supervision over real HTTP: the issuer API and the console refuse a locked unit and write nothing; the
unit's console lifts a lock; SMS codes reach only the outbox; the finance department registers a new UKey."""

from __future__ import annotations

import re
from datetime import date, timedelta

import requests
from sqlalchemy import func, select

from fiscal_stub.models import BillBatch, SmsMessage, StatusEvent
from fiscal_stub.models.accounts import INTERFACE
from fiscal_stub.supervision.accounts import create_officer
from fiscal_stub.supervision.demo import blank_pdf
from fiscal_stub.supervision.ukey_device import UKeyDevice
from tests.fiscal_stub.conftest import ISSUER_TOKEN, SUPERVISION_START, WURINA
from tests.fiscal_stub.supervision.conftest import HOSPITAL, PASSWORD, beijing
from tests.fiscal_stub.test_console import console, csrf, csrf_in

TODAY = SUPERVISION_START.date()  # 2026-03-10 in Beijing too (10:00)


def order(unit, **fields):
    return {
        "type": "medical_outpatient",
        "payer_name": WURINA[1],
        "payer_id_number": WURINA[0],
        "amount": 25630,
        "unit_code": unit.code,
        **fields,
    }


def counts(sv) -> tuple[int, int, int]:
    sv.session.rollback()
    rows = [sv.session.execute(select(func.count()).select_from(t)).scalar_one() for t in (StatusEvent, BillBatch)]
    return (sv.bill_count(), *rows)


def test_issuer_api_refuses_a_locked_unit_with_the_reason_and_writes_nothing(sv, clock):
    hospital = sv.unit(HOSPITAL)
    bill = sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN).json()["bill"]
    sv.only_certificate(hospital, date(2021, 3, 10), TODAY)  # expires today
    before = counts(sv)
    refused = sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN)
    assert refused.status_code == 403
    body = refused.json()
    assert body["ok"] is False and body["code"] == "issuing_locked"
    assert body["message"].startswith("内蒙古自治区人民医院暂不能开票：") and "到期即锁定" in body["message"]
    assert [r["code"] for r in body["reasons"]] == ["certificate_expired"]
    assert "上传换发后的新证书" in body["reasons"][0]["remedy"]
    for action in ("red-reverse", "exchange"):
        again = sv.api.post(f"/issuer/bills/{bill['code']}/{bill['number']}/{action}", {}, token=ISSUER_TOKEN)
        assert (again.status_code, again.json()["code"]) == (403, "issuing_locked")
    assert counts(sv) == before
    assert sv.api.fetch(bill)["status"]["issuance"] == "normal", "a lock never hides or changes issued bills"

    clock.set(beijing(2026, 3, 9, 23, 59))
    assert sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN).status_code == 201


def test_interface_units_apply_for_numbers_over_the_api_then_issue_from_them(sv, clock):
    hospital = sv.unit(HOSPITAL)
    sv.account(hospital, INTERFACE)
    none = sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN)
    assert (none.status_code, none.json()["code"]) == (409, "no_numbers")
    too_many = sv.api.post(
        "/issuer/batches", {"unit_code": hospital.code, "type": "medical_outpatient", "count": 101}, token=ISSUER_TOKEN
    )
    assert (too_many.status_code, too_many.json()["code"]) == (422, "batch_over_limit")
    granted = sv.api.post(
        "/issuer/batches", {"unit_code": hospital.code, "type": "medical_outpatient", "count": 20}, token=ISSUER_TOKEN
    )
    assert granted.status_code == 201
    batch = granted.json()["batch"]
    issued = sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN).json()["bill"]
    assert (issued["code"], issued["number"]) == (batch["code"], batch["first_number"])
    wrong = sv.api.post(
        "/issuer/batches", {"unit_code": hospital.code, "type": "court_fee", "count": 1}, token=ISSUER_TOKEN
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "type_not_issued_by_unit")


def test_the_operator_console_shows_a_lock_banner_and_issues_nothing(sv, clock):
    hospital = sv.unit(HOSPITAL)
    sv.only_certificate(hospital, date(2021, 3, 10), TODAY)
    browser = console(sv.api)
    home = f"{sv.api.base}/fiscal/console/"
    before = counts(sv)
    form = {
        "csrf_token": csrf(browser, home),
        "type": "medical_outpatient",
        "payer_name": WURINA[1],
        "payer_id_number": WURINA[0],
        "amount": "12.00",
        "unit_code": hospital.code,
    }
    refused = browser.post(f"{sv.api.base}/fiscal/console/bills", data=form, timeout=30)
    assert refused.status_code == 403
    assert 'class="lock-banner"' in refused.text and "内蒙古自治区人民医院暂不能开票" in refused.text
    assert "如何解除" in refused.text and "上传换发后的新证书" in refused.text
    assert counts(sv) == before


def unit_console(sv, unit, password=PASSWORD) -> requests.Session:
    browser = requests.Session()
    login = f"{sv.api.base}/fiscal/console/unit/login"
    page = browser.get(login, timeout=30)
    response = browser.post(
        login, data={"csrf_token": csrf_in(page.text), "unit_code": unit.code, "password": password}, timeout=30
    )
    assert response.status_code == 200 and unit.name in response.text, response.text[:500]
    return browser


def upload(browser, sv, fields, pdf=None, csrf_token=None):
    home = f"{sv.api.base}/fiscal/console/unit/"
    data = {"csrf_token": csrf_token or csrf(browser, home), **fields}
    files = {"file": ("证书.pdf", blank_pdf() if pdf is None else pdf, "application/pdf")}
    return browser.post(f"{home}certificates", data=data, files=files, timeout=30, allow_redirects=False)


def test_a_unit_sees_its_lock_and_lifts_it_by_uploading_the_renewed_certificate(sv, clock):
    hospital = sv.unit(HOSPITAL)
    sv.account(hospital)
    sv.only_certificate(hospital, date(2021, 3, 10), TODAY)
    browser = unit_console(sv, hospital)
    home = browser.get(f"{sv.api.base}/fiscal/console/unit/", timeout=30)
    assert 'id="lock-banner"' in home.text and "2026年3月10日到期" in home.text

    renewed = {
        "kind": "public_institution",
        "credit_code": hospital.code,
        "number": "事证第1150001号",
        "valid_from": "2026-03-01",
        "expires_on": "2031-02-28",
    }
    assert upload(browser, sv, renewed, csrf_token="forged").status_code == 400
    fake = upload(browser, sv, renewed, pdf=b"<html>not a pdf</html>")
    assert fake.status_code == 422 and "不是 PDF" in fake.text and 'id="lock-banner"' in fake.text
    mismatch = upload(browser, sv, {**renewed, "kind": "uscc"})
    assert mismatch.status_code == 422 and "应上传《事业单位法人登记证》" in mismatch.text
    assert sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN).status_code == 403

    saved = upload(browser, sv, renewed)
    assert saved.status_code == 303
    after = browser.get(f"{sv.api.base}{saved.headers['Location']}", timeout=30)
    assert "证书到期锁定已解除" in after.text and 'id="lock-banner"' not in after.text
    assert sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN).status_code == 201
    link = re.search(r'href="(/fiscal/console/unit/certificates/[0-9]+\.pdf)"', after.text)
    assert link, "the uploaded certificate can be downloaded again"
    pdf = browser.get(f"{sv.api.base}{link.group(1)}", timeout=30)
    assert pdf.content == blank_pdf()


def test_the_unit_console_reminds_thirty_days_before(sv, clock):
    hospital = sv.unit(HOSPITAL)
    sv.account(hospital)
    sv.only_certificate(hospital, date(2021, 4, 1), date(2026, 4, 1))
    browser = unit_console(sv, hospital)
    page = browser.get(f"{sv.api.base}/fiscal/console/unit/", timeout=30).text
    assert 'id="certificate-reminder"' in page and "还有 22 天" in page and 'id="lock-banner"' not in page


def test_password_reset_code_goes_only_to_the_outbox_and_works_once(sv, clock):
    hospital = sv.unit(HOSPITAL)
    sv.account(hospital)
    browser = requests.Session()
    start = f"{sv.api.base}/fiscal/console/unit/recover/password"
    unknown = browser.post(
        start, data={"csrf_token": csrf(browser, start), "unit_code": "12150102000000000X"}, timeout=30
    )
    assert unknown.status_code == 404 and "没有这个单位账号" in unknown.text
    sent = browser.post(start, data={"csrf_token": csrf(browser, start), "unit_code": hospital.code}, timeout=30)
    assert sent.status_code == 200 and "138****0999" in sent.text
    outbox = requests.get(f"{sv.api.base}/fiscal/console/dev/sms", timeout=30).text
    code = re.search(r"验证码 ([0-9]{6})", outbox).group(1)
    assert code not in sent.text and code not in str(sent.headers) and code not in str(sent.history[0].headers)
    verify = sent.url
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    form = {"password": "Fresh-pass-77", "password_again": "Fresh-pass-77"}
    refused = browser.post(verify, data={"csrf_token": csrf_in(sent.text), "code": wrong, **form}, timeout=30)
    assert refused.status_code == 400 and "还可以再试 4 次" in refused.text
    done = browser.post(verify, data={"csrf_token": csrf_in(refused.text), "code": code, **form}, timeout=30)
    assert done.status_code == 200 and done.url.endswith("/unit/login") and "密码已重置" in done.text
    again = browser.post(verify, data={"csrf_token": csrf_in(done.text), "code": code, **form}, timeout=30)
    assert again.status_code == 400
    unit_console(sv, hospital, "Fresh-pass-77")


def test_the_sms_outbox_exists_only_in_development(sv, clock):
    sv.app.config["APP_ENV"] = "production"
    try:
        assert requests.get(f"{sv.api.base}/fiscal/console/dev/sms", timeout=30).status_code == 404
    finally:
        sv.app.config["APP_ENV"] = "test"


def officer_console(sv, username: str = "czt") -> requests.Session:
    create_officer(sv.session, username, "票据监管处", "Officer-2026", beijing(2026, 1, 1))
    browser = requests.Session()
    login = f"{sv.api.base}/fiscal/console/finance/login"
    token = csrf(browser, login)
    wrong = browser.post(login, data={"csrf_token": token, "username": username, "password": "nope"}, timeout=30)
    assert wrong.status_code == 401
    page = browser.post(
        login, data={"csrf_token": csrf_in(wrong.text), "username": username, "password": "Officer-2026"}, timeout=30
    )
    assert page.status_code == 200 and "用票单位监管" in page.text
    return browser


def test_a_lost_ukey_locks_until_the_unit_signs_in_with_the_key_the_finance_department_registered(sv, clock):
    hospital = sv.unit(HOSPITAL)
    sv.account(hospital)
    browser = requests.Session()
    start = f"{sv.api.base}/fiscal/console/unit/recover/ukey-loss"
    sent = browser.post(start, data={"csrf_token": csrf(browser, start), "unit_code": hospital.code}, timeout=30)
    sv.session.rollback()
    text = sv.session.execute(select(SmsMessage.text).order_by(SmsMessage.id.desc()).limit(1)).scalar_one()
    code = re.search(r"验证码 ([0-9]{6})", text).group(1)
    reported = browser.post(sent.url, data={"csrf_token": csrf_in(sent.text), "code": code}, timeout=30)
    assert reported.url.endswith("/unit/login") and "UKey 已挂失" in reported.text
    refused = sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN)
    assert [r["code"] for r in refused.json()["reasons"]] == ["ukey_lost"]

    finance = officer_console(sv)
    listed = finance.get(f"{sv.api.base}/fiscal/console/finance/", timeout=30).text
    assert "UKey 已于" in listed
    unit_page = f"{sv.api.base}/fiscal/console/finance/units/{hospital.code}"
    bad = finance.post(
        f"{unit_page}/ukeys", data={"csrf_token": csrf(finance, unit_page), "public_key": "abc"}, timeout=30
    )
    assert bad.status_code == 422 and "公钥格式不正确" in bad.text
    device = UKeyDevice.new()
    registered = finance.post(
        f"{unit_page}/ukeys",
        data={"csrf_token": csrf(finance, unit_page), "public_key": device.public_pem()},
        timeout=30,
    )
    assert registered.status_code == 200 and "已为内蒙古自治区人民医院登记新 UKey" in registered.text
    serial = re.search(r"新 UKey (UK[0-9A-F]{12})", registered.text).group(1)

    unit = unit_console(sv, hospital)
    home = unit.get(f"{sv.api.base}/fiscal/console/unit/", timeout=30).text
    assert 'data-reason="ukey_lost"' in home
    challenge = re.search(r'name="challenge" value="([^"]+)"', home).group(1)
    signed = unit.post(
        f"{sv.api.base}/fiscal/console/unit/ukey/login",
        data={
            "csrf_token": csrf_in(home),
            "challenge": challenge,
            "serial": serial,
            "signature": device.sign(hospital.code, challenge),
        },
        timeout=30,
    )
    assert signed.status_code == 200 and f"已使用 UKey {serial} 登录" in signed.text
    assert 'id="lock-banner"' not in signed.text
    assert sv.api.post("/issuer/bills", order(hospital), token=ISSUER_TOKEN).status_code == 201
    trail = finance.get(unit_page, timeout=30).text
    for action in ("短信验证挂失UKey", "登记新UKey", "使用UKey登录"):
        assert action in trail
    assert re.search(r"财政部门 <span[^>]*>czt</span>", trail)


def test_the_finance_department_lists_certificate_reminders(sv, clock):
    soon, locked = sv.unit(HOSPITAL), sv.unit("内蒙古自治区慈善总会")
    sv.only_certificate(soon, date(2021, 3, 15), TODAY + timedelta(days=5))
    sv.only_certificate(locked, date(2021, 3, 1), TODAY - timedelta(days=1))
    page = officer_console(sv).get(f"{sv.api.base}/fiscal/console/finance/", timeout=30).text
    reminders = page[page.index('id="reminder-list"') :]
    assert "7天内到期（还有 5 天）" in reminders and "已到期，已锁定" in reminders
    assert reminders.index("内蒙古自治区慈善总会") < reminders.index("内蒙古自治区人民医院")


def test_unit_and_finance_areas_need_their_own_login(sv, clock):
    for path in ("/fiscal/console/unit/", "/fiscal/console/finance/"):
        response = requests.get(f"{sv.api.base}{path}", timeout=30)
        assert "/login?next=" in response.url
    operator = console(sv.api)
    assert "/login" in operator.get(f"{sv.api.base}/fiscal/console/finance/", timeout=30).url
