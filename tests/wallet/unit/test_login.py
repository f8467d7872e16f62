"""Unit login: password then TOTP code, one use per code, lockout after repeated failures."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import fresh_code, unit_client_login
from wallet.extensions import db
from wallet.models import LoginThrottle, UnitUser
from wallet.services.unit_accounts import decide


def password_step(client, username: str, password: str):
    page = client.get("/unit/login").get_data(as_text=True)
    return client.post(
        "/unit/login", data={"csrf_token": csrf_token_of(page), "username": username, "password": password}
    )


def code_step(client, code: str):
    page = client.get("/unit/login/code").get_data(as_text=True)
    return client.post("/unit/login/code", data={"csrf_token": csrf_token_of(page), "code": code})


def signed_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def test_password_and_code_sign_the_unit_user_in(client, demo_units, unit_logins, wallet_app):
    unit_client_login(client, unit_logins["insurer"])
    with wallet_app.app_context():
        user_id = db.session.scalar(select(UnitUser.id).where(UnitUser.username == "insurer"))
    assert signed_in_as(client) == f"unit:{user_id}"
    inbox = client.get("/unit/").get_data(as_text=True)
    assert "北疆人寿保险股份有限公司内蒙古分公司" in inbox


def test_a_clerks_session_used_from_another_address_is_signed_out(client, demo_units, unit_logins):
    """A desk keeps its address: a clerk's cookie replayed from another one (same browser name) is nobody's."""
    unit_client_login(client, unit_logins["insurer"])
    elsewhere = client.get("/unit/", environ_base={"REMOTE_ADDR": "198.51.100.23"})
    assert elsewhere.status_code == 302 and "/unit/login" in elsewhere.headers["Location"]
    assert signed_in_as(client) is None


def test_the_password_alone_does_not_sign_in(client, demo_units, unit_logins):
    response = password_step(client, "insurer", unit_logins["insurer"].password)
    assert response.status_code == 302 and response.headers["Location"].startswith("/unit/login/code")
    assert signed_in_as(client) is None
    assert client.get("/unit/").headers["Location"].startswith("/unit/login")


@pytest.mark.parametrize(("username", "password"), [("insurer", "wrong-password"), ("nobody", "whatever")])
def test_a_wrong_name_or_password_gets_the_same_message(client, demo_units, username, password):
    response = password_step(client, username, password)
    assert response.status_code == 401
    assert "用户名或密码不正确，请核对后重试（还可尝试 4 次）" in response.get_data(as_text=True)


def test_a_code_works_once(client, wallet_app, demo_units, unit_logins):
    who = unit_logins["insurer"]
    code = fresh_code(who.secret, who.used)
    password_step(client, who.username, who.password)
    assert code_step(client, code).status_code == 302
    other = wallet_app.test_client()
    password_step(other, who.username, who.password)
    replay = code_step(other, code)
    assert replay.status_code == 401 and "动态验证码不正确或已使用过" in replay.get_data(as_text=True)
    assert signed_in_as(other) is None


def test_repeated_failures_lock_the_username_even_for_the_right_password(client, wallet_app, demo_units, unit_logins):
    for attempt in range(4):
        assert password_step(client, "insurer", f"guess-{attempt}").status_code == 401
    locked = password_step(client, "insurer", "guess-5")
    assert locked.status_code == 429 and "已锁定 15 分钟" in locked.get_data(as_text=True)
    right = password_step(client, "insurer", unit_logins["insurer"].password)
    assert right.status_code == 429 and "请 15 分钟后再试" in right.get_data(as_text=True)
    with wallet_app.app_context():
        assert db.session.get(LoginThrottle, ("unit", "insurer")).locked_until is not None


def test_wrong_codes_count_towards_the_lockout(client, demo_units, unit_logins):
    who = unit_logins["insurer"]
    password_step(client, who.username, who.password)
    wrong = pyotp.TOTP(pyotp.random_base32()).now()
    statuses = [code_step(client, wrong).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert password_step(client, who.username, who.password).status_code == 429


def test_a_frozen_unit_cannot_sign_in(client, wallet_app, demo_units, unit_logins):
    with wallet_app.app_context():
        decide(demo_units["employer"], "freeze", "年检未通过")
    response = password_step(client, "employer", unit_logins["employer"].password)
    assert response.status_code == 403 and "单位账户已冻结" in response.get_data(as_text=True)


def test_the_code_page_without_a_password_step_goes_back_to_login(client, demo_units):
    response = client.get("/unit/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/unit/login"


def test_logout_ends_the_unit_session(client, demo_units, unit_logins):
    unit_client_login(client, unit_logins["agency"])
    token = csrf_token_of(client.get("/unit/").get_data(as_text=True))
    assert client.post("/unit/logout", data={"csrf_token": token}).status_code == 302
    assert signed_in_as(client) is None
