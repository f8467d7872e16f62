"""Step-up: asking for ``urn:mengsuban:loa:3`` makes the stub verify the face again, every time."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests

from tests.identity_stub.client import Relying
from tests.identity_stub.pages import redirect_target, through_stub

FACE = "urn:mengsuban:loa:3"


@pytest.fixture
def browser(rp) -> requests.Session:
    """A browser signed in at the stub by SMS (level 2), consent given."""
    http = requests.Session()
    rp.code(http)
    return http


def fresh(rp: Relying) -> Relying:
    return Relying(rp.base, rp.client_id, rp.client_secret, rp.redirect_uri)


def claims_of(rp: Relying, code: str) -> dict:
    return jwt.decode(rp.redeem(code).json()["id_token"], options={"verify_signature": False})


def first_stop(http: requests.Session, url: str) -> str:
    return urlsplit(redirect_target(http.get(url, allow_redirects=False))).path


@pytest.mark.parametrize(
    "ask",
    [
        {"acr_values": FACE},
        {"acr_values": FACE, "max_age": "0"},
        {"acr_values": FACE, "prompt": "login"},
        {"claims": json.dumps({"id_token": {"acr": {"essential": True, "values": [FACE]}}})},
    ],
)
def test_asking_for_face_level_sends_a_signed_in_person_to_face_verification(rp, browser, ask):
    step_up = fresh(rp)
    assert first_stop(browser, step_up.authorize_url(**ask)) == "/idp/verify-face"
    back = redirect_target(through_stub(browser, step_up.authorize_url(**ask)))
    claims = claims_of(step_up, parse_qs(urlsplit(back).query)["code"][0])
    assert claims["acr"] == FACE and claims["amr"] == ["face"]


def test_each_face_level_request_verifies_again(rp, browser):
    first = fresh(rp)
    through_stub(browser, first.authorize_url(acr_values=FACE))
    second = fresh(rp)
    assert first_stop(browser, second.authorize_url(acr_values=FACE)) == "/idp/verify-face"


def test_ordinary_request_from_a_signed_in_person_needs_no_login(rp, browser):
    again = fresh(rp)
    claims = claims_of(
        again,
        parse_qs(urlsplit(redirect_target(browser.get(again.authorize_url(), allow_redirects=False))).query)["code"][0],
    )
    assert claims["acr"] == "urn:mengsuban:loa:2" and claims["amr"] == ["sms"]


@pytest.mark.parametrize("ask", [{"prompt": "login"}, {"max_age": "0"}])
def test_prompt_login_and_max_age_make_the_person_log_in_again(rp, browser, ask):
    assert first_stop(browser, fresh(rp).authorize_url(**ask)) == "/idp/login"


def test_prompt_none_without_a_session_returns_login_required(rp):
    target = redirect_target(requests.get(rp.authorize_url(prompt="none"), allow_redirects=False, timeout=10))
    assert parse_qs(urlsplit(target).query)["error"] == ["login_required"]


def test_person_who_cancels_face_verification_sends_access_denied_back(rp, browser):
    step_up = fresh(rp)
    face_page = browser.get(step_up.authorize_url(acr_values=FACE))
    assert "开始人脸核验" in face_page.text and "乌*娜" in face_page.text
    cancel = browser.post(
        step_up.authorize_url(acr_values=FACE),
        allow_redirects=False,
        data={"csrf_token": face_page.text.split('name="csrf_token" value="')[1].split('"')[0], "decision": "deny"},
    )
    assert parse_qs(urlsplit(redirect_target(cancel)).query)["error"] == ["access_denied"]
