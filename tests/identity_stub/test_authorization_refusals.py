"""Bad authorization requests are refused clearly; a redirect URI that is not registered is never used."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from identity_stub.extensions import db
from identity_stub.models import AuthorizationCode
from tests.identity_stub.pages import redirect_target, through_stub


def codes_issued(idp_app) -> int:
    with idp_app.app_context():
        return db.session.execute(select(func.count()).select_from(AuthorizationCode)).scalar_one()


@pytest.fixture
def signed_in(rp) -> requests.Session:
    """A browser already signed in at the stub, so nothing but the request's own faults can stop it."""
    http = requests.Session()
    rp.code(http)
    return http


ALTERED = {
    "foreign host": lambda uri: "https://evil.example.com/auth/callback",
    "trailing slash": lambda uri: uri + "/",
    "extra query": lambda uri: uri + "?next=/elsewhere",
    "other path": lambda uri: uri.replace("/auth/callback", "/auth/callback2"),
    "other port": lambda uri: uri.replace("127.0.0.1:", "127.0.0.1:1"),
    "upper case": lambda uri: uri.replace("/auth/callback", "/AUTH/callback"),
}


@pytest.mark.parametrize("change", ALTERED.values(), ids=ALTERED.keys())
def test_unregistered_redirect_uri_is_refused_on_the_page_and_never_redirected_to(rp, signed_in, seeded_idp, change):
    before = codes_issued(seeded_idp)
    response = signed_in.get(rp.authorize_url(redirect_uri=change(rp.redirect_uri)), allow_redirects=False)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "与该应用登记的不一致" in response.text
    assert codes_issued(seeded_idp) == before


def test_unknown_client_is_refused_without_redirect(rp, signed_in, seeded_idp):
    response = signed_in.get(rp.authorize_url(client_id="no-such-app"), allow_redirects=False)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "未在蒙速办登记" in response.text
    assert codes_issued(seeded_idp) == 1


def test_missing_redirect_uri_is_refused_without_redirect(rp, signed_in):
    response = signed_in.get(rp.authorize_url(redirect_uri=None), allow_redirects=False)
    assert response.status_code == 400 and "Location" not in response.headers


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"nonce": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_faulty_request_from_a_known_client_returns_the_error_to_its_registered_uri(
    rp, signed_in, seeded_idp, overrides, error
):
    before = codes_issued(seeded_idp)
    target = redirect_target(signed_in.get(rp.authorize_url(**overrides), allow_redirects=False))
    params = parse_qs(urlsplit(target).query)
    assert target.startswith(rp.redirect_uri + "?")
    assert params["error"] == [error] and params["state"] == [rp.state] and "code" not in params
    assert codes_issued(seeded_idp) == before


def test_reused_nonce_is_refused_as_a_replay(rp, signed_in):
    target = redirect_target(signed_in.get(rp.authorize_url(), allow_redirects=False))
    assert parse_qs(urlsplit(target).query)["error"] == ["invalid_request"]


def test_person_who_declines_consent_sends_access_denied_back(rp):
    target = redirect_target(through_stub(requests.Session(), rp.authorize_url(), consent="deny"))
    params = parse_qs(urlsplit(target).query)
    assert params["error"] == ["access_denied"] and "code" not in params
