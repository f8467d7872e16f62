"""No password reaches the finance console: the outbox carries one-time activation links only."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from common.timeutil import utcnow
from tests.conftest import csrf_token_of
from tests.wallet.authorization.fixtures import UNIT_APPLICATION, unit_client_login
from tests.wallet.finance.test_console import act, admin, pending_unit  # noqa: F401  (fixtures)
from tests.wallet.unit.accounts import NEW_PASSWORD, activate, activation_link
from wallet.extensions import db
from wallet.identity import seal
from wallet.models import Unit, UnitUser
from wallet.models.unit import OUTBOX_PURPOSE, OutboxMessage

FINANCE_PAGES = ("/finance/", "/finance/outbox", "/finance/audit", "/finance/figures")


def test_no_password_appears_on_any_finance_page_or_in_any_outbox_entry(admin, wallet_app, pending_unit):
    assert act(admin, pending_unit, "approve").status_code == 303
    unit = wallet_app.test_client()
    who = activate(unit, activation_link(wallet_app, pending_unit))
    unit_client_login(unit, who)
    token = csrf_token_of(unit.get("/unit/users").get_data(as_text=True))
    assert (
        unit.post(
            "/unit/users",
            data={"csrf_token": token, "username": "qian.clerk", "display_name": "钱老师", "role": "clerk"},
        ).status_code
        == 303
    )
    with wallet_app.app_context():
        messages = [m.payload() for m in db.session.scalars(select(OutboxMessage))]
    activations = [m for m in messages if "activation_url" in m]
    assert len(activations) == 2
    for payload in messages:
        assert set(payload) <= {"text", "username", "activation_url"}
        assert "初始密码" not in payload["text"] and NEW_PASSWORD not in json.dumps(payload)
    for path in FINANCE_PAGES:
        html = admin.get(path).get_data(as_text=True)
        assert NEW_PASSWORD not in html and "初始密码" not in html and "outbox-password" not in html, path
    outbox = admin.get("/finance/outbox").get_data(as_text=True)
    for payload in activations:
        assert f'href="{payload["activation_url"]}"' in outbox


def test_a_message_from_before_activation_links_keeps_its_password_hidden(admin, wallet_app, pending_unit):
    old = {
        "text": "您单位的数字账户已开通。用户名 old，初始密码 Legacy-Pass-2025。",
        "username": "old",
        "password": "Legacy-Pass-2025",
        "totp_secret": "JBSWY3DPEHPK3PXP",
    }
    with wallet_app.app_context():
        unit = db.session.get(Unit, pending_unit)
        db.session.add(
            OutboxMessage(
                unit_id=unit.id,
                kind="credentials",
                recipient=unit.email,
                subject="单位数字账户开通通知",
                body_enc=seal(json.dumps(old, ensure_ascii=False), OUTBOX_PURPOSE),
            )
        )
        db.session.commit()
    html = admin.get("/finance/outbox").get_data(as_text=True)
    assert "Legacy-Pass-2025" not in html and "JBSWY3DPEHPK3PXP" not in html
    assert "内容含初始密码，不再显示" in html


def test_finance_sends_a_fresh_link_when_the_first_users_link_expired(admin, wallet_app, pending_unit):
    act(admin, pending_unit, "approve")
    old = activation_link(wallet_app, pending_unit)
    with wallet_app.app_context():
        db.session.execute(
            update(UnitUser)
            .where(UnitUser.unit_id == pending_unit)
            .values(activation_expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    visitor = wallet_app.test_client()
    refused = visitor.get(old).get_data(as_text=True)
    assert "请联系本单位管理员重新发送激活链接；单位的第一个用户请联系财政部门" in refused
    page = admin.get("/finance/outbox").get_data(as_text=True)
    assert "重新生成激活链接" in page
    done = admin.post(
        "/finance/outbox/resend",
        data={"csrf_token": csrf_token_of(page), "username": UNIT_APPLICATION["credit_code"].lower()},
    )
    assert done.status_code == 303
    assert "旧链接已作废" in admin.get("/finance/outbox").get_data(as_text=True)
    fresh = activation_link(wallet_app, pending_unit)
    assert fresh != old and visitor.get(old).status_code == 410
    unit_client_login(wallet_app.test_client(), activate(visitor, fresh))
    assert "重新生成激活链接" not in admin.get("/finance/outbox").get_data(as_text=True)
