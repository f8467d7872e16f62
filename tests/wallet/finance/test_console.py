"""The finance department approves, rejects, freezes and cancels unit accounts; approval sends an activation link."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import UNIT_APPLICATION as GOOD
from tests.wallet.authorization.fixtures import apply_for_unit as apply
from tests.wallet.authorization.fixtures import unit_client_login
from tests.wallet.unit.accounts import activate, activation_link
from wallet.extensions import db
from wallet.finance.admin import admin_totp_secret
from wallet.models import Unit
from wallet.services.unit_accounts import activation_for


def admin_login(client, wallet_app) -> None:
    page = client.get("/finance/login").get_data(as_text=True)
    first = client.post(
        "/finance/login",
        data={
            "csrf_token": csrf_token_of(page),
            "username": "finance-admin",
            "password": wallet_app.config["FINANCE_ADMIN_PASSWORD"],
        },
    )
    assert first.status_code == 302
    with wallet_app.app_context():
        code = pyotp.TOTP(admin_totp_secret()).now()
    page = client.get("/finance/login/code").get_data(as_text=True)
    second = client.post("/finance/login/code", data={"csrf_token": csrf_token_of(page), "code": code})
    assert second.status_code == 302 and second.headers["Location"] == "/finance/"


@pytest.fixture
def admin(wallet_app):
    client = wallet_app.test_client()
    admin_login(client, wallet_app)
    return client


@pytest.fixture
def pending_unit(client, wallet_app) -> int:
    assert apply(client).status_code == 303
    with wallet_app.app_context():
        unit_id = db.session.scalar(select(Unit.id))
        assert unit_id is not None
        return unit_id


def act(admin, unit_id: int, action: str, note: str = ""):
    token = csrf_token_of(admin.get("/finance/").get_data(as_text=True))
    return admin.post(
        f"/finance/units/{unit_id}/{action}", data={"csrf_token": token, "note": note, "confirmed": "yes"}
    )


def state_of(wallet_app, unit_id: int) -> str:
    with wallet_app.app_context():
        db.session.expire_all()
        return db.session.get_one(Unit, unit_id).state


def test_console_needs_the_administrator(client, wallet_app, pending_unit):
    assert client.get("/finance/").headers["Location"] == "/finance/login"
    page = client.get("/finance/login").get_data(as_text=True)
    wrong = client.post(
        "/finance/login", data={"csrf_token": csrf_token_of(page), "username": "finance-admin", "password": "guess"}
    )
    assert wrong.status_code == 401 and "还可尝试 4 次" in wrong.get_data(as_text=True)
    assert client.post(f"/finance/units/{pending_unit}/approve").status_code == 400, "no CSRF token, no change"
    assert state_of(wallet_app, pending_unit) == "pending"


def test_approval_creates_the_account_and_its_activation_link_lets_the_unit_in(admin, wallet_app, pending_unit):
    assert "呼和浩特市第一中学" in admin.get("/finance/").get_data(as_text=True)
    assert act(admin, pending_unit, "approve").status_code == 303
    assert state_of(wallet_app, pending_unit) == "active"
    with wallet_app.app_context():
        sent = activation_for(pending_unit)
    assert sent["username"] == GOOD["credit_code"].lower() and "/unit/activate/" in sent["activation_url"]
    outbox = admin.get("/finance/outbox").get_data(as_text=True)
    assert f'href="{sent["activation_url"]}"' in outbox and "72 小时" in outbox
    unit = wallet_app.test_client()
    who = activate(unit, activation_link(wallet_app, pending_unit))
    unit_client_login(unit, who)
    assert "呼和浩特市第一中学" in unit.get("/unit/").get_data(as_text=True)
    assert act(admin, pending_unit, "approve").status_code == 409, "a decision is made once"


def test_rejection_needs_a_reason_and_frees_the_credit_code(admin, client, wallet_app, pending_unit):
    assert act(admin, pending_unit, "reject").status_code == 303
    assert state_of(wallet_app, pending_unit) == "pending"
    assert "请填写不通过的原因" in admin.get("/finance/").get_data(as_text=True)
    act(admin, pending_unit, "reject", "营业执照信息与登记不符")
    assert state_of(wallet_app, pending_unit) == "rejected"
    assert "营业执照信息与登记不符" in admin.get("/finance/outbox").get_data(as_text=True)
    assert apply(client).status_code == 303, "the unit may apply again"


def test_freeze_unfreeze_and_cancel(admin, wallet_app, pending_unit):
    act(admin, pending_unit, "approve")
    unit = wallet_app.test_client()
    who = activate(unit, activation_link(wallet_app, pending_unit))
    unit_client_login(unit, who)
    act(admin, pending_unit, "freeze", "配合核查")
    assert state_of(wallet_app, pending_unit) == "frozen"
    assert unit.get("/unit/").status_code == 403
    act(admin, pending_unit, "unfreeze", "核查完毕")
    unit_client_login(unit, who)
    assert unit.get("/unit/").status_code == 200
    act(admin, pending_unit, "cancel", "单位已撤销")
    assert state_of(wallet_app, pending_unit) == "cancelled"
    assert unit.get("/unit/").status_code == 403
    assert act(admin, pending_unit, "freeze", "再冻结").status_code == 409
    assert act(admin, pending_unit, "explode").status_code == 404


def test_unit_users_and_residents_are_kept_out_of_the_console(wallet_app, demo_units, unit_logins):
    unit = wallet_app.test_client()
    unit_client_login(unit, unit_logins["insurer"])
    response = unit.get("/finance/")
    assert response.status_code == 302 and response.headers["Location"] == "/finance/login"
