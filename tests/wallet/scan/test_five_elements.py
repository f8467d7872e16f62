"""The five elements' formats, as the typed-in form and every QR reader apply them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from wallet.scan.five_elements import (
    PROVINCE_CODES,
    FiveElements,
    InvalidFiveElements,
    five_elements_errors,
    parse_five_elements,
    shanghai_today,
)

TODAY = date(2026, 3, 20)
GOOD = {"code": "15060126", "number": "0000012345", "check": "a1b2c3", "date": "20260315", "amount": "328.50"}


def with_field(field: str, value: str) -> dict[str, str]:
    return {**GOOD, field: value}


def test_well_formed_elements_become_canonical_values():
    elements = parse_five_elements(GOOD, today=TODAY)
    assert elements == FiveElements(
        code="15060126", number="0000012345", check="a1b2c3", issued_on=date(2026, 3, 15), amount_fen=32850
    )
    assert elements.province == "15"
    assert elements.as_fields() == GOOD


def test_check_code_is_compared_case_insensitively():
    assert parse_five_elements(with_field("check", "A1B2C3"), today=TODAY).check == "a1b2c3"


def test_full_width_input_from_a_chinese_keyboard_is_accepted():
    typed = {
        "code": "１５０６０１２６",
        "number": " ０００００１２３４５ ",
        "check": "Ａ１ｂ２ｃ３",
        "date": "２０２６－０３－１５",
        "amount": "３２８．５０",
    }
    assert parse_five_elements(typed, today=TODAY) == parse_five_elements(GOOD, today=TODAY)


def test_dashed_date_is_accepted():
    assert parse_five_elements(with_field("date", "2026-03-15"), today=TODAY).issued_on == date(2026, 3, 15)


@pytest.mark.parametrize(
    "amount, fen", [("0.01", 1), ("328.50", 32850), ("1000.00", 100000), ("999999999.99", 99_999_999_999)]
)
def test_amount_in_yuan_becomes_exact_fen(amount, fen):
    elements = parse_five_elements(with_field("amount", amount), today=TODAY)
    assert elements.amount_fen == fen
    assert elements.amount_text == amount


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("code", "1506012", "票据代码应为8位数字。"),
        ("code", "150601266", "票据代码应为8位数字。"),
        ("code", "1506012a", "票据代码应为8位数字。"),
        ("code", "16060126", "票据代码前两位应为省份代码（如内蒙古为15），请核对。"),
        ("code", "71060126", "票据代码前两位应为省份代码（如内蒙古为15），请核对。"),
        ("code", "00060126", "票据代码前两位应为省份代码（如内蒙古为15），请核对。"),
        ("number", "000001234", "票据号码应为10位数字。"),
        ("number", "00000123456", "票据号码应为10位数字。"),
        ("number", "00000-1234", "票据号码应为10位数字。"),
        ("check", "a1b2c", "校验码应为6位字母或数字。"),
        ("check", "a1b2c3d", "校验码应为6位字母或数字。"),
        ("check", "a1b2_3", "校验码应为6位字母或数字。"),
        ("check", "校验码六位", "校验码应为6位字母或数字。"),
        ("date", "2026315", "开票日期应写成20260315或2026-03-15的形式。"),
        ("date", "2026/03/15", "开票日期应写成20260315或2026-03-15的形式。"),
        ("date", "20260230", "开票日期不存在，请核对月份和日期。"),
        ("date", "20261301", "开票日期不存在，请核对月份和日期。"),
        ("date", "20260322", "开票日期不能晚于今天，请核对。"),
        ("amount", "328.5", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "328", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "328.500", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "--328.50", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "+328.50", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "- 328.50", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "1,328.50", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "0328.50", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "1e3.00", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "1000000000.00", "金额应以元为单位并保留两位小数，如328.50。"),
        ("amount", "0.00", "金额不能为0.00元，请按票据上的金额填写。"),
        ("amount", "-0.00", "金额不能为0.00元，请按票据上的金额填写。"),
    ],
)
def test_each_bad_form_of_a_field_gets_that_fields_message(field, value, message):
    assert five_elements_errors(with_field(field, value), today=TODAY) == {field: message}


@pytest.mark.parametrize(
    "amount, fen, text",
    [
        ("-328.50", -32850, "-328.50"),
        ("－３２８．５０", -32850, "-328.50"),
        ("\u2212328.50", -32850, "-328.50"),
        ("-0.01", -1, "-0.01"),
        ("-999999999.99", -99_999_999_999, "-999999999.99"),
    ],
)
def test_a_red_bills_negative_amount_is_accepted(amount, fen, text):
    elements = parse_five_elements(with_field("amount", amount), today=TODAY)
    assert elements.amount_fen == fen
    assert elements.amount_text == text


def test_a_bill_dated_tomorrow_in_china_is_still_accepted():
    assert parse_five_elements(with_field("date", "20260321"), today=TODAY).issued_on == date(2026, 3, 21)


def test_exactly_the_31_provincial_codes_are_accepted():
    assert PROVINCE_CODES == set(
        "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65".split()
    )
    for province in PROVINCE_CODES:
        assert parse_five_elements(with_field("code", f"{province}060126"), today=TODAY).province == province


def test_all_errors_are_reported_together_in_form_order():
    bad = {"code": "99", "number": "12", "check": "!", "date": "20260231", "amount": "1.5"}
    with pytest.raises(InvalidFiveElements) as raised:
        parse_five_elements(bad, today=TODAY)
    assert list(raised.value.errors) == ["code", "number", "check", "date", "amount"]
    assert raised.value.errors["date"] == "开票日期不存在，请核对月份和日期。"


def test_missing_fields_ask_to_be_filled_in():
    assert five_elements_errors({"code": "15060126", "number": "  "}, today=TODAY) == {
        "number": "请填写票据号码。",
        "check": "请填写校验码。",
        "date": "请填写开票日期。",
        "amount": "请填写金额。",
    }


def test_well_formed_elements_have_no_errors():
    assert five_elements_errors(GOOD, today=TODAY) == {}


@pytest.mark.parametrize(
    "changes",
    [
        {"code": "16060126"},
        {"code": 15060126},
        {"number": "12345"},
        {"number": 12345},
        {"check": "A1B2C3"},
        {"amount_fen": 0},
        {"amount_fen": -100_000_000_000},
        {"amount_fen": 328.5},
        {"amount_fen": True},
        {"issued_on": "20260315"},
    ],
)
def test_the_value_itself_refuses_a_non_canonical_element(changes):
    fields = {
        "code": "15060126",
        "number": "0000012345",
        "check": "a1b2c3",
        "issued_on": date(2026, 3, 15),
        "amount_fen": 32850,
    }
    with pytest.raises(InvalidFiveElements):
        FiveElements(**{**fields, **changes})


def test_without_a_given_day_the_calendar_in_china_decides_what_is_future():
    too_late = (shanghai_today() + timedelta(days=2)).strftime("%Y%m%d")
    assert five_elements_errors(with_field("date", too_late)) == {"date": "开票日期不能晚于今天，请核对。"}
