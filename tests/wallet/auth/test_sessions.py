"""Resident sessions: logout ends both sessions; idle, absolute and device changes end the wallet's, a network
change does not."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.conftest import csrf_token_of
from tests.identity_stub.pages import redirect_target, through_stub
from tests.wallet.auth.flows import local, log_in, signed_in_user_id
from tests.wallet.auth.test_user_agents import DESKTOP_CHROME, WEB_VIEW
from wallet.auth.sessions import BACKGROUND_HEADER, SEEN_RESOLUTION_SECONDS


@pytest.fixture
def stub_browser() -> requests.Session:
    return requests.Session()


@pytest.fixture
def logged_in(seeded_idp, client, stub_browser):
    log_in(client, "p1", http=stub_browser)
    return client


def logout(client) -> object:
    return client.post("/logout", data={"csrf_token": csrf_token_of(client.get("/").get_data(as_text=True))})


def test_logout_ends_the_wallet_session_and_the_providers(system, logged_in, stub_browser):
    response = logout(logged_in)
    assert signed_in_user_id(logged_in) is None
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'  # every page the phone kept goes
    target = response.headers["Location"]
    params = parse_qs(urlsplit(target).query)
    assert target.startswith(f"{system.url}/idp/logout?")
    assert params["post_logout_redirect_uri"] == [f"{system.url}/auth/logged-out"] and params["id_token_hint"]

    back = redirect_target(stub_browser.get(target, allow_redirects=False))
    assert back.startswith(f"{system.url}/auth/logged-out?state=")
    landed = logged_in.get(local(back), follow_redirects=True).get_data(as_text=True)
    assert "您已安全退出登录" in landed and "使用蒙速办实名登录" in landed

    again = logged_in.get("/login")
    assert (
        urlsplit(redirect_target(stub_browser.get(again.headers["Location"], allow_redirects=False))).path
        == "/idp/login"
    )


def test_logout_needs_the_forms_csrf_token(logged_in):
    refused = logged_in.post("/logout")
    assert refused.status_code == 400 and "Clear-Site-Data" not in refused.headers
    assert signed_in_user_id(logged_in) is not None


def age_session(client, key: str, seconds: int) -> None:
    with client.session_transaction() as session:
        session[key] = int(time.time()) - seconds


@pytest.mark.parametrize(
    ("key", "setting"), [("seen_at", "SESSION_IDLE_SECONDS"), ("login_at", "SESSION_ABSOLUTE_SECONDS")]
)
def test_session_ends_after_idle_or_absolute_timeout(logged_in, wallet_app, key, setting):
    age_session(logged_in, key, wallet_app.config[setting] + 1)
    page = logged_in.get("/").get_data(as_text=True)
    assert "登录已超时" in page and "使用蒙速办实名登录" in page
    assert signed_in_user_id(logged_in) is None


def test_activity_keeps_an_idle_session_alive(logged_in, wallet_app):
    age_session(logged_in, "seen_at", wallet_app.config["SESSION_IDLE_SECONDS"] - 5)
    logged_in.get("/account")
    assert "登录已超时" not in logged_in.get("/account").get_data(as_text=True)
    assert signed_in_user_id(logged_in) is not None


def test_a_session_is_rewritten_only_when_its_last_seen_time_moves_on(logged_in):
    logged_in.get("/account")  # the first page after login also shows the welcome message
    assert "Set-Cookie" not in logged_in.get("/account").headers
    age_session(logged_in, "seen_at", SEEN_RESOLUTION_SECONDS + 1)
    assert "session=" in logged_in.get("/account").headers.get("Set-Cookie", "")
    with logged_in.session_transaction() as session:
        assert int(time.time()) - session["seen_at"] <= 1


def test_session_cookie_replayed_from_another_browser_is_not_logged_in(logged_in):
    page = logged_in.get("/account", headers={"User-Agent": "Mozilla/5.0 (a different phone)"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert signed_in_user_id(logged_in) is None


def test_a_session_begun_in_an_apps_web_view_stays_signed_in_for_its_service_worker(seeded_idp, client, stub_browser):
    """蒙速办's web view sends its pages with the app's name added to the web view's user agent; the
    page's service worker fetches with the web view's own. Both are the same browser."""
    client.environ_base["HTTP_USER_AGENT"] = f"{WEB_VIEW} MengSuBan/3.2.1"
    log_in(client, "p1", http=stub_browser)
    assert client.get("/account").status_code == 200
    from_the_worker = client.get("/account", headers={"User-Agent": WEB_VIEW})
    assert from_the_worker.status_code == 200
    assert signed_in_user_id(client) is not None
    elsewhere = client.get("/account", headers={"User-Agent": DESKTOP_CHROME})
    assert elsewhere.status_code == 302 and "/login" in elsewhere.headers["Location"]
    assert signed_in_user_id(client) is None


def test_a_phone_that_moves_to_another_network_stays_signed_in(logged_in):
    """Wi-Fi to mobile data gives the phone another address; the session is bound to its browser, not to that."""
    for address in ("10.64.3.17", "2408:8456:3c10:1a::7"):
        page = logged_in.get("/account", environ_base={"REMOTE_ADDR": address})
        assert page.status_code == 200, address
        assert signed_in_user_id(logged_in) is not None


@pytest.mark.parametrize(
    ("headers", "status"), [({}, 302), ({"HX-Request": "true"}, 200), ({"Accept": "application/json"}, 401)]
)
def test_pages_for_residents_send_strangers_to_login_in_the_way_their_client_understands(client, headers, status):
    response = client.get("/account", headers=headers)
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"] == "/login?next=/account"
    elif status == 200:
        assert response.headers["HX-Redirect"].startswith("/login?next=")
    else:
        assert response.json["code"] == "login_required"


def test_logged_out_page_without_a_matching_state_says_nothing(client):
    response = client.get("/auth/logged-out?state=forged", follow_redirects=True)
    assert "您已安全退出登录" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/icons/favicon.svg", "/", "/check"])
def test_a_request_answered_after_a_login_began_does_not_undo_it(seeded_idp, client, wallet_app, path):
    """A phone's slow request (an icon, a page) sent with the cookie from before the login began and
    answered after it must hand back no cookie: the browser would keep that older one, and the login's
    state with it would be gone when 蒙速办 sends the person back (登录请求已失效)."""
    client.get("/")
    before = client.get_cookie("session")
    assert before is not None
    late = wallet_app.test_client()
    late.set_cookie("session", before.value)
    begun = client.get("/login")
    assert begun.status_code == 302
    answered = late.get(path)
    assert answered.status_code == 200 and not answered.headers.getlist("Set-Cookie")
    returned = through_stub(requests.Session(), begun.headers["Location"], persona="p1")
    assert client.get(local(redirect_target(returned))).headers["Location"] == "/activate"


def test_a_cookie_from_before_sessions_were_bound_to_a_browser_is_signed_out(logged_in):
    with logged_in.session_transaction() as session:
        session.pop("browser")
    page = logged_in.get("/account")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert signed_in_user_id(logged_in) is None


def test_what_an_open_page_fetches_by_itself_does_not_keep_an_idle_session_alive(logged_in, wallet_app):
    """The live poll and a section refreshed after a change are the page, not the person: a phone left
    open on a page that keeps changing still signs out when the idle time is up."""
    age_session(logged_in, "seen_at", SEEN_RESOLUTION_SECONDS + 1)
    with logged_in.session_transaction() as session:
        seen = session["seen_at"]
    assert logged_in.get("/live?seq=0", headers={"HX-Request": "true"}).status_code in (200, 204)
    refreshed = {"HX-Request": "true", BACKGROUND_HEADER: "1"}
    assert logged_in.get("/authorizations/overview", headers=refreshed).status_code == 200
    with logged_in.session_transaction() as session:
        assert session["seen_at"] == seen

    age_session(logged_in, "seen_at", wallet_app.config["SESSION_IDLE_SECONDS"] + 1)
    ended = logged_in.get("/live?seq=0", headers={"HX-Request": "true"})
    assert ended.headers.get("HX-Redirect", "").startswith("/login")
    assert signed_in_user_id(logged_in) is None
