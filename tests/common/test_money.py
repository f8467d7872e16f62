"""Amounts in figures and in Chinese capitals as printed on bills."""
from __future__ import annotations

import pytest

from common.money import capitals, yuan, yuan_display


@pytest.mark.parametrize(("fen", "text"), [
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
])
def test_capitals(fen, text):
    assert capitals(fen) == text


def test_figures():
    assert yuan(25630) == "256.30"
    assert yuan(-5) == "-0.05"
    assert yuan_display(123456789) == "¥1,234,567.89"
