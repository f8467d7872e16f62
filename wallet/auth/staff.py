"""The shared session as seen by every area: whose kind it is, and the sign-in of unit users and the administrator.

Residents, unit users and the finance administrator share one Flask-Login session whose id
names the kind (``resident:7``, ``unit:3``, ``finance:1``). The unit workspace and the finance
console both sign their users in and out the same way, so that lives here and not in either.
"""
from __future__ import annotations

import time
from typing import Any

from flask import session
from flask_login import current_user, login_user, logout_user

from wallet.auth.sessions import LOGIN_AT, SEEN_AT


def user_kind() -> str | None:
    if not current_user.is_authenticated:
        return None
    return str(current_user.get_id()).partition(":")[0]


def sign_in_user(user: Any) -> bool:
    """Start a fresh session for a unit user or the administrator (timeouts as for residents)."""
    session.clear()
    if not login_user(user, fresh=True):
        return False
    now = int(time.time())
    session.update({LOGIN_AT: now, SEEN_AT: now})
    return True


def sign_out_user() -> None:
    logout_user()
    session.clear()
