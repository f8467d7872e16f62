"""A unit user changes their password; a user still on an initial password must change it first."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import UnitLogin, unit_client_login
from tests.wallet.unit.test_login import password_step
from wallet.extensions import db
from wallet.models import UnitUser
from wallet.models.audit import AuditEntry

NEW = "Beijiang#Claims2027"


def change(client, current: str, new: str, again: str | None = None):
    token = csrf_token_of(client.get("/unit/password").get_data(as_text=True))
    return client.post(
        "/unit/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def test_a_unit_user_changes_their_password_and_it_is_audited(insurer, wallet_app, unit_logins):
    old = unit_logins["insurer"].password
    done = change(insurer, old, NEW)
    assert done.status_code == 303 and done.headers["Location"] == "/unit/"
    assert "密码已修改" in insurer.get("/unit/").get_data(as_text=True)
    other = wallet_app.test_client()
    assert password_step(other, "insurer", old).status_code == 401
    assert password_step(other, "insurer", NEW).status_code == 302
    with wallet_app.app_context():
        user_id = db.session.scalar(select(UnitUser.id).where(UnitUser.username == "insurer"))
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "unit.password_changed"))
    assert entry is not None and entry.subject == f"unit_user:{user_id}" and entry.detail == {"forced": False}
    assert NEW not in str(entry.detail)


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("wrong-password", NEW, None, "current_password", "当前密码不正确"),
        (None, "short1A!", None, "new_password", "密码至少 10 位"),
        (None, "alllowercaseletters", None, "new_password", "至少三类"),
        (None, NEW, "Beijiang#Claims2028", "new_password_again", "两次输入的新密码不一致"),
        (None, "Insurer#2027-claims", None, "new_password", "密码不能包含用户名"),
        (None, None, None, "new_password", "新密码不能与当前密码相同"),
    ],
)
def test_a_refused_change_says_why_in_chinese_and_changes_nothing(
    insurer, wallet_app, unit_logins, current, new, again, field, message
):
    old = unit_logins["insurer"].password
    response = change(insurer, current or old, new or old, again)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="e-{field}">' in html and message in html
    assert password_step(wallet_app.test_client(), "insurer", old).status_code == 302, "the old password still works"


def test_a_user_on_an_initial_password_is_sent_to_change_it_from_every_page(
    client, wallet_app, demo_units, unit_logins
):
    with wallet_app.app_context():
        db.session.execute(update(UnitUser).where(UnitUser.username == "employer").values(must_change_password=True))
        db.session.commit()
    who: UnitLogin = unit_logins["employer"]
    unit_client_login(client, who)
    for path in ("/unit/", "/unit/verify", "/unit/export", "/unit/integration", "/unit/users", "/unit/claims/1"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/unit/password", path
    assert client.get("/unit/", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/unit/password"
    page = client.get("/unit/password").get_data(as_text=True)
    assert "首次登录请先修改初始密码" in page and 'data-testid="forced"' in page
    assert change(client, who.password, NEW).status_code == 303
    assert client.get("/unit/").status_code == 200
    with wallet_app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "unit.password_changed"))
        assert entry.detail == {"forced": True}
        assert db.session.scalar(select(UnitUser.must_change_password).where(UnitUser.username == "employer")) is False
