"""Levels of assurance (``acr``): how surely the person at the keyboard is who they claim to be.

``urn:mengsuban:loa:2`` — phone number + SMS code (the demo persona list stands in for it);
``urn:mengsuban:loa:3`` — face verification against the real-name photo (simulated here).
A client asks for level 3 with ``acr_values`` or an essential ``acr`` claim in ``claims``;
the stub then verifies the face again for that very request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

LOA_SMS = "urn:mengsuban:loa:2"
LOA_FACE = "urn:mengsuban:loa:3"
SUPPORTED = (LOA_SMS, LOA_FACE)
RANK = {LOA_SMS: 2, LOA_FACE: 3}


def _acr_from_claims_parameter(raw: str) -> list[str]:
    try:
        claims = json.loads(raw)
        acr = claims["id_token"]["acr"]
    except (ValueError, KeyError, TypeError):
        return []
    if not isinstance(acr, dict):
        return []
    values = acr.get("values") or ([acr["value"]] if "value" in acr else [])
    return [v for v in values if isinstance(v, str)]


def requested_acr(params: Mapping[str, str]) -> str:
    """The strongest supported level the request asks for; phone + SMS when it asks for none."""
    asked = (params.get("acr_values") or "").split()
    if params.get("claims"):
        asked += _acr_from_claims_parameter(params["claims"])
    known = [value for value in asked if value in RANK]
    return max(known, key=RANK.__getitem__, default=LOA_SMS)
