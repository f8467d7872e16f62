"""CSRF tokens lapse 8 hours after their page was shown: the late form is refused with a page saying what to do.

Over real HTTP on every part. A token "shown 9 hours ago" is made the way the part makes
its own, from the secret in the visitor's session, signed with an earlier timestamp.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.conftest import csrf_token_of
from tests.fiscal_stub.conftest import ISSUER_TOKEN
from tests.support.csrf import token_shown
from tests.support.live_server import LiveServer
from wallet.extensions import limiter

HOURS = 3600
# part → (page with a form, where the form posts, its fields, the part's session cookie)
FORMS = {
    "wallet": (
        "/check",
        "/check",
        {"code": "15060126", "number": "0000000001", "check": "a1b2c3", "date": "20260101", "amount": "5.00"},
        "session",
    ),
    "idp": ("/idp/", "/idp/logout", {}, "idp_session"),
    "fiscal": ("/fiscal/console/login", "/fiscal/console/login", {"token": ISSUER_TOKEN}, "fiscal_session"),
}


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """The wallet's form here is the rate-limited status page: leave its counts as other tests expect them."""
    limiter.reset()
    yield
    limiter.reset()


def post_late(system: LiveServer, part: str, seconds_ago: int, htmx: bool = False) -> requests.Response:
    page, action, fields, cookie = FORMS[part]
    browser = requests.Session()
    opened = browser.get(system.url + page, timeout=10)
    assert csrf_token_of(opened.text)
    token = token_shown(system.parts[part], browser.cookies[cookie], seconds_ago)
    headers = {"Referer": system.url + page, **({"HX-Request": "true"} if htmx else {})}
    return browser.post(
        system.url + action, data={"csrf_token": token, **fields}, headers=headers, timeout=10, allow_redirects=False
    )


@pytest.mark.parametrize("part", FORMS)
def test_a_form_shown_nine_hours_ago_is_refused_with_what_to_do(system, part):
    response = post_late(system, part, 9 * HOURS)
    assert response.status_code == 400
    assert '<h1 id="error-title">页面已过期</h1>' in response.text
    assert "请刷新页面后重新操作" in response.text
    assert f'href="{FORMS[part][0]}"' in response.text and "返回刚才的页面" in response.text


@pytest.mark.parametrize("part", FORMS)
def test_a_form_shown_just_under_eight_hours_ago_still_counts(system, part):
    response = post_late(system, part, 8 * HOURS - 60)
    assert response.status_code != 400 and "页面已过期" not in response.text  # the form's own answer


def test_a_late_issuer_login_signs_nobody_in(system):
    browser = requests.Session()
    browser.get(system.url + "/fiscal/console/login", timeout=10)
    token = token_shown(system.parts["fiscal"], browser.cookies["fiscal_session"], 9 * HOURS)
    refused = browser.post(
        system.url + "/fiscal/console/login",
        data={"csrf_token": token, "token": ISSUER_TOKEN},
        timeout=10,
        allow_redirects=False,
    )
    assert refused.status_code == 400
    console = browser.get(system.url + "/fiscal/console/", timeout=10, allow_redirects=False)
    assert console.status_code == 302 and "/fiscal/console/login" in console.headers["Location"]


def test_a_late_htmx_request_replaces_the_page_with_the_refusal(system):
    response = post_late(system, "wallet", 9 * HOURS, htmx=True)
    assert response.status_code == 400
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == ("body", "innerHTML")
    assert '<main id="main"' in response.text and "页面已过期" in response.text


def test_a_form_whose_session_ended_is_refused_as_expired(system):
    """Signing out clears the secret the tokens are checked against: every open form lapses with it."""
    page, action, fields, _ = FORMS["wallet"]
    browser = requests.Session()
    token = csrf_token_of(browser.get(system.url + page, timeout=10).text)
    browser.cookies.clear()
    response = browser.post(system.url + action, data={"csrf_token": token, **fields}, timeout=10)
    assert response.status_code == 400 and "页面已过期" in response.text


def test_the_limit_follows_configuration(system):
    wallet = system.parts["wallet"]
    assert wallet.config["WTF_CSRF_TIME_LIMIT"] == 8 * HOURS
    wallet.config["WTF_CSRF_TIME_LIMIT"] = HOURS
    try:
        response = post_late(system, "wallet", 2 * HOURS)
    finally:
        wallet.config["WTF_CSRF_TIME_LIMIT"] = 8 * HOURS
    assert response.status_code == 400 and "页面已过期" in response.text
