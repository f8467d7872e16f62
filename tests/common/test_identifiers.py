"""One normalisation for typed identifiers: full-width is ASCII, every other non-ASCII character is refused."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.checksums import credit_code_problem, resident_id_problem
from common.identifiers import IdentifierRefused, ascii_digits, fold, positive_int
from wallet.scan.five_elements import InvalidFiveElements, parse_five_elements

ASCII_IDENTIFIER = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYabcdefxyz", min_size=1, max_size=30)
# Every decimal digit of every script except ASCII's and the full-width forms: ٣ ۳ ३ ๓ and the like.
OTHER_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii() and not 0xFF10 <= ord(c) <= 0xFF19)
# Characters str.isdigit() takes that are no decimal digit: ² ³ ① ⑴ ….
DIGIT_LOOKALIKES = st.characters().filter(lambda c: c.isdigit() and not c.isdecimal())


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(ASCII_IDENTIFIER)
def test_full_width_input_equals_ascii_input(text):
    assert fold(full_width(text)) == fold(text) == text
    assert fold("\u3000" + full_width(text) + " ") == text


@given(ASCII_IDENTIFIER, st.one_of(OTHER_DIGITS, DIGIT_LOOKALIKES), st.integers(min_value=0, max_value=30))
def test_any_other_digit_is_refused_with_a_message(text, digit, where):
    typed = text[:where] + digit + text[where:]
    with pytest.raises(IdentifierRefused) as refused:
        fold(typed)
    assert refused.value.digit_like and "半角 0–9" in refused.value.message
    assert not ascii_digits(typed)
    assert positive_int(typed, 10**9) is None


@given(st.text(max_size=40))
def test_checksums_answer_any_text_with_a_message_never_an_exception(text):
    assert resident_id_problem(text) is None or "身份证号码" in resident_id_problem(text)
    assert credit_code_problem(text) is None or "统一社会信用代码" in credit_code_problem(text)


@given(st.dictionaries(st.sampled_from(["code", "number", "check", "date", "amount"]), st.text(max_size=30)))
def test_five_elements_refuse_any_text_field_by_field(fields):
    try:
        parse_five_elements(fields)
    except InvalidFiveElements as invalid:
        assert invalid.errors and all(isinstance(m, str) and m for m in invalid.errors.values())


def test_the_unit_application_example_is_a_clear_refusal_not_a_crash():
    assert resident_id_problem("1101051949123100²X") == "身份证号码应为18位，前17位为数字，最后一位为数字或X。"
    assert resident_id_problem("１１０１０５１９４９１２３１００２Ｘ") is None
    assert resident_id_problem("１１０１０５１９４９１２３１００２ｘ") is None


def test_typed_five_elements_in_full_width_read_as_ascii():
    typed = {
        "code": "１５０６０１２６",
        "number": "０００００１２３４５",
        "check": "Ａ１Ｂ２Ｃ３",
        "date": "２０２６－０３－１５",
        "amount": "３２８．５０",
    }
    assert parse_five_elements(typed).as_fields() == {
        "code": "15060126",
        "number": "0000012345",
        "check": "a1b2c3",
        "date": "20260315",
        "amount": "328.50",
    }
    with pytest.raises(InvalidFiveElements) as invalid:
        parse_five_elements({**typed, "number": "٠٠٠٠٠١٢٣٤٥"})
    assert invalid.value.errors == {"number": "数字请用半角 0–9 输入：上标、圆圈数字或其他文字的数字不能识别。"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("0", None),
        ("12", None),
        ("²", None),
        ("٣", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("010", None),
    ],
)
def test_positive_int_takes_only_ascii_digits_in_range(text, expected):
    assert positive_int(text, 10) == expected


def test_no_character_outside_the_full_width_block_is_folded():
    folded_elsewhere = [
        c
        for c in map(chr, range(0x80, 0x3000))
        if unicodedata.normalize("NFKC", c).isascii() and unicodedata.normalize("NFKC", c).strip()
    ]
    assert folded_elsewhere  # NFKC would fold these (², ①, ﬁ …); the identifier rule refuses them
    for char in folded_elsewhere:
        with pytest.raises(IdentifierRefused):
            fold(char)


def test_the_unit_application_reads_full_width_identifiers_and_refuses_other_digits():
    from wallet.services.unit_forms import UnitApplication

    form = {
        "name": "内蒙古某某保险公司",
        "credit_code": "９１１５０１００ＭＡ０ＮＢＪ７Ｒ５８",
        "unit_type": "insurer",
        "address": "呼和浩特市新城区",
        "legal_rep": "张三",
        "contact_name": "李四",
        "contact_phone": "１３９０４７１００２１",
        "contact_id": "１１０１０５１９４９１２３１００２ｘ",
        "email": "a@b.cn",
    }
    app, problems = UnitApplication.from_form(form)
    assert (app.credit_code, app.contact_phone, app.contact_id) == (
        "91150100MA0NBJ7R58",
        "13904710021",
        "11010519491231002X",
    )
    assert "credit_code" not in problems and "contact_phone" not in problems and "contact_id" not in problems
    _, problems = UnitApplication.from_form({**form, "contact_phone": "١٣٩٠٤٧١٠٠٢١"})
    assert "contact_phone" in problems


def test_an_id_number_typed_two_ways_is_one_person():
    from wallet.identity.protection import normalize_id_number

    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == normalize_id_number("11010519491231002X")
