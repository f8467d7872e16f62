"""Reading what people and programs type: amounts in yuan into integer fen, text without control characters."""

from __future__ import annotations

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
