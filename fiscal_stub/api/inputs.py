"""Reading request input strictly: anything malformed is a 400 with a message naming the field."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from flask import request

from common.checksums import credit_code_problem, resident_id_problem
from common.timeutil import SHANGHAI
from fiscal_stub.parsing import cycle_day_problem, has_control, parse_yuan, payer_id_shape_problem
from fiscal_stub.services.errors import FiscalError, invalid

CODE = re.compile(r"^\d{8}$", re.ASCII)
NUMBER = re.compile(r"^\d{10}$", re.ASCII)
CHECK = re.compile(r"^[0-9A-Za-z]{6}$", re.ASCII)
UNIT_CODE = re.compile(r"^[0-9A-Za-z-]{1,40}$", re.ASCII)


def json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise FiscalError(400, "invalid_json", "请求内容应为 JSON 对象，并设置 Content-Type: application/json。")
    return body


def bill_key(code: str, number: str) -> tuple[str, str]:
    if not CODE.match(code):
        raise invalid("票据代码应为8位数字。")
    if not NUMBER.match(number):
        raise invalid("票据号码应为10位数字。")
    return code, number


def text(
    body: dict[str, Any],
    name: str,
    label: str,
    max_len: int,
    required: bool = True,
    pattern: re.Pattern[str] | None = None,
) -> str:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise invalid(f"请填写{label}（{name}）。")
        return ""
    if not isinstance(value, str) or len(value.strip()) > max_len or not value.strip() or has_control(value):
        raise invalid(f"{label}（{name}）应为不超过{max_len}个字符的文本（不含控制字符）。")
    value = value.strip()
    if pattern is not None and not pattern.match(value):
        raise invalid(f"{label}（{name}）格式不正确。")
    return value


def integer(value: Any, name: str, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"{label}（{name}）应为 {low} 到 {high} 之间的整数。")
    return value


def query_limit(default: int = 100, high: int = 1000) -> int:
    raw = request.args.get("limit", "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= high:
        raise invalid(f"limit 应为 1 到 {high} 之间的整数。")
    return int(raw)


def payer_id(value: Any, payer_type: str = "个人") -> str:
    """A payer's resident ID (个人) or unified social credit code (单位), checksum included."""
    if not isinstance(value, str) or not value.strip():
        raise invalid("请提供交款人证件号码（id_number）。")
    value = value.strip().upper()
    if not value.isascii():
        raise invalid("证件号码只能包含数字和英文字母，请核对后重新输入。")
    problem = credit_code_problem(value) if payer_type == "单位" else resident_id_problem(value)
    if problem:
        raise invalid(problem)
    return value


def shaped_payer_id(value: Any, payer_type: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("请提供交款人证件号码（payer_id_number）。")
    value = value.strip().upper()
    problem = payer_id_shape_problem(value, payer_type)
    if problem:
        raise invalid(problem)
    return value


def issue_day(value: Any, today: date) -> date | None:
    if value is None or value == "":
        return None
    try:
        day = date.fromisoformat(value.strip()) if isinstance(value, str) and len(value.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise invalid("开票日期（issue_date）应为 YYYY-MM-DD，如 2026-03-06。")
    problem = cycle_day_problem(day, today)
    if problem:
        raise invalid(problem)
    return day


def any_payer_id(value: Any) -> str:
    """Platforms look payers up by either kind of number."""
    if isinstance(value, str) and len(value.strip()) == 18 and not value.strip()[:17].isdigit():
        return payer_id(value, "单位")
    return payer_id(value)


def moment(value: Any, name: str) -> datetime:
    """ISO 8601; without an offset the time is Beijing time."""
    if not isinstance(value, str):
        raise invalid(f"{name} 应为 ISO 8601 时间，如 2026-03-06T09:30:00+08:00。")
    try:
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=SHANGHAI)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise invalid(f"{name} 应为 ISO 8601 时间，如 2026-03-06T09:30:00+08:00。") from None


ELEMENTS_PROBLEM = (
    "五要素格式不正确：票据代码8位数字、票据号码10位数字、校验码6位字母或数字、开票日期YYYYMMDD、金额如 123.45。"
)


def five_elements(body: dict[str, Any]) -> tuple[str, str, str, str, int]:
    problem = FiscalError(400, "invalid_elements", ELEMENTS_PROBLEM)
    fields = [body.get(k) for k in ("code", "number", "check", "date", "amount")]
    texts = [f for f in fields if isinstance(f, str)]
    if len(texts) != len(fields):
        raise problem
    code, number, check, day, amount_text = (f.strip() for f in texts)
    amount = parse_yuan(amount_text)
    if not (CODE.match(code) and NUMBER.match(number) and CHECK.match(check)) or amount is None:
        raise problem
    if not _real_day(day):
        raise problem
    return code, number, check, day, amount


def _real_day(day: str) -> bool:
    if len(day) != 8 or not (day.isascii() and day.isdigit()):
        return False
    try:
        date(int(day[:4]), int(day[4:6]), int(day[6:8]))
    except ValueError:
        return False
    return True


def optional_date(value: object) -> str | None:
    """A ``YYYYMMDD`` date a person added to what a QR code carried, or None when absent."""
    if value is None:
        return None
    if not isinstance(value, str) or not _real_day(value.strip()):
        raise FiscalError(400, "invalid_elements", ELEMENTS_PROBLEM)
    return value.strip()


def optional_amount(value: object) -> int | None:
    """An amount in yuan a person added to what a QR code carried, in fen, or None when absent."""
    if value is None:
        return None
    fen = parse_yuan(value) if isinstance(value, str) else None
    if fen is None:
        raise FiscalError(400, "invalid_elements", ELEMENTS_PROBLEM)
    return fen
