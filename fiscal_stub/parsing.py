"""Reading what people and programs type: amounts in yuan into integer fen, text without control characters."""
from __future__ import annotations

import re

YUAN_PATTERN = re.compile(r"^(-?)(\d{1,12})(?:\.(\d{1,2}))?$", re.ASCII)


def parse_yuan(text: str) -> int | None:
    """``"123.45"`` → ``12345`` without floats; None when the text is not an amount."""
    match = YUAN_PATTERN.match(text.strip())
    if not match:
        return None
    sign, whole, cents = match.groups()
    value = int(whole) * 100 + int((cents or "0").ljust(2, "0"))
    return -value if sign else value


def has_control(value: str) -> bool:
    """Control characters (NUL above all) never belong in names, remarks or codes."""
    return any(ord(c) < 32 or ord(c) == 127 for c in value)
