"""The unit account application: every field checked (the credit code by GB 32100), one live account per code."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.wallet.authorization.fixtures import UNIT_APPLICATION as GOOD
from tests.wallet.authorization.fixtures import apply_for_unit as apply
from wallet.demo import DEMO_UNITS, seed_demo_units
from wallet.extensions import db
from wallet.models import Unit


def test_a_valid_application_waits_for_the_finance_department(client, wallet_app):
    response = apply(client)
    assert response.status_code == 303
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "呼和浩特市第一中学的单位数字账户申请已提交" in done and "office@yizhong.example.cn" in done
    with wallet_app.app_context():
        unit = db.session.scalar(select(Unit))
        assert (unit.state, unit.credit_code, unit.code_claim) == ("pending", GOOD["credit_code"], GOOD["credit_code"])
        assert unit.masked_contact_id == "1101**********002X"
        assert b"11010519491231002X" not in unit.contact_id_enc


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91350100M000100Y4Z", "统一社会信用代码应为18位"),
        ("credit_code", "91350100M000100Y44", "校验位不正确"),
        ("contact_id", "110105194912310021", "身份证号码校验位不正确"),
        ("unit_type", "bank", "请选择单位类型"),
        ("contact_phone", "12345", "联系电话应为"),
        ("email", "not-an-email", "请填写正确的电子邮箱"),
        ("name", "", "请填写单位全称"),
    ],
)
def test_each_wrong_field_is_named_and_nothing_is_stored(client, wallet_app, field, value, message):
    response = apply(client, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with wallet_app.app_context():
        assert db.session.scalar(select(Unit.id)) is None


def test_all_problems_are_reported_at_once(client):
    response = apply(client, credit_code="X", contact_id="1", email="")
    assert "有 3 项需要修改" in response.get_data(as_text=True)


def test_a_second_application_with_the_same_credit_code_is_refused(client, wallet_app):
    apply(client)
    again = apply(client, name="另一个名字")
    assert again.status_code == 422 and "已有单位账户或申请正在审核中" in again.get_data(as_text=True)
    with wallet_app.app_context():
        assert len(db.session.scalars(select(Unit)).all()) == 1


def test_the_demo_units_pass_the_checks_every_applicant_meets(wallet_app):
    assert {u.key: u.problems() for u in DEMO_UNITS} == {u.key: {} for u in DEMO_UNITS}
    with wallet_app.app_context():
        seed_demo_units()
        stored = {u.credit_code: (u.state, u.masked_contact_id) for u in db.session.scalars(select(Unit))}
    assert stored == {u.credit_code: ("active", u.contact_id[:4] + "*" * 10 + u.contact_id[-4:]) for u in DEMO_UNITS}
