"""A unit's administrator adds users (each activates through a one-time link and enrols their own
TOTP key) and disables them; a disabled user cannot log in and their open session ends."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from urllib.parse import unquote
from xml.etree import ElementTree

import pytest
from sqlalchemy import select, update

from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import form_token, fresh_code, unit_client_login
from tests.wallet.unit.accounts import NEW_PASSWORD, activate, activation_link
from tests.wallet.unit.test_login import password_step
from wallet.extensions import db
from wallet.models import UnitUser
from wallet.models.audit import AuditEntry


@pytest.fixture
def admin(client, demo_units, unit_logins):
    unit_client_login(client, unit_logins["insurer"])
    return client


def add(client, username: str = "lina.clerk", display_name: str = "李娜", role: str = "clerk"):
    token = csrf_token_of(client.get("/unit/users").get_data(as_text=True))
    return client.post(
        "/unit/users", data={"csrf_token": token, "username": username, "display_name": display_name, "role": role}
    )


def set_state(client, user_id: int, action: str):
    token = csrf_token_of(client.get("/unit/").get_data(as_text=True))
    return client.post(f"/unit/users/{user_id}/{action}", data={"csrf_token": token})


def user_row(wallet_app, username: str) -> UnitUser:
    with wallet_app.app_context():
        db.session.expire_all()
        user = db.session.scalar(select(UnitUser).where(UnitUser.username == username))
        assert user is not None
        return user


def test_an_added_user_activates_through_the_link_and_signs_in_with_their_own_key(
    admin, wallet_app, demo_units, unit_logins
):
    done = add(admin)
    assert done.status_code == 303 and done.headers["Location"] == "/unit/users"
    listing = admin.get("/unit/users").get_data(as_text=True)
    assert "已添加用户李娜（经办人）" in listing and "72 小时内有效" in listing
    assert re.search(r'data-username="lina.clerk">.*?待激活', listing, re.S)
    path = activation_link(wallet_app, demo_units["insurer"])
    pending = user_row(wallet_app, "lina.clerk")
    assert pending.password_hash == "" and pending.role == "clerk"
    assert pending.activation_token_hash == hashlib.sha256(path.rsplit("/", 1)[1].encode()).hexdigest()
    assert pending.activation_expires_at - utcnow() > timedelta(hours=71, minutes=59)
    assert password_step(wallet_app.test_client(), "lina.clerk", "").status_code == 422

    page = wallet_app.test_client().get(path).get_data(as_text=True)
    qr = re.search(r'<img class="otp-qr" src="data:image/svg\+xml(;charset=utf-8)?,([^"]+)"', page)
    assert qr, "the activation page shows the key as a QR image"
    svg = ElementTree.fromstring(unquote(qr.group(2)))
    assert svg.tag == "{http://www.w3.org/2000/svg}svg", "an SVG image draws only in the SVG namespace"
    who = activate(wallet_app.test_client(), path)
    assert who.username == "lina.clerk" and who.secret != unit_logins["insurer"].secret
    clerk = wallet_app.test_client()
    unit_client_login(clerk, who)
    assert "北疆人寿保险股份有限公司内蒙古分公司" in clerk.get("/unit/").get_data(as_text=True)
    with wallet_app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"unit.user_added", "unit.user_activated"} <= actions


def test_a_used_expired_or_unknown_link_is_refused_with_what_to_do(admin, wallet_app, demo_units):
    add(admin)
    path = activation_link(wallet_app, demo_units["insurer"])
    visitor = wallet_app.test_client()
    activate(visitor, path)
    used = visitor.get(path)
    assert used.status_code == 410 and "已使用过" in used.get_data(as_text=True)
    again = visitor.post(
        path,
        data={
            "csrf_token": form_token(admin.get("/unit/users").get_data(as_text=True)),
            "new_password": "Other#Pass2027",
            "new_password_again": "Other#Pass2027",
        },
    )
    assert again.status_code in (400, 410)
    add(admin, username="wang.wei", display_name="王伟")
    late = activation_link(wallet_app, demo_units["insurer"])
    with wallet_app.app_context():
        db.session.execute(
            update(UnitUser)
            .where(UnitUser.username == "wang.wei")
            .values(activation_expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    expired = visitor.get(late).get_data(as_text=True)
    assert "已过期（有效期 72 小时）" in expired and "请联系本单位管理员" in expired
    unknown = visitor.get("/unit/activate/" + "x" * 43)
    assert unknown.status_code == 410 and "该激活链接无效" in unknown.get_data(as_text=True)


def test_activation_refuses_a_weak_password_or_a_wrong_code_and_stays_usable(admin, wallet_app, demo_units):
    add(admin)
    path = activation_link(wallet_app, demo_units["insurer"])
    visitor = wallet_app.test_client()
    html = visitor.get(path).get_data(as_text=True)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', html).group(1)
    weak = visitor.post(
        path,
        data={
            "csrf_token": form_token(html),
            "new_password": "123456",
            "new_password_again": "123456",
            "code": fresh_code(secret, set()),
        },
    )
    assert weak.status_code == 422 and "密码至少 10 位" in weak.get_data(as_text=True)
    wrong = visitor.post(
        path,
        data={
            "csrf_token": form_token(html),
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
            "code": "000000",
        },
    )
    assert wrong.status_code == 422 and "动态验证码不正确" in wrong.get_data(as_text=True)
    assert user_row(wallet_app, "lina.clerk").password_hash == ""
    assert activate(visitor, path).username == "lina.clerk"


def test_a_disabled_user_cannot_log_in_and_their_open_session_ends(admin, wallet_app, demo_units):
    add(admin)
    who = activate(wallet_app.test_client(), activation_link(wallet_app, demo_units["insurer"]))
    clerk = wallet_app.test_client()
    unit_client_login(clerk, who)
    clerk_id = user_row(wallet_app, "lina.clerk").id
    assert set_state(admin, clerk_id, "disable").status_code == 303
    assert "已停用" in admin.get("/unit/users").get_data(as_text=True)
    ended = clerk.get("/unit/")
    assert ended.status_code == 403 and "已被本单位管理员停用" in ended.get_data(as_text=True)
    assert clerk.get("/unit/").headers["Location"].startswith("/unit/login"), "the session is gone"
    refused = password_step(wallet_app.test_client(), who.username, who.password)
    assert refused.status_code == 403 and "请联系本单位管理员" in refused.get_data(as_text=True)
    assert set_state(admin, clerk_id, "enable").status_code == 303
    unit_client_login(wallet_app.test_client(), who)


def test_only_an_administrator_manages_users(admin, wallet_app, demo_units):
    add(admin)
    who = activate(wallet_app.test_client(), activation_link(wallet_app, demo_units["insurer"]))
    clerk = wallet_app.test_client()
    unit_client_login(clerk, who)
    page = clerk.get("/unit/users")
    assert page.status_code == 403 and "只有本单位管理员可以管理用户" in page.get_data(as_text=True)
    assert "用户管理" not in clerk.get("/unit/").get_data(as_text=True)
    token = csrf_token_of(clerk.get("/unit/").get_data(as_text=True))
    assert (
        clerk.post(
            "/unit/users", data={"csrf_token": token, "username": "sneaky", "display_name": "某人", "role": "admin"}
        ).status_code
        == 403
    )
    admin_id = user_row(wallet_app, "insurer").id
    assert clerk.post(f"/unit/users/{admin_id}/disable", data={"csrf_token": token}).status_code == 403
    assert user_row(wallet_app, "insurer").disabled_at is None


def test_an_administrator_cannot_disable_themselves_or_another_units_user(admin, wallet_app, demo_units):
    own = set_state(admin, user_row(wallet_app, "insurer").id, "disable")
    assert own.status_code == 409 and "不能停用自己的账号" in own.get_data(as_text=True)
    other = set_state(admin, user_row(wallet_app, "ybzx").id, "disable")
    assert other.status_code == 404 and user_row(wallet_app, "ybzx").disabled_at is None


@pytest.mark.parametrize(
    ("username", "display_name", "field", "message", "status"),
    [
        ("ybzx", "重名者", "username", "该用户名已被使用", 409),
        ("A B", "李娜", "username", "用户名为 3–64 位小写字母", 422),
        ("lina.clerk", "李", "display_name", "请填写姓名", 422),
    ],
)
def test_a_refused_new_user_says_why(admin, wallet_app, username, display_name, field, message, status):
    response = add(admin, username=username, display_name=display_name)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert f'id="e-{field}">' in html and message in html


def test_an_administrator_sends_a_fresh_link_and_the_old_one_stops_working(admin, wallet_app, demo_units):
    add(admin)
    old = activation_link(wallet_app, demo_units["insurer"])
    pending_id = user_row(wallet_app, "lina.clerk").id
    assert set_state(admin, pending_id, "resend").status_code == 303
    assert "的新激活链接已发到本单位邮箱" in admin.get("/unit/users").get_data(as_text=True)
    fresh = activation_link(wallet_app, demo_units["insurer"])
    assert fresh != old
    assert wallet_app.test_client().get(old).status_code == 410
    activate(wallet_app.test_client(), fresh)
    again = set_state(admin, pending_id, "resend")
    assert again.status_code == 409 and "已激活" in again.get_data(as_text=True)
