"""The rule table over real HTTP: every kind of rule blocks issuance through the issuer API and the consoles
and writes nothing; the finance department's edits (validated, audited, CSRF-protected) change the outcome."""

from __future__ import annotations

import base64
import json
import re

import pytest
from sqlalchemy import func, select

from fiscal_stub.models import IssueBasis, IssuingRule, StatusEvent, SupervisionAudit
from tests.fiscal_stub.conftest import ISSUER_TOKEN, WURINA
from tests.fiscal_stub.supervision.conftest import CHARITY, HOSPITAL
from tests.fiscal_stub.supervision.test_supervision_http import officer_console, unit_console
from tests.fiscal_stub.test_console import console, csrf, csrf_in

EXAM = "内蒙古自治区教育考试院"


def written(sv) -> tuple[int, int, int]:
    sv.session.rollback()
    rows = [sv.session.execute(select(func.count()).select_from(t)).scalar_one() for t in (StatusEvent, IssueBasis)]
    return (sv.bill_count(), *rows)


def the_rule(sv, kind: str, type_key: str = "") -> IssuingRule:
    sv.session.rollback()
    query = select(IssuingRule).where(IssuingRule.kind == kind, IssuingRule.type_key == type_key)
    return sv.session.execute(query).scalar_one()


def set_params(sv, rule: IssuingRule, **params) -> None:
    rule.params = json.dumps(params)
    sv.session.commit()


def order(unit, **fields):
    return {
        "type": "exam_fee",
        "payer_name": WURINA[1],
        "payer_id_number": WURINA[0],
        "amount": 15000,
        "unit_code": unit.code,
        **fields,
    }


BREACHES = [
    pytest.param("required_fields", {"items": [{"name": "考试费", "amount": 15000}]}, id="required-fields"),
    pytest.param("amount_range", {"amount": 1_000_001}, id="amount-above-max"),
    pytest.param("item_codes", {"items": [{"name": "自拟项目", "amount": 15000}]}, id="item-code"),
    pytest.param("payer_id_checksum", {"payer_id_number": "110105194912310021"}, id="person-checksum"),
    pytest.param(
        "payer_id_checksum", {"payer_type": "单位", "payer_id_number": "91350100M000100Y44"}, id="unit-checksum"
    ),
    pytest.param("issue_date_not_future", {"issue_date": "2026-03-11"}, id="tomorrow"),
    pytest.param("basis_required", {"type": "donation", "amount": 20000}, id="basis-missing"),
]


@pytest.mark.parametrize(("kind", "fields"), BREACHES)
def test_each_kind_of_rule_blocks_the_issuer_api_and_writes_nothing(sv, clock, kind, fields):
    if kind == "required_fields":
        set_params(sv, the_rule(sv, kind, "exam_fee"), fields=["payer_name", "handler"])
    unit = sv.unit(CHARITY if fields.get("type") == "donation" else EXAM)
    before = written(sv)
    refused = sv.api.post("/issuer/bills", order(unit, **fields), token=ISSUER_TOKEN)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["ok"] is False and body["code"] == "rule_breach"
    assert [b["kind"] for b in body["breaches"]] == [kind]
    rule = the_rule(sv, kind, "" if kind in ("payer_id_checksum", "issue_date_not_future") else unit_type(fields))
    assert body["breaches"][0]["rule"] == rule.id and body["message"].startswith(f"未开具：{rule.message}")
    assert written(sv) == before


def unit_type(fields) -> str:
    return fields.get("type", "exam_fee")


def test_units_of_other_provinces_are_not_held_by_inner_mongolias_table(sv, clock):
    beijing = sv.api.get("/issuer/units", token=ISSUER_TOKEN, params={"province": "11"}).json()["units"]
    exam = next(u for u in beijing if "exam_fee" in u["types"])
    response = sv.api.post(
        "/issuer/bills", {**order(sv.unit(EXAM), amount=1_000_001), "unit_code": exam["code"]}, token=ISSUER_TOKEN
    )
    assert response.status_code == 201


