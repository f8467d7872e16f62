"""Money is integer fen in storage and on the wire; these turn it into what people read."""
from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")


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
    out = []
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
        parts = []
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
