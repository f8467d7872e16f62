"""How an ID number is shown wherever one is printed or displayed: enough to recognise, not enough to misuse.

The wallet's pages and the network's printed bills both show the payer's ID number
masked, the same way, so one function serves both.
"""

from __future__ import annotations


def mask_id_number(id_number: str) -> str:
    """``15010219860314110X`` → ``1501**********110X`` (region prefix and last four kept)."""
    value = id_number.strip().upper()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
