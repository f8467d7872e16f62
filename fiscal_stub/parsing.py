"""Reading what people and programs type: amounts in yuan into integer fen, text without control characters,
the shape of a payer's number and the days a bill may be dated."""

from __future__ import annotations

import re
from datetime import date

from common.money import AmountRefused, fen_from_yuan


def parse_yuan(text: str) -> int | None:
    """:func:`common.money.fen_from_yuan`, a red bill's minus allowed; None where it refuses.

    The network's answers to a wrong amount are its own (one message for all five elements).
    """
    try:
        return fen_from_yuan(text, negative=True)
    except AmountRefused:
        return None


def has_control(value: str) -> bool:
    """Control characters (NUL above all) never belong in names, remarks or codes."""
    return any(ord(c) < 32 or ord(c) == 127 for c in value)


PERSON_ID = re.compile(r"^[0-9]{17}[0-9X]$", re.ASCII)
UNIT_ID = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$", re.ASCII)


def payer_id_shape_problem(value: str, payer_type: str) -> str | None:
    """Whether an issue order's payer number has the standard's shape; its check character is the rule
    table's to judge (交款人证件号码校验), so the finance department decides what a bad one does."""
    if payer_type == "单位":
        ok, said = UNIT_ID.match(value), "统一社会信用代码应为18位数字或大写字母（不含 I、O、Z、S、V）。"
    else:
        ok, said = PERSON_ID.match(value), "居民身份证号码应为18位：17位数字加1位数字或X。"
    return None if ok else said


def cycle_day_problem(day: date, today: date) -> str | None:
    """A 开票日期 stays inside the open write-off cycle (this month): a closed cycle is written off."""
    start = today.replace(day=1)
    following = date(start.year + 1, 1, 1) if start.month == 12 else date(start.year, start.month + 1, 1)
    if start <= day < following:
        return None
    return f"开票日期应在本核销周期内（{start.month}月1日至月末），已结束的周期不能补开票据。"
