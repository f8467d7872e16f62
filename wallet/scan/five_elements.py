"""The five elements (五要素) that identify and verify one fiscal e-bill.

Every way a bill enters the wallet — a QR code, a photo, typed fields — ends in the
same frozen value, so the rules for each element live here once. Validation collects
one Chinese message per field instead of stopping at the first, because the typed-in
form shows every problem next to its field at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from common.identifiers import IdentifierRefused, fold
from common.money import MAX_FEN, AmountRefused, fen_from_yuan, yuan
from common.regions import PROVINCE_NAMES
from common.timeutil import SHANGHAI
from common.translatable import N_, gettext

FIELDS = ("code", "number", "check", "date", "amount")
LABELS = {
    "code": N_("票据代码"),
    "number": N_("票据号码"),
    "check": N_("校验码"),
    "date": N_("开票日期"),
    "amount": N_("金额"),
}

PROVINCE_CODES = frozenset(PROVINCE_NAMES)  # GB/T 2260 codes of the 31 provincial-level regions

_CODE = re.compile(r"[0-9]{8}")
_NUMBER = re.compile(r"[0-9]{10}")
_CHECK = re.compile(r"[0-9a-z]{6}")
_DATE_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_DATE_DASHED = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")

MESSAGES = {
    "code_format": N_("票据代码应为8位数字。"),
    "code_province": N_("票据代码前两位应为省份代码（如内蒙古为15），请核对。"),
    "number_format": N_("票据号码应为10位数字。"),
    "check_format": N_("校验码应为6位字母或数字。"),
    "date_format": N_("开票日期应写成20260315或2026-03-15的形式。"),
    "date_unreal": N_("开票日期不存在，请核对月份和日期。"),
    "date_future": N_("开票日期不能晚于今天，请核对。"),
    "amount_format": N_("金额应以元为单位并保留两位小数，如328.50。"),
    "amount_zero": N_("金额不能为0.00元，请按票据上的金额填写。"),
}


def label(field: str) -> str:
    """A field's name in the request's locale (``LABELS`` keeps the Chinese the API reads)."""
    return gettext(LABELS[field])


def message(problem: str) -> str:
    """What to fix, in the request's locale: said when the form or the API is answered."""
    return gettext(MESSAGES[problem])


class InvalidFiveElements(ValueError):
    """Raised with every field's problem at once: ``errors`` maps field name to message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("；".join(self.errors.values()))


@dataclass(frozen=True)
class FiveElements:
    """A bill's five elements in canonical form: amounts in fen, the check code in lowercase.

    The amount is never zero; it is negative only on a red (冲红) bill, which prints its
    reversed total with a minus sign and is verified like any other bill.
    """

    code: str
    number: str
    check: str
    issued_on: date
    amount_fen: int

    def __post_init__(self) -> None:
        errors = {
            field: message
            for field, message in (
                ("code", _code_problem(self.code)),
                ("number", None if _matches(_NUMBER, self.number) else message("number_format")),
                ("check", None if _matches(_CHECK, self.check) else message("check_format")),
                ("date", None if type(self.issued_on) is date else message("date_format")),
                ("amount", _amount_fen_problem(self.amount_fen)),
            )
            if message
        }
        if errors:
            raise InvalidFiveElements(errors)

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def date_text(self) -> str:
        return self.issued_on.strftime("%Y%m%d")

    @property
    def amount_text(self) -> str:
        return yuan(self.amount_fen)

    def as_fields(self) -> dict[str, str]:
        """The elements as the text a form or a status-page query carries, in canonical order."""
        return {
            "code": self.code,
            "number": self.number,
            "check": self.check,
            "date": self.date_text,
            "amount": self.amount_text,
        }


def submitted_fields(source: Mapping[str, object]) -> dict[str, str]:
    """The five fields as a form or query sent them, each cut short (they are shown back on the page)."""
    return {field: str(source.get(field) or "")[:40] for field in FIELDS}


def shanghai_today() -> date:
    return datetime.now(SHANGHAI).date()


def five_elements_errors(fields: Mapping[str, object], *, today: date | None = None) -> dict[str, str]:
    """Every field's problem (in form order), empty when the five elements are well formed."""
    try:
        parse_five_elements(fields, today=today)
    except InvalidFiveElements as invalid:
        return invalid.errors
    return {}


def parse_five_elements(fields: Mapping[str, object], *, today: date | None = None) -> FiveElements:
    """Five elements from text fields keyed code/number/check/date/amount, or every problem at once.

    ``today`` is the issuing side's calendar day (China); a bill dated up to one day later
    is still accepted so a bill issued just after midnight in another clock is not refused.
    """
    day = today or shanghai_today()
    parsers: dict[str, Callable[[str], tuple[object, str | None]]] = {
        "code": lambda text: (text, _code_problem(text)),
        "number": lambda text: (text, None if _NUMBER.fullmatch(text) else message("number_format")),
        "check": lambda text: (text.lower(), None if _CHECK.fullmatch(text.lower()) else message("check_format")),
        "date": lambda text: _parse_date(text, day),
        "amount": _parse_amount,
    }
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        try:
            text = fold(fields.get(field))
        except IdentifierRefused as refused:
            errors[field] = refused.message if refused.digit_like else message(f"{field}_format")
            continue
        value, problem = parsers[field](text) if text else (None, gettext("请填写%(field)s。", field=label(field)))
        if problem:
            errors[field] = problem
        else:
            parsed[field] = value
    if errors:
        raise InvalidFiveElements(errors)
    return FiveElements(
        code=parsed["code"],
        number=parsed["number"],
        check=parsed["check"],
        issued_on=parsed["date"],
        amount_fen=parsed["amount"],
    )


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _code_problem(code: object) -> str | None:
    if not isinstance(code, str) or not _matches(_CODE, code):
        return message("code_format")
    if code[:2] not in PROVINCE_CODES:
        return message("code_province")
    return None


def _amount_fen_problem(fen: object) -> str | None:
    if type(fen) is not int or abs(fen) > MAX_FEN:
        return message("amount_format")
    return message("amount_zero") if fen == 0 else None


def _parse_date(text: str, today: date) -> tuple[date | None, str | None]:
    match = _DATE_COMPACT.fullmatch(text) or _DATE_DASHED.fullmatch(text)
    if not match:
        return None, message("date_format")
    try:
        value = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None, message("date_unreal")
    if value > today + timedelta(days=1):
        return None, message("date_future")
    return value, None


def _parse_amount(text: str) -> tuple[int | None, str | None]:
    """The amount as the bill prints it: two decimals, no leading zero; negative on a red (冲红) bill."""
    try:
        fen = fen_from_yuan(text, negative=True)
    except AmountRefused:
        return None, message("amount_format")
    if fen == 0:
        return None, message("amount_zero")
    return (fen, None) if yuan(fen) == text else (None, message("amount_format"))
