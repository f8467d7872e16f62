"""Money is integer fen in storage and on the wire; these turn it into what people read and back."""

from __future__ import annotations

import re
from decimal import Decimal

from common.identifiers import IdentifierRefused, fold
from common.translatable import N_, gettext

MAX_FEN = 99_999_999_999  # 999,999,999.99 yuan: above any single bill, below any overflow
YUAN = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
AMOUNT_FORMAT = N_("金额只能写数字和小数点，如 1280.50。")
AMOUNT_CENTS = N_("金额最多两位小数（精确到分），如 1280.50。")
AMOUNT_NEGATIVE = N_("金额不能为负数。")
AMOUNT_EMPTY = N_("请填写金额。")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")


class AmountRefused(ValueError):
    """Text that is not an amount in yuan to the fen; ``message`` says what to type, for people."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def fen_from_yuan(text: str, *, negative: bool = False, max_fen: int = MAX_FEN) -> int:
    """``"1280.5"`` → ``128050``, exactly (Decimal, never float), or AmountRefused.

    Digits typed full-width on a phone (``１２.３``) count as digits (:func:`common.identifiers.fold`);
    an exponent, a plus sign, grouping commas, a third decimal or any other character is
    refused rather than guessed at. A minus sign only where ``negative`` (a red bill's amount).
    """
    try:
        folded = fold(text)
    except IdentifierRefused as refused:
        raise AmountRefused(refused.message if refused.digit_like else gettext(AMOUNT_FORMAT)) from refused
    if not folded:
        raise AmountRefused(gettext(AMOUNT_EMPTY))
    match = YUAN.fullmatch(folded)
    if match is None:
        raise AmountRefused(gettext(AMOUNT_FORMAT))
    sign, whole, decimals = match.groups()
    if len(decimals or "") > 2:
        raise AmountRefused(gettext(AMOUNT_CENTS))
    if sign and not negative:
        raise AmountRefused(gettext(AMOUNT_NEGATIVE))
    too_large = AmountRefused(gettext("金额不能超过 %(max)s，请核对。", max=yuan_display(max_fen)))
    if len(whole.lstrip("0")) > len(str(max_fen)):  # before Decimal and int() meet thousands of digits
        raise too_large
    fen = int(Decimal(folded).scaleb(2))
    if abs(fen) > max_fen:
        raise too_large
    return fen


def yuan(fen: int) -> str:
    """``12345`` → ``"123.45"`` (negative for red bills)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def yuan_display(fen: int) -> str:
    """``1234567`` → ``"¥12,345.67"``: figures as a bill prints them."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def _four_digits(group: int) -> str:
    """Read 0–9999 with 零 for inner gaps; the caller handles gaps between groups."""
    out: list[str] = []
    zero_pending = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(DIGITS[digit] + SMALL_UNITS[position])
    return "".join(out)


def capitals(fen: int) -> str:
    """Chinese financial capitals (大写), e.g. 25630 → 贰佰伍拾陆元叁角整."""
    if fen == 0:
        return "零元整"
    prefix = "负" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    text = ""
    if whole:
        groups = []
        while whole:
            whole, group = divmod(whole, 10000)
            groups.append(group)
        parts: list[str] = []
        need_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                need_zero = bool(parts)
                continue
            if parts and (need_zero or group < 1000):
                parts.append("零")
            parts.append(_four_digits(group) + BIG_UNITS[index])
            need_zero = False
        text = "".join(parts) + "元"
    jiao, fen_digit = divmod(cents, 10)
    if jiao == 0 and fen_digit == 0:
        return prefix + text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    else:
        text += "整"
    return prefix + text
