"""The rule kinds a bill's face is checked against, the amounts read from a PDF basis, the comparison with
the face, and the default table letting every generated bill through."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from common.timeutil import SHANGHAI
from fiscal_stub.generator.identity import make_people
from fiscal_stub.generator.population import drafts_for, unit_index
from fiscal_stub.models import IssuingRule
from fiscal_stub.supervision.basis_match import all_found, compare
from fiscal_stub.supervision.basis_text import amounts_in
from fiscal_stub.supervision.face_rules import BASIS_TYPES, KINDS, Face
from fiscal_stub.supervision.issuance import face_of
from fiscal_stub.supervision.rule_table import breaches, read_edit
from tests.fiscal_stub.conftest import WURINA

TODAY = date(2026, 3, 10)
FACE = Face(
    type_key="exam_fee",
    payer_type="个人",
    payer_name=WURINA[1],
    payer_id_number=WURINA[0],
    amount=15_000,
    items=[{"code": "3001", "name": "考试费", "amount": 15_000}],
    handler="",
    remark="",
    issue_day=TODAY,
    today=TODAY,
    has_basis=False,
)


def check(kind: str, face: Face, **params: object) -> str | None:
    return KINDS[kind].check(face, dict(params))


def test_required_fields_name_what_is_missing():
    assert check("required_fields", FACE, fields=["payer_name", "items"]) is None
    said = check("required_fields", FACE, fields=["payer_name", "handler", "remark"])
    assert said == "未填写：收款人、备注。"


def test_amount_range_holds_both_ends_inclusive():
    assert check("amount_range", FACE, min=15_000, max=15_000) is None
    said = check("amount_range", FACE, min=1, max=14_999)
    assert said is not None and "¥0.01 至 ¥149.99" in said and "¥150.00" in said
    assert check("amount_range", replace(FACE, amount=1), min=2, max=100) is not None


def test_item_codes_name_the_item_outside_the_list():
    assert check("item_codes", FACE, codes=["3001", "3002"]) is None
    said = check("item_codes", FACE, codes=["3002"])
    assert said == "项目“考试费”（编码 3001）不在本票据种类允许的项目编码内。"


@pytest.mark.parametrize(
    ("payer_type", "number", "passes"),
    [
        ("个人", "11010519491231002X", True),
        ("个人", "110105194912310021", False),
        ("个人", "110105194913310020", False),  # no 13th month
        ("单位", "91350100M000100Y43", True),
        ("单位", "91350100M000100Y4Z", False),
    ],
)
def test_payer_numbers_are_checked_by_their_standard(payer_type, number, passes):
    face = replace(FACE, payer_type=payer_type, payer_id_number=number)
    assert (check("payer_id_checksum", face) is None) is passes


def test_issue_date_may_be_today_or_earlier_never_later():
    assert check("issue_date_not_future", replace(FACE, issue_day=date(2026, 3, 1))) is None
    assert check("issue_date_not_future", FACE) is None
    said = check("issue_date_not_future", replace(FACE, issue_day=date(2026, 3, 11)))
    assert said == "开票日期为2026年3月11日，晚于今天（2026年3月10日）。"


def test_basis_rule_asks_for_a_basis():
    assert check("basis_required", FACE) is not None
    assert check("basis_required", replace(FACE, has_basis=True)) is None


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("金额 12,345.60", 1_234_560),
        ("交纳 12345.6元", 1_234_560),
        ("¥12345.60", 1_234_560),
        ("人民币 500 元", 50_000),
        ("１２，３４５．６０元", 1_234_560),  # full-width, as some word processors write them
        ("1.2万元", 1_200_000),
        ("壹万贰仟叁佰肆拾伍元陆角", 1_234_560),
        ("贰佰伍拾陆元叁角伍分", 25_635),
        ("壹拾万元整", 10_000_000),
        ("壹佰万零伍拾元整", 100_005_000),
        ("一万二千元整", 1_200_000),
        ("壹亿贰仟万元", 12_000_000_000),
    ],
)
def test_amounts_are_read_in_figures_and_in_words(text, fen):
    assert fen in amounts_in(f"本协议约定{text}，双方签字生效。")


def test_numbers_that_are_not_money_are_not_amounts():
    assert amounts_in("2026年3月1日签订，电话 13847100101，第 12 条") == set()


def test_a_basis_matches_when_payer_amount_and_purpose_are_found():
    text = "捐 赠 协 议\n捐赠人：乌 日 娜\n捐赠金额：人民币壹万贰仟叁佰肆拾伍元陆角\n用途：捐赠资金用于助学"
    findings = compare(text, "乌日娜", 1_234_560, ["捐赠款"], "")
    assert all_found(findings), findings


def test_each_difference_is_a_finding_with_what_the_basis_says():
    findings = {f.key: f for f in compare("甲方：王建国\n押金 12,000.00 元", "乌日娜", 1_250_000, ["押金"], "")}
    assert not findings["payer_name"].found and not findings["amount"].found and findings["purpose"].found
    assert findings["amount"].seen == "资料中的金额：¥12,000.00"
    assert findings["amount"].face == "¥12,500.00"


def test_a_basis_without_text_matches_nothing():
    findings = compare("  \n ", "乌日娜", 100, ["押金"], "")
    assert not any(f.found for f in findings) and "扫描图片" in findings[0].seen


def rule(kind: str, type_key: str = "exam_fee") -> IssuingRule:
    return IssuingRule(id=1, kind=kind, type_key=type_key, params="{}", message="提示", enabled=True, version=1)


@pytest.mark.parametrize(
    ("kind", "form", "field"),
    [
        ("amount_range", {"min": "500", "max": "100"}, "max"),
        ("amount_range", {"min": "0", "max": "100"}, "min"),
        ("amount_range", {"min": "1", "max": "1e9"}, "max"),
        ("amount_range", {"min": "1", "max": "9999999999999"}, "max"),
        ("item_codes", {}, "codes"),
        ("required_fields", {"message": "短"}, "message"),
        ("required_fields", {"message": "含控制\x00字符的提示语"}, "message"),
        ("payer_id_checksum", {"enabled": "maybe"}, "enabled"),
    ],
)
def test_bad_edits_are_refused_field_by_field(kind, form, field):
    sent = {"message": "请按规定填写后重新开具。", "enabled": "on", **form}
    edit, problems = read_edit(rule(kind), sent)
    assert edit is None and field in problems


def test_a_good_edit_reads_into_parameters():
    edit, problems = read_edit(
        rule("amount_range"), {"min": "0.01", "max": "800", "message": "超出范围。", "enabled": "off"}
    )
    assert problems == {} and edit is not None
    assert (edit.enabled, edit.params) == (False, {"min": 1, "max": 80_000})


def test_generated_bills_pass_the_default_table(sv):
    """The demo and generator's bills are what the default table was written around: none breaks it."""
    units = unit_index(sv.session)
    end = datetime(2026, 3, 10, 10, tzinfo=SHANGHAI)
    drafts = [d for p in make_people(60, 7) for d in drafts_for(p, 6, 7, end, units) if d.province == "15"]
    assert len({d.bill_type.key for d in drafts}) >= 8, "most bill types are covered"
    for draft in drafts:
        face = face_of(draft, draft.issued_at, has_basis=draft.bill_type.key in BASIS_TYPES)
        assert breaches(sv.session, face) == [], draft
