"""The stub's own pages: phone + SMS code (shown on screen), the persona list, consent once."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from tests.identity_stub.client import Relying
from tests.identity_stub.pages import CSRF, NEXT, SMS_CODE, field, redirect_target, through_stub

PHONE = "13804720458"  # 王建国


@pytest.fixture
def login_page(rp) -> tuple[requests.Session, str]:
    http = requests.Session()
    page = http.get(rp.authorize_url())
    assert page.url.startswith(f"{rp.base}/idp/login?next=") and "手机号验证码登录" in page.text
    return http, page.text


def send_code(http: requests.Session, rp: Relying, page: str, phone: str) -> requests.Response:
    return http.post(
        f"{rp.base}/idp/login/sms-code",
        data={"csrf_token": field(CSRF, page), "next": field(NEXT, page), "phone": phone},
    )


def enter_code(http: requests.Session, rp: Relying, page: str, phone: str, code: str) -> requests.Response:
    return http.post(
        f"{rp.base}/idp/login/sms",
        allow_redirects=False,
        data={"csrf_token": field(CSRF, page), "next": field(NEXT, page), "phone": phone, "code": code},
    )


def test_sms_code_is_shown_on_screen_and_logs_the_person_in(rp, login_page):
    http, page = login_page
    sent = send_code(http, rp, page, PHONE)
    assert sent.status_code == 200 and "模拟短信" in sent.text
    code = field(SMS_CODE, sent.text)
    arrived = enter_code(http, rp, sent.text, PHONE, code)
    assert arrived.status_code == 303 and "/idp/authorize?" in arrived.headers["Location"]
    consent = http.get(redirect_target(arrived))
    assert "授权登录" in consent.text and "王*国" in consent.text
    for label in ("姓名", "身份证号码", "手机号码", "出生日期"):
        assert label in consent.text


def test_wrong_code_says_how_many_tries_remain_and_five_end_the_code(rp, login_page):
    http, page = login_page
    sent = send_code(http, rp, page, PHONE)
    right = field(SMS_CODE, sent.text)
    wrong = "000000" if right != "000000" else "111111"
    answer = enter_code(http, rp, sent.text, PHONE, wrong)
    assert answer.status_code == 400 and "验证码不正确，还可再试4次" in answer.text
    for _ in range(4):
        answer = enter_code(http, rp, sent.text, PHONE, wrong)
    assert "验证码错误次数过多，请重新获取" in answer.text
    late = enter_code(http, rp, sent.text, PHONE, right)
    assert late.status_code == 400 and "验证码已失效" in late.text


@pytest.mark.parametrize(
    ("phone", "words"),
    [
        ("13000000000", "尚未在蒙速办实名注册"),
        ("1380472", "请输入11位手机号码"),
    ],
)
def test_unusable_phone_number_is_explained(rp, login_page, phone, words):
    http, page = login_page
    answer = send_code(http, rp, page, phone)
    assert answer.status_code == 400 and words in answer.text and "模拟短信" not in answer.text


def test_persona_list_shows_every_demo_person(login_page):
    _, page = login_page
    for name in ("乌日娜", "王建国", "巴特尔", "李秀兰", "刘海涛", "陈静", "赵磊"):
        assert name in page
    assert "139****0321" in page and "13904710321" not in page


@pytest.mark.parametrize(
    "target", ["https://evil.example.com/", "/idp/jwks.json", "//evil.example.com/idp/authorize?x"]
)
def test_login_page_refuses_to_continue_anywhere_but_an_authorization_request(system, seeded_idp, target):
    response = requests.get(f"{system.url}/idp/login?next={quote(target)}", timeout=10)
    assert response.status_code == 400 and "没有待完成的登录请求" in response.text


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("/idp/login/persona", {"persona": "p1"}),
        ("/idp/login/sms-code", {"phone": PHONE}),
        ("/idp/login/sms", {"phone": PHONE, "code": "123456"}),
        ("/idp/verify-face", {}),
    ],
)
@pytest.mark.parametrize("target", ["", "https://evil.example.com/"])
def test_no_login_step_goes_on_without_an_authorization_request(rp, login_page, step, data, target):
    http, page = login_page
    response = http.post(
        f"{rp.base}{step}", allow_redirects=False, data={"csrf_token": field(CSRF, page), "next": target, **data}
    )
    assert response.status_code == 400 and "没有待完成的登录请求" in response.text
    after = http.get(rp.authorize_url(), allow_redirects=False)
    assert after.status_code == 302 and "/idp/login?next=" in after.headers["Location"]


def test_consent_is_asked_once_per_person_and_client(rp):
    rp.code(requests.Session(), persona="p3")
    second = Relying(rp.base, rp.client_id, rp.client_secret, rp.redirect_uri)
    target = redirect_target(through_stub(requests.Session(), second.authorize_url(), persona="p3", consent="deny"))
    assert "code=" in target and "error=" not in target
