"""``step_up_required``: a sensitive action waits for a fresh face verification at 蒙速办, then goes on."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask_login import current_user

from tests.conftest import csrf_token_of
from tests.identity_stub.pages import redirect_target, through_stub
from tests.wallet.auth.flows import back_from_stub, local, log_in, signed_in_user_id
from wallet import create_app
from wallet.auth.stepup import step_up_required

SHARED = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "WALLET_BASE_URL", "OIDC_DISCOVERY_URL", "FISCAL_API_URL")


@pytest.fixture
def guarded_app(wallet_app) -> Flask:
    """The wallet with one sensitive page, registered under the same client as the running wallet."""
    app = create_app({**{k: wallet_app.config[k] for k in SHARED}, "APP_ENV": "test"})

    @app.route("/sensitive", methods=["GET", "POST"])
    @step_up_required
    def sensitive() -> str:
        return f"sensitive action done for {current_user.masked_name}"

    return app


@pytest.fixture
def stub_browser() -> requests.Session:
    return requests.Session()


@pytest.fixture
def resident(seeded_idp, guarded_app, stub_browser):
    client = guarded_app.test_client()
    log_in(client, "p1", http=stub_browser)
    return client


def test_sensitive_page_sends_the_resident_to_face_verification_and_back(resident, stub_browser):
    asked = resident.get("/sensitive")
    assert asked.status_code == 302 and asked.headers["Location"] == "/auth/step-up?next=/sensitive"
    to_provider = resident.get(asked.headers["Location"]).headers["Location"]
    assert "acr_values=urn%3Amengsuban%3Aloa%3A3" in to_provider and "max_age=0" in to_provider
    first_stop = redirect_target(stub_browser.get(to_provider, allow_redirects=False))
    assert urlsplit(first_stop).path == "/idp/verify-face"
    back = resident.get(local(redirect_target(through_stub(stub_browser, to_provider))))
    assert back.status_code == 302 and back.headers["Location"] == "/sensitive"
    assert resident.get("/sensitive").get_data(as_text=True) == "sensitive action done for 乌*娜"


def test_one_verification_covers_a_while_then_is_asked_again(resident, stub_browser, guarded_app):
    back_from_stub(resident, "/auth/step-up?next=/sensitive", http=stub_browser)
    assert resident.get("/sensitive").status_code == 200
    with resident.session_transaction() as session:
        session["verified_at"] = int(time.time()) - guarded_app.config["STEP_UP_MAX_AGE_SECONDS"] - 1
    assert resident.get("/sensitive").headers["Location"].startswith("/auth/step-up")


def test_face_verification_of_another_person_logs_the_resident_out(resident):
    response = back_from_stub(resident, "/auth/step-up?next=/sensitive", http=requests.Session(), persona="p2")
    assert response.status_code == 403 and "核验的身份与当前登录的账户不一致" in response.get_data(as_text=True)
    assert signed_in_user_id(resident) is None


def test_cancelled_face_verification_keeps_the_session_but_not_the_action(resident, stub_browser):
    response = back_from_stub(resident, "/auth/step-up?next=/sensitive", http=stub_browser, consent="deny")
    assert response.status_code == 403 and "已取消" in response.get_data(as_text=True)
    assert signed_in_user_id(resident) is not None
    assert resident.get("/sensitive").status_code == 302


def test_a_form_posted_before_verification_returns_to_its_page(resident):
    token = csrf_token_of(resident.get("/account").get_data(as_text=True))
    response = resident.post("/sensitive", data={"csrf_token": token}, headers={"Referer": "http://localhost/account"})
    assert response.headers["Location"] == "/auth/step-up?next=/account"


@pytest.mark.parametrize(("headers", "status"), [({"HX-Request": "true"}, 200), ({"Accept": "application/json"}, 401)])
def test_htmx_and_api_callers_are_told_in_their_own_terms(resident, headers, status):
    response = resident.get("/sensitive", headers=headers)
    assert response.status_code == status
    if status == 200:
        assert response.headers["HX-Redirect"] == "/auth/step-up?next=/sensitive"
    else:
        assert response.json["code"] == "step_up_required"


def test_strangers_are_sent_to_login_first(guarded_app):
    response = guarded_app.test_client().get("/sensitive")
    assert response.headers["Location"] == "/login?next=/sensitive"
