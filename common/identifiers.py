"""One normalisation for every identifier a person types: bill elements, ID numbers, credit codes, phones.

Phones and Chinese input methods type full-width forms (１２３, ＡＢＣ, the ideographic
space); those are folded to ASCII with Unicode NFKC. Every other non-ASCII character is
refused rather than folded: NFKC would also turn ² or ① into 2 and 1, digits nobody
meant to type, and Python's ``str.isdigit()`` accepts superscripts and Arabic-Indic
digits that ``int()`` then rejects — the source of answers 500 where a 400 belongs.
So identifiers are checked with :func:`ascii_digits` / :data:`ASCII_ALNUM`, never ``isdigit()``.
"""

from __future__ import annotations

import re
import unicodedata

from common.translatable import N_, gettext

FULL_WIDTH = range(0xFF01, 0xFF5F)  # the full-width forms of ASCII ! … ~
IDEOGRAPHIC_SPACE = "\u3000"
MINUS_SIGN = "\u2212"  # typographic minus, as a red bill's amount is often typed
ASCII_DIGITS = re.compile(r"[0-9]+")
ASCII_ALNUM = re.compile(r"[0-9A-Za-z]+")
NOT_ASCII = N_("只能输入半角数字或字母，请删去其他文字和符号。")
NOT_ASCII_DIGIT = N_("数字请用半角 0–9 输入：上标、圆圈数字或其他文字的数字不能识别。")


class IdentifierRefused(ValueError):
    """An identifier with a character no identifier may hold; ``message`` is for people.

    ``digit_like`` tells a digit of another kind (², ①, ٣) from any other character, so a
    form can say which mistake was made.
    """

    def __init__(self, char: str) -> None:
        self.digit_like = char.isdigit() or unicodedata.numeric(char, -1) >= 0
        self.message = gettext(NOT_ASCII_DIGIT if self.digit_like else NOT_ASCII)
        super().__init__(self.message)


def fold(text: object) -> str:
    """``text`` with full-width forms made ASCII and outer white space dropped; anything else non-ASCII refused."""
    value = "" if text is None else str(text)
    folded = "".join(_fold_char(char) for char in value)
    return folded.strip()


def _fold_char(char: str) -> str:
    if char.isascii():
        return char
    if ord(char) in FULL_WIDTH:
        return unicodedata.normalize("NFKC", char)
    if char == IDEOGRAPHIC_SPACE or char.isspace():
        return " "
    if char == MINUS_SIGN:
        return "-"
    raise IdentifierRefused(char)


def fold_or_none(text: object) -> str | None:
    """:func:`fold`, or None where ``text`` holds a character no identifier may hold."""
    try:
        return fold(text)
    except IdentifierRefused:
        return None


def ascii_digits(text: object) -> bool:
    """Whether ``text`` is one or more ASCII digits (unlike ``str.isdigit()``, which takes ² and ٣)."""
    return isinstance(text, str) and ASCII_DIGITS.fullmatch(text) is not None


def positive_int(text: object, limit: int) -> int | None:
    """A whole number 1 … ``limit`` from query or form text, or None: ids, page numbers, counts."""
    if not ascii_digits(text) or len(str(text)) > len(str(limit)):
        return None
    value = int(str(text))
    return value if 1 <= value <= limit else None
