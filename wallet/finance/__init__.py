"""The finance department's minimal console: approve or reject unit applications, freeze, unfreeze
or cancel unit accounts, and read the credential outbox.

Public contract: blueprint ``finance`` under ``/finance``; the administrator signs in with the
configured username, password and a TOTP code (session id ``finance:1``).
"""

from flask import Blueprint

bp = Blueprint("finance", __name__, url_prefix="/finance")

from wallet.finance import (  # noqa: E402,F401  (routes register on import)
    admin,
    audit_log,
    closing,
    figures,
    outbox,
    views,  # (routes register on import)
)
