"""Canonical JSON is RFC 8785 to the byte, and equals the former form for the data already stored."""

from __future__ import annotations

import json
import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.canonical_json import canonical_json


def test_rfc8785_section_3_2_2_example():
    value = json.loads(
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        r' "string": "\u20ac$\u000F\u000aA\u0027\u0042\u0022\u005c\\\"\/",'
        ' "literals": [null, true, false]}'
    )
    assert (
        canonical_json(value)
        == (
            '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            r'"string":"€$\u000f\nA'
            "'"
            r'B\"\\\\\"/"}'
        ).encode()
    )


def test_rfc8785_section_3_2_3_keys_sort_by_utf16_code_units():
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    keys = list(json.loads(canonical_json(value)))
    # U+1F600 is the surrogate pair D83D DE00 in UTF-16, so it sorts before U+FB33 (unlike code points)
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("bits", "text"),
    [
        (0x0000000000000000, "0"),
        (0x8000000000000000, "0"),
        (0x0000000000000001, "5e-324"),
        (0x7FEFFFFFFFFFFFFF, "1.7976931348623157e+308"),
        (0x4340000000000000, "9007199254740992"),
        (0x4430000000000000, "295147905179352830000"),
        (0x44B52D02C7E14AF6, "1e+23"),
        (0x444B1AE4D6E2EF50, "1e+21"),
        (0x3EB0C6F7A0B5ED8D, "0.000001"),
        (0x41B3DE4355555555, "333333333.3333333"),
        (0xBECBF647612F3696, "-0.0000033333333333333333"),
        (0x43143FF3C1CB0959, "1424953923781206.2"),
    ],
)
def test_rfc8785_appendix_b_numbers_format_as_ecmascript(bits, text):
    (number,) = struct.unpack(">d", bits.to_bytes(8, "big"))
    assert canonical_json([number]) == f"[{text}]".encode()


def test_non_ascii_stays_utf8_and_controls_are_escaped():
    assert canonical_json({"名称": "医疗门诊收费票据\u0001\t"}) == '{"名称":"医疗门诊收费票据\\u0001\\t"}'.encode()


@pytest.mark.parametrize("value", [math.nan, math.inf, 2**53, -(2**53), "\ud800", {"a": [1, {"b": 2**64}]}])
def test_what_jcs_cannot_hold_is_a_value_error(value):
    with pytest.raises(ValueError):
        canonical_json(value)


def _legacy(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


SAFE_INT = st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
TEXT = st.text(st.characters(exclude_categories=["Cs"]))
BMP_KEY = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]))
STORED = st.recursive(
    st.none() | st.booleans() | SAFE_INT | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(BMP_KEY, inner, max_size=4),
    max_leaves=20,
)


@given(STORED)
def test_stored_shapes_keep_their_former_bytes(value):
    """Audit hashes, signed bills and receipts made before RFC 8785 still verify: same bytes."""
    assert canonical_json(value) == _legacy(value)
