"""Amounts in figures and in Chinese capitals as printed on bills."""

from __future__ import annotations

import pytest

from common.money import AmountRefused, capitals, fen_from_yuan, yuan, yuan_display


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "零元整"),
        (1, "壹分"),
        (10, "壹角整"),
        (100, "壹元整"),
        (25630, "贰佰伍拾陆元叁角整"),
        (100005, "壹仟元零伍分"),
        (1000000, "壹万元整"),
        (1010000, "壹万零壹佰元整"),
        (10000000000, "壹亿元整"),
        (10000100000, "壹亿零壹仟元整"),
        (123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
        (100100, "壹仟零壹元整"),
        (-25630, "负贰佰伍拾陆元叁角整"),
    ],
)
def test_capitals(fen, text):
    assert capitals(fen) == text


def test_figures():
    assert yuan(25630) == "256.30"
    assert yuan(-5) == "-0.05"
    assert yuan_display(123456789) == "¥1,234,567.89"


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0.1", 10),
        ("0.01", 1),
        ("1280.5", 128050),
        ("1280.50", 128050),
        ("12", 1200),
        ("0", 0),
        ("１２.３", 1230),
        ("１２．３０", 1230),
        (" 3.10\u3000", 310),
        ("999999999.99", 99_999_999_999),
        ("0000000000000000000001.00", 100),
    ],
)
def test_yuan_becomes_exact_fen(text, fen):
    assert fen_from_yuan(text) == fen


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.005", "金额最多两位小数（精确到分），如 1280.50。"),
        ("0.001", "金额最多两位小数（精确到分），如 1280.50。"),
        ("1e3", "金额只能写数字和小数点，如 1280.50。"),
        ("1E-2", "金额只能写数字和小数点，如 1280.50。"),
        ("Infinity", "金额只能写数字和小数点，如 1280.50。"),
        ("NaN", "金额只能写数字和小数点，如 1280.50。"),
        ("+5", "金额只能写数字和小数点，如 1280.50。"),
        ("1,280.50", "金额只能写数字和小数点，如 1280.50。"),
        ("1 280", "金额只能写数字和小数点，如 1280.50。"),
        (".5", "金额只能写数字和小数点，如 1280.50。"),
        ("5.", "金额只能写数字和小数点，如 1280.50。"),
        ("¥5", "金额只能写数字和小数点，如 1280.50。"),
        ("²", "数字请用半角 0–9 输入：上标、圆圈数字或其他文字的数字不能识别。"),
        ("١٢", "数字请用半角 0–9 输入：上标、圆圈数字或其他文字的数字不能识别。"),
        ("-5", "金额不能为负数。"),
        ("−5.00", "金额不能为负数。"),
        ("", "请填写金额。"),
        ("1000000000", "金额不能超过 ¥999,999,999.99，请核对。"),
        ("9" * 5000, "金额不能超过 ¥999,999,999.99，请核对。"),
    ],
)
def test_what_is_not_yuan_to_the_fen_is_refused_with_a_message(text, message):
    with pytest.raises(AmountRefused) as refused:
        fen_from_yuan(text)
    assert refused.value.message == message


def test_a_red_bills_negative_amount_where_allowed():
    assert fen_from_yuan("-328.5", negative=True) == -32850
    assert fen_from_yuan("−0.01", negative=True) == -1
    assert fen_from_yuan("-999999999.99", negative=True) == -99_999_999_999
    with pytest.raises(AmountRefused):
        fen_from_yuan("-1000000000", negative=True)


def test_a_smaller_limit():
    assert fen_from_yuan("100", max_fen=10_000) == 10_000
    with pytest.raises(AmountRefused, match="¥100.00"):
        fen_from_yuan("100.01", max_fen=10_000)
