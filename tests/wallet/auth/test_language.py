"""The wallet's language: from 蒙速办's ``locale`` claim at login, switched on 我的 and kept on the
account, a visitor's choice kept in the session; unit and finance pages stay Chinese."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from flask_babel import force_locale, gettext
from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.identity_stub.pages import NEXT, field, redirect_target, through_stub
from tests.wallet.auth.flows import accept_terms, local, log_in
from wallet.extensions import db
from wallet.models import Resident

MONGOLIAN_PAGE = '<html lang="mn-Mong-CN" class="mongolian">'
CHINESE_PAGE = '<html lang="zh-CN">'


def resident_locale(wallet_app) -> tuple[str | None, bool]:
    with wallet_app.app_context():
        resident = db.session.scalars(select(Resident)).one()
        return resident.locale, resident.locale_chosen


def choose(client, tag: str, next_url: str = "/me") -> None:
    token = csrf_token_of(client.get("/me").get_data(as_text=True))
    response = client.post("/language", data={"csrf_token": token, "locale": tag, "next": next_url})
    assert response.status_code == 303 and response.headers["Location"] == next_url


def test_the_login_asks_for_the_page_language_and_the_locale_claim_sets_the_account(seeded_idp, client, wallet_app):
    choose(client, "mn-Mong-CN")
    assert MONGOLIAN_PAGE in client.get("/me").get_data(as_text=True)
    begun = client.get("/login")
    assert parse_qs(urlsplit(begun.headers["Location"]).query)["ui_locales"] == ["mn-Mong-CN"]

    log_in(client)  # the stub's page opens in Mongolian, so the person signs in in Mongolian
    assert resident_locale(wallet_app) == ("mn_Mong_CN", False)
    me = client.get("/me").get_data(as_text=True)
    assert MONGOLIAN_PAGE in me and 'value="mn-Mong-CN" lang="mn-Mong-CN" aria-pressed="true"' in me


def test_a_login_in_chinese_keeps_an_account_chinese(seeded_idp, client, wallet_app):
    begun = client.get("/login")
    assert parse_qs(urlsplit(begun.headers["Location"]).query)["ui_locales"] == ["zh-CN"]
    log_in(client)
    assert resident_locale(wallet_app) == ("zh_Hans_CN", False)
    assert CHINESE_PAGE in client.get("/me").get_data(as_text=True)


def test_the_switch_on_me_persists_and_outlasts_later_logins(seeded_idp, client, wallet_app):
    log_in(client)
    for _ in range(2):  # the list page is kept whole after the first view: the switch must still reach it
        assert CHINESE_PAGE in client.get("/").get_data(as_text=True)
    choose(client, "mn-Mong-CN")
    assert resident_locale(wallet_app) == ("mn_Mong_CN", True)
    assert MONGOLIAN_PAGE in client.get("/me").get_data(as_text=True)
    assert MONGOLIAN_PAGE in client.get("/").get_data(as_text=True)

    client.post("/logout", data={"csrf_token": csrf_token_of(client.get("/me").get_data(as_text=True))})
    log_in(client)  # signs in in Chinese this time: the choice made on 我的 stays
    assert resident_locale(wallet_app) == ("mn_Mong_CN", True)
    assert MONGOLIAN_PAGE in client.get("/me").get_data(as_text=True)

    choose(client, "zh-CN")
    assert resident_locale(wallet_app) == ("zh_Hans_CN", True)
    assert CHINESE_PAGE in client.get("/me").get_data(as_text=True)


def test_a_visitor_choice_lives_in_the_session_and_serves_public_pages_only(client):
    choose(client, "mn-Mong-CN", next_url="/check")
    assert MONGOLIAN_PAGE in client.get("/check").get_data(as_text=True)
    assert CHINESE_PAGE in client.get("/unit/login").get_data(as_text=True)
    assert CHINESE_PAGE in client.get("/finance/login").get_data(as_text=True)


def test_an_unknown_language_changes_nothing(client):
    choose(client, "en-GB")
    assert CHINESE_PAGE in client.get("/me").get_data(as_text=True)


def test_a_redirect_off_the_wallet_is_not_followed(client):
    token = csrf_token_of(client.get("/me").get_data(as_text=True))
    response = client.post("/language", data={"csrf_token": token, "locale": "zh-CN", "next": "//evil.example/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_mongolian_chosen_at_the_stub_activates_and_greets_in_mongolian(seeded_idp, client, wallet_app):
    """The wallet's page was Chinese; the person switches the 蒙速办 page to Mongolian and signs in there."""
    begun = client.get("/login")
    http = requests.Session()
    login_page = http.get(begun.headers["Location"], timeout=10)  # the stub's page, in Chinese as asked
    http.post(
        urljoin(login_page.url, "/idp/language"),
        data={
            "csrf_token": csrf_token_of(login_page.text),
            "next": field(NEXT, login_page.text),
            "locale": "mn-Mong-CN",
        },
        timeout=10,
    )
    returned = through_stub(http, login_page.url, persona="p1")
    response = client.get(local(redirect_target(returned)))
    assert response.headers["Location"].endswith("/activate")
    assert MONGOLIAN_PAGE in client.get("/activate").get_data(as_text=True)

    accepted = accept_terms(client)
    with wallet_app.test_request_context(), force_locale("mn_Mong_CN"):
        greeting = str(gettext("个人数字账户已开通。"))
    assert greeting != "个人数字账户已开通。"
    landing = client.get(local(accepted.headers["Location"])).get_data(as_text=True)
    assert MONGOLIAN_PAGE in landing and greeting in landing and "个人数字账户已开通" not in landing