def test_a_breach_in_the_operator_console_shows_the_rule_and_issues_nothing(sv, clock):
    browser = console(sv.api)
    home = f"{sv.api.base}/fiscal/console/"
    before = written(sv)
    form = {
        "csrf_token": csrf(browser, home),
        "type": "exam_fee",
        "payer_name": WURINA[1],
        "payer_id_number": WURINA[0],
        "amount": "10000.01",
        "unit_code": sv.unit(EXAM).code,
    }
    refused = browser.post(f"{sv.api.base}/fiscal/console/bills", data=form, timeout=30)
    assert refused.status_code == 422
    assert 'id="breach-banner"' in refused.text and 'data-rule-kind="amount_range"' in refused.text
    assert the_rule(sv, "amount_range", "exam_fee").message in refused.text
    assert "¥10,000.01" in refused.text and 'value="10000.01"' in refused.text, "what was typed stays"
    assert written(sv) == before


def test_a_unit_issues_from_its_console_and_a_breach_there_issues_nothing(sv, clock):
    exam = sv.unit(EXAM)
    sv.account(exam)
    browser = unit_console(sv, exam)
    page = f"{sv.api.base}/fiscal/console/unit/issue"
    fields = {"type": "exam_fee", "payer_name": WURINA[1], "payer_id_number": WURINA[0], "amount": "150"}
    before = written(sv)
    future = browser.post(
        page, data={"csrf_token": csrf(browser, page), **fields, "issue_date": "2026-03-12"}, timeout=30
    )
    assert future.status_code == 422 and 'data-rule-kind="issue_date_not_future"' in future.text
    assert "开票日期为2026年3月12日，晚于今天（2026年3月10日）" in future.text
    closed = browser.post(
        page, data={"csrf_token": csrf(browser, page), **fields, "issue_date": "2026-02-27"}, timeout=30
    )
    assert closed.status_code == 422 and "已结束的周期不能补开票据" in closed.text
    foreign = browser.post(page, data={"csrf_token": csrf(browser, page), **fields, "type": "court_fee"}, timeout=30)
    assert foreign.status_code == 422 and "本单位不开具这类票据" in foreign.text
    assert written(sv) == before

    done = browser.post(
        page, data={"csrf_token": csrf(browser, page), **fields, "issue_date": "2026-03-09"}, timeout=30
    )
    assert done.status_code == 200 and "已开具票据" in done.text and "¥150.00" in done.text
    bill = sv.api.post("/payer-bills", {"id_number": WURINA[0]}).json()["bills"][0]
    document = json.loads(base64.b64decode(bill["canonical"]))
    assert document["issued_at"].startswith("2026-03-09T10:00") and document["issuer"]["code"] == exam.code


