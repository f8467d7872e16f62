"""A login waiting for the person to accept the account terms.

It lives in the session cookie, sealed with the ID encryption key, because Flask's cookie
is signed but readable, and it holds a name and an ID number. It lapses after ten minutes.
"""

from __future__ import annotations

import base64
import json
import time

from flask import session

from wallet.auth.identity import VerifiedIdentity
from wallet.identity import seal, unseal

KEY = "pending_activation"
PURPOSE = "session.pending_activation"
LIFETIME = 600


def hold(identity: VerifiedIdentity, next_url: str) -> None:
    payload = json.dumps({"identity": identity.as_dict(), "next": next_url, "at": int(time.time())})
    session[KEY] = base64.urlsafe_b64encode(seal(payload, PURPOSE)).decode()


def peek() -> tuple[VerifiedIdentity, str] | None:
    raw = session.get(KEY)
    if not raw:
        return None
    try:
        data = json.loads(unseal(base64.urlsafe_b64decode(raw), PURPOSE))
    except ValueError:
        session.pop(KEY, None)
        return None
    if time.time() - data["at"] > LIFETIME:
        session.pop(KEY, None)
        return None
    return VerifiedIdentity(**data["identity"]), data["next"]


def drop() -> None:
    session.pop(KEY, None)
