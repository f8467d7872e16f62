"""How real-name data looks on screen: enough to recognise, not enough to misuse."""

from __future__ import annotations

from common.masking import mask_id_number

__all__ = ["mask_id_number", "mask_name", "mask_phone"]


def mask_name(name: str) -> str:
    """``乌日娜`` → ``乌*娜``, ``王伟`` → ``王*``; the ``·`` of a transliterated name stays."""
    chars = list(name.strip())
    if len(chars) <= 1:
        return "*" if chars else ""
    if len(chars) == 2:
        return chars[0] + "*"
    middle = ["·" if c in "·•." else "*" for c in chars[1:-1]]
    return chars[0] + "".join(middle) + chars[-1]


def mask_phone(phone: str) -> str:
    """``13904710321`` → ``139****0321``."""
    value = phone.strip()
    return value[:3] + "****" + value[-4:] if len(value) == 11 else "*" * len(value)
