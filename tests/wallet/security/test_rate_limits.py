"""Past its request rate limit each way in answers 429 with a Chinese message saying to wait:
resident login, unit login, finance login, and the unit API (in its signed JSON envelope)."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_of
from tests.wallet.api.conftest import api_world  # noqa: F401  (fixture)
from wallet.auth.limits import LOGIN_TOO_OFTEN


@pytest.fixture
def tight(wallet_app, monkeypatch):
    for name in ("LOGIN_RATE_LIMIT", "UNIT_LOGIN_RATE_LIMIT", "FINANCE_LOGIN_RATE_LIMIT", "API_RATE_LIMIT"):
        monkeypatch.setitem(wallet_app.config, name, "3 per minute")


def test_starting_resident_logins_too_often_is_refused(tight, client):
    answers = [client.get("/login").status_code for _ in range(4)]
    assert answers[:3] != [429] * 3 and answers[3] == 429
    refused = client.get("/login")
    assert refused.status_code == 429 and LOGIN_TOO_OFTEN in refused.get_data(as_text=True)


@pytest.mark.parametrize("realm", ["unit", "finance"])
def test_submitting_a_login_form_too_often_is_refused(tight, client, realm):
    token = csrf_token_of(client.get(f"/{realm}/login").get_data(as_text=True))
    form = {"csrf_token": token, "username": "nobody", "password": "wrong-password"}
    answers = [client.post(f"/{realm}/login", data=form).status_code for _ in range(3)]
    assert 429 not in answers
    refused = client.post(f"/{realm}/login", data=form)
    assert refused.status_code == 429 and LOGIN_TOO_OFTEN in refused.get_data(as_text=True)
    assert client.get(f"/{realm}/login").status_code == 200, "reading the form is never limited"
    code_step = client.post(f"/{realm}/login/code", data={"csrf_token": token, "code": "000000"})
    assert code_step.status_code == 429, "the code step shares the password step's allowance"


def test_calling_the_api_too_often_gets_a_json_429(tight, system, api_world):
    api = api_world.insurer.client(system.url)
    answers = [api.authorization(api_world.claims[0]) for _ in range(3)]
    assert all(reply.ok for reply in answers)
    refused = api.authorization(api_world.claims[0])
    assert refused.status == 429 and refused.code == "rate_limited" and not refused.ok
    assert "请" in refused.message and "频繁" in refused.message
    other = api_world.agency.client(system.url).list_authorizations()
    assert other.ok, "one unit's allowance is not another's"
