"""The standards' own examples pin the check-character rules."""

from __future__ import annotations

import pytest

from common.checksums import (
    credit_code_check_char,
    credit_code_problem,
    organisation_code_check_char,
    resident_id_check_char,
    resident_id_problem,
    valid_credit_code,
    valid_organisation_code,
    valid_resident_id,
)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", "11010519491231002x"])
def test_standard_examples_of_resident_ids_are_valid(number):
    assert valid_resident_id(number)


def test_wrong_check_digit_is_refused_with_reason():
    assert resident_id_problem("110105194912310021") == "身份证号码校验位不正确，请核对后重新输入。"


def test_impossible_birth_date_is_refused_even_with_right_check_digit():
    first17 = "11010519490231002"
    assert "出生日期" in resident_id_problem(first17 + resident_id_check_char(first17))


@pytest.mark.parametrize("number", ["", "1101051949123100", "11010519491231002Y", "A1010519491231002X"])
def test_malformed_resident_ids_are_refused(number):
    assert not valid_resident_id(number)


def test_credit_code_standard_example():
    assert valid_credit_code("91350100M000100Y43")
    assert not valid_credit_code("91350100M000100Y4Z")
    assert credit_code_check_char("91350100M000100Y4") == "3"


def test_organisation_code_inside_the_credit_code_example_checks():
    assert organisation_code_check_char("M000100Y") == "4"
    assert valid_organisation_code("91350100M000100Y43"[8:17])
    assert not valid_organisation_code("M000100Y5")


@pytest.mark.parametrize(
    ("first8", "check"), [("00000000", "0"), ("00000001", "9"), ("10000000", "8"), ("00000030", "X")]
)
def test_organisation_code_check_character_maps_ten_to_x_and_eleven_to_zero(first8, check):
    assert organisation_code_check_char(first8) == check


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100I43", "91350100m000100y43x"])
def test_malformed_credit_codes_are_refused(code):
    assert not valid_credit_code(code)


def test_a_credit_code_whose_organisation_code_does_not_check_is_refused():
    # The GB 32100 check character of this code is right; its positions 9–17 fail GB 11714.
    assert credit_code_check_char("91150100MA0NBJ7R2") == "Y"
    assert credit_code_problem("91150100MA0NBJ7R2Y") == (
        "统一社会信用代码中的组织机构代码（第9至17位）校验位不正确，请核对后重新输入。"
    )
    assert credit_code_problem("91150100MA0NBJ7R58") is None
