"""RP-initiated logout: with a valid ID token hint the stub logs out and returns to a registered URI only."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.identity_stub.client import Relying
from tests.identity_stub.pages import CSRF, field, redirect_target


@pytest.fixture
def session_and_token(rp) -> tuple[requests.Session, str]:
    http = requests.Session()
    return http, rp.redeem(rp.code(http)).json()["id_token"]


def logout_url(rp: Relying, **params: str) -> str:
    return f"{rp.base}/idp/logout?{urlencode(params)}"


def signed_in(http: requests.Session, rp: Relying) -> bool:
    again = Relying(rp.base, rp.client_id, rp.client_secret, rp.redirect_uri)
    stop = redirect_target(http.get(again.authorize_url(), allow_redirects=False))
    return urlsplit(stop).path != "/idp/login"


def test_logout_with_hint_ends_the_stub_session_and_returns_to_the_registered_uri(rp, session_and_token):
    http, token = session_and_token
    assert signed_in(http, rp)
    back = f"{rp.base}/auth/logged-out"
    target = redirect_target(
        http.get(logout_url(rp, id_token_hint=token, post_logout_redirect_uri=back, state="s1"), allow_redirects=False)
    )
    assert target.startswith(back + "?") and parse_qs(urlsplit(target).query)["state"] == ["s1"]
    assert not signed_in(http, rp)


def test_unregistered_post_logout_uri_is_never_redirected_to(rp, session_and_token):
    http, token = session_and_token
    response = http.get(
        logout_url(rp, id_token_hint=token, post_logout_redirect_uri="https://evil.example.com/"), allow_redirects=False
    )
    assert response.status_code == 200 and "Location" not in response.headers
    assert "已退出登录" in response.text
    assert not signed_in(http, rp)


def test_forged_hint_is_refused_and_changes_nothing(rp, session_and_token):
    http, token = session_and_token
    header, _, signature = token.split(".")
    response = http.get(
        logout_url(
            rp,
            id_token_hint=f"{header}.eyJzdWIiOiJ4In0.{signature}",
            post_logout_redirect_uri=f"{rp.base}/auth/logged-out",
        ),
        allow_redirects=False,
    )
    assert response.status_code == 400 and "Location" not in response.headers
    assert "退出请求无效" in response.text
    assert signed_in(http, rp)


def test_logout_without_hint_asks_for_confirmation_first(rp, session_and_token):
    http, _ = session_and_token
    page = http.get(logout_url(rp))
    assert page.status_code == 200 and "确定要退出蒙速办登录吗" in page.text
    assert signed_in(http, rp)
    done = http.post(logout_url(rp), data={"csrf_token": field(CSRF, page.text)})
    assert "已退出登录" in done.text
    assert not signed_in(http, rp)