def test_the_finance_department_edits_a_rule_and_the_outcome_changes(sv, clock):
    exam = sv.unit(EXAM)
    assert sv.api.post("/issuer/bills", order(exam, amount=20_000), token=ISSUER_TOKEN).status_code == 201
    rule = the_rule(sv, "amount_range", "exam_fee")
    finance = officer_console(sv)
    table = finance.get(f"{sv.api.base}/fiscal/console/finance/rules", timeout=30).text
    assert f'id="rule-{rule.id}"' in table and "¥0.01 至 ¥10,000.00" in table
    page = f"{sv.api.base}/fiscal/console/finance/rules/{rule.id}"
    form = finance.get(page, timeout=30).text
    tighter = {"min": "1.00", "max": "100.00", "message": "考务费单笔不超过100元。", "enabled": "on", "version": "1"}
    saved = finance.post(page, data={"csrf_token": csrf_in(form), **tighter}, timeout=30)
    assert saved.status_code == 200 and saved.url.endswith(f"/finance/rules#rule-{rule.id}")
    assert "¥1.00 至 ¥100.00" in saved.text

    refused = sv.api.post("/issuer/bills", order(exam, amount=20_000), token=ISSUER_TOKEN)
    assert refused.status_code == 422 and refused.json()["message"].startswith("未开具：考务费单笔不超过100元。")
    off = finance.post(
        page, data={"csrf_token": csrf(finance, page), **tighter, "enabled": "off", "version": "2"}, timeout=30
    )
    assert off.status_code == 200 and 'data-rule="amount_range"' in off.text
    assert sv.api.post("/issuer/bills", order(exam, amount=20_000), token=ISSUER_TOKEN).status_code == 201, (
        "a disabled rule does not apply"
    )

    sv.session.rollback()
    trail = (
        sv.session.execute(
            select(SupervisionAudit).where(SupervisionAudit.action == "rule.changed").order_by(SupervisionAudit.id)
        )
        .scalars()
        .all()
    )
    assert [(t.actor_kind, t.actor) for t in trail] == [("finance", "czt"), ("finance", "czt")]
    assert "¥0.01 至 ¥10,000.00 → ¥1.00 至 ¥100.00" in trail[0].detail and "提示语" in trail[0].detail
    assert trail[1].detail.endswith("启用 → 停用")
    shown = finance.get(f"{sv.api.base}/fiscal/console/finance/rules", timeout=30).text
    assert "修改开票监管规则" in shown and "启用 → 停用" in shown


def test_bad_rule_edits_change_nothing(sv, clock):
    rule = the_rule(sv, "item_codes", "exam_fee")
    finance = officer_console(sv)
    page = f"{sv.api.base}/fiscal/console/finance/rules/{rule.id}"
    good = {"code_3001": "on", "message": "请按核定项目开具。", "enabled": "on", "version": "1"}
    no_csrf = finance.post(page, data=good, timeout=30)
    assert no_csrf.status_code == 400
    none_allowed = finance.post(page, data={"csrf_token": csrf(finance, page), **good, "code_3001": ""}, timeout=30)
    assert none_allowed.status_code == 422 and "请至少允许一个项目编码" in none_allowed.text
    short = finance.post(page, data={"csrf_token": csrf(finance, page), **good, "message": "否"}, timeout=30)
    assert short.status_code == 422 and "请填写4至200个字的提示语" in short.text
    stale = finance.post(page, data={"csrf_token": csrf(finance, page), **good, "version": "0"}, timeout=30)
    assert stale.status_code == 409 and "刚被其他人修改过" in stale.text
    missing = finance.get(f"{sv.api.base}/fiscal/console/finance/rules/999999", timeout=30)
    assert missing.status_code == 404
    after = the_rule(sv, "item_codes", "exam_fee")
    assert (after.version, after.params, after.message) == (1, rule.params, rule.message)
    assert sv.session.execute(select(func.count()).select_from(SupervisionAudit)).scalar_one() == 0

    saved = finance.post(page, data={"csrf_token": csrf(finance, page), **good}, timeout=30)
    assert saved.status_code == 200
    refused = sv.api.post(
        "/issuer/bills", order(sv.unit(EXAM), items=[{"name": "报名费", "amount": 15000}]), token=ISSUER_TOKEN
    )
    assert refused.status_code == 422 and refused.json()["message"].startswith("未开具：请按核定项目开具。")
    assert "报名费" in refused.json()["breaches"][0]["detail"]


def test_the_rule_pages_need_a_finance_login(sv, clock):
    hospital = sv.unit(HOSPITAL)
    sv.account(hospital)
    unit = unit_console(sv, hospital)
    for path in ("/fiscal/console/finance/rules", "/fiscal/console/finance/reviews"):
        response = unit.get(f"{sv.api.base}{path}", timeout=30)
        assert "/finance/login?next=" in response.url
    assert re.search(r"开具票据", unit.get(f"{sv.api.base}/fiscal/console/unit/", timeout=30).text)
