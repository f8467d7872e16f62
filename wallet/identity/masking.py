"""How real-name data looks on screen: enough to recognise, not enough to misuse."""
from __future__ import annotations


def mask_id_number(id_number: str) -> str:
    """``15010219860314110X`` → ``1501**********110X`` (region prefix and last four kept)."""
    value = id_number.strip().upper()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


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
