"""The login page speaks the language the client asks for (``ui_locales``) or the one chosen on it,
and the tokens tell the client that language in the standard ``locale`` claim."""

from __future__ import annotations

import base64
import json

import requests

from tests.identity_stub.client import Relying
from tests.identity_stub.pages import CSRF, NEXT, field, through_stub

MONGOLIAN_PAGE = '<html lang="mn-Mong-CN" class="mongolian">'
CHINESE_PAGE = '<html lang="zh-CN">'


def unverified_claims(id_token: str) -> dict[str, object]:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def tokens_after_login(rp: Relying, http: requests.Session, **overrides: str) -> dict[str, str]:
    response = through_stub(http, rp.authorize_url(**overrides))
    code = response.headers["Location"].split("code=")[1].split("&")[0]
    redeemed = rp.redeem(code)
    assert redeemed.status_code == 200, redeemed.text
    return redeemed.json()


def test_the_login_page_opens_in_the_language_the_client_asks_for(rp):
    page = requests.get(rp.authorize_url(ui_locales="mn-Mong-CN zh-CN"))
    assert page.url.startswith(f"{rp.base}/idp/login?next=")
    assert MONGOLIAN_PAGE in page.text
    assert 'value="mn-Mong-CN" lang="mn-Mong-CN"\n            aria-pressed="true"' in page.text
    assert CHINESE_PAGE in requests.get(rp.authorize_url()).text
    assert CHINESE_PAGE in requests.get(rp.authorize_url(ui_locales="en fr")).text


def test_a_choice_on_the_page_outranks_the_client_and_lasts_the_session(rp):
    http = requests.Session()
    page = http.get(rp.authorize_url(ui_locales="mn-Mong-CN"))
    chosen = http.post(
        f"{rp.base}/idp/language",
        data={"csrf_token": field(CSRF, page.text), "next": field(NEXT, page.text), "locale": "zh-CN"},
    )
    assert chosen.url.startswith(f"{rp.base}/idp/login?next=") and CHINESE_PAGE in chosen.text
    again = http.get(rp.authorize_url(ui_locales="mn-Mong-CN"))
    assert CHINESE_PAGE in again.text


def test_the_language_switch_serves_only_a_login_in_progress(rp):
    http = requests.Session()
    page = http.get(rp.authorize_url())
    refused = http.post(
        f"{rp.base}/idp/language",
        data={"csrf_token": field(CSRF, page.text), "next": "https://elsewhere.example/", "locale": "zh-CN"},
    )
    assert refused.status_code == 400


def test_tokens_carry_the_language_the_person_signed_in_with(rp):
    tokens = tokens_after_login(rp, requests.Session(), ui_locales="mn-Mong-CN")
    assert unverified_claims(tokens["id_token"])["locale"] == "mn-Mong-CN"
    assert rp.userinfo(tokens["access_token"]).json()["locale"] == "mn-Mong-CN"

    again = Relying(rp.base, rp.client_id, rp.client_secret, rp.redirect_uri)
    tokens = tokens_after_login(again, requests.Session(), ui_locales="zh-CN")
    assert unverified_claims(tokens["id_token"])["locale"] == "zh-CN"


def test_discovery_names_both_languages(rp):
    doc = requests.get(f"{rp.base}/idp/.well-known/openid-configuration").json()
    assert doc["ui_locales_supported"] == ["zh-CN", "mn-Mong-CN"]
    assert "locale" in doc["claims_supported"]
