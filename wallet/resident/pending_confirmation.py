"""An authorization the resident confirmed before face verification, carried across it.

The resident presses 确认授权 once; when the face check is still needed, what they
confirmed (unit, bills, claim number, note and the one-time ``request_id``) waits in their
session under a random nonce and the face check returns to ``/authorize/confirmed/<nonce>``,
which makes the authorization. It is safe because it is:

- bound to the session (it lives only in this resident's signed session, with their id and the
  id of whose bills they confirmed: their own, or a child's they act for);
- single-use (taken out of the session when used; a replayed old cookie meets the
  ``request_id`` already stored, which returns the same receipt, never a second one);
- short-lived (``LIFETIME``), and honoured only after a face verification that happened
  after the confirmation was pressed.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from flask import session

KEY = "pending_authorization"
LIFETIME = 600


@dataclass(frozen=True)
class PendingConfirmation:
    unit_id: int
    bill_ids: list[int]
    claim_ref: str
    note: str
    request_id: str
    at: int


def hold(
    resident_id: int, holder_id: int, unit_id: int, bill_ids: list[int], claim_ref: str, note: str, request_id: str
) -> str:
    """Keep what the resident confirmed; returns the nonce the face check comes back with."""
    nonce = secrets.token_urlsafe(16)
    session[KEY] = {
        "nonce": nonce,
        "resident": resident_id,
        "holder": holder_id,
        "unit": unit_id,
        "bills": bill_ids,
        "claim_ref": claim_ref,
        "note": note,
        "request_id": request_id,
        "at": int(time.time()),
    }
    return nonce


def take(resident_id: int, holder_id: int, nonce: str) -> PendingConfirmation | None:
    """The confirmation for ``nonce``, removed from the session; None if absent, another's, or too old."""
    held = session.get(KEY)
    if not held or not secrets.compare_digest(str(held.get("nonce", "")), nonce):
        return None
    session.pop(KEY, None)
    if (
        held.get("resident") != resident_id
        or held.get("holder") != holder_id
        or time.time() - held.get("at", 0) > LIFETIME
    ):
        return None
    return PendingConfirmation(
        int(held["unit"]),
        [int(i) for i in held["bills"]],
        str(held["claim_ref"]),
        str(held["note"]),
        str(held["request_id"]),
        int(held["at"]),
    )
