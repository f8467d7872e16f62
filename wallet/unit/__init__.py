"""The unit digital account (单位数字账户): application, login, inbox, lock, feedback, reject, export.

Public contract: blueprint ``unit`` under ``/unit``; unit users are Flask-Login users whose
session id reads ``unit:<id>`` (``wallet.auth.sessions.USER_KINDS``); every view that acts
is wrapped in :func:`wallet.unit.access.unit_required`, which also refuses frozen or
cancelled units on every request.
"""

from flask import Blueprint

bp = Blueprint("unit", __name__, url_prefix="/unit")

from wallet.unit import (  # noqa: E402,F401  (routes register on import)
    access,
    activate,
    apply,
    claims,
    inbox,
    integration,
    login,
    password,  # (routes register on import)
    users,
    verify,
)
