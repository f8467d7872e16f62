"""What a new claim carries of its bill and claimant so the unit inbox finds it through an index.

A bill's code, number, total and type never change, so the claim keeps its own copy; the
claimant's name is kept only as a keyed hash (the name stays sealed where it lives).
"""

from __future__ import annotations

from typing import Any

from wallet.identity import name_lookup_hash


def search_keys(code: str, number: str, total: int, type_key: str, claimant: str) -> dict[str, Any]:
    """The :class:`~wallet.models.claim.Claim` columns the inbox filters and searches by."""
    return {
        "bill_code": code,
        "bill_number": number,
        "bill_total": total,
        "type_key": type_key,
        "claimant_hash": name_lookup_hash(claimant),
    }
