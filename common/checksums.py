"""Check characters of the two national identifiers the platform handles.

Resident ID numbers follow GB 11643-1999 and unified social credit codes GB 32100-2015,
whose positions 9–17 are an organisation code with its own GB 11714 check character;
both stubs and the wallet validate with these same functions wherever a number enters.
"""

from __future__ import annotations

import re
from datetime import date

from common.identifiers import ascii_digits, fold_or_none
from common.translatable import gettext

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")


def resident_id_check_char(first17: str) -> str:
    if len(first17) != 17 or not ascii_digits(first17):
        raise ValueError("need the first 17 digits")
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def resident_id_birthdate(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def resident_id_problem(number: str) -> str | None:
    """Why ``number`` is not a valid resident ID number (in Chinese), or None when it is.

    Full-width forms count as their ASCII selves (:mod:`common.identifiers`).
    """
    value = (fold_or_none(number) or "").upper()
    if not _RESIDENT_ID.fullmatch(value):
        return gettext("身份证号码应为18位，前17位为数字，最后一位为数字或X。")
    try:
        resident_id_birthdate(value)
    except ValueError:
        return gettext("身份证号码中的出生日期不存在，请核对。")
    if resident_id_check_char(value[:17]) != value[17]:
        return gettext("身份证号码校验位不正确，请核对后重新输入。")
    return None


def valid_resident_id(number: str) -> bool:
    return resident_id_problem(number) is None


def credit_code_check_char(first17: str) -> str:
    values = [USCC_ALPHABET.index(c) for c in first17]
    if len(values) != 17:
        raise ValueError("need the first 17 characters")
    return USCC_ALPHABET[(31 - sum(v * w for v, w in zip(values, USCC_WEIGHTS, strict=True)) % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code (in Chinese), or None."""
    value = (fold_or_none(code) or "").upper()
    if len(value) != 18 or any(c not in USCC_ALPHABET for c in value):
        return "统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）。"
    if credit_code_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位不正确，请核对后重新输入。"
    if not valid_organisation_code(value[8:17]):
        return "统一社会信用代码中的组织机构代码（第9至17位）校验位不正确，请核对后重新输入。"
    return None


def valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None


def organisation_code_check_char(first8: str) -> str:
    """GB 11714: the ninth character of an organisation code (letters count A=10 … Z=35)."""
    if len(first8) != 8 or not all(c.isascii() and c.isalnum() for c in first8):
        raise ValueError("need the first 8 characters")
    remainder = 11 - sum(int(c, 36) * w for c, w in zip(first8.upper(), ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def valid_organisation_code(code: str) -> bool:
    """Whether a nine-character organisation code (as in a credit code's positions 9–17) checks."""
    value = code.strip().upper()
    return (
        len(value) == 9 and value.isascii() and value.isalnum() and organisation_code_check_char(value[:8]) == value[8]
    )
