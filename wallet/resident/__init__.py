"""The resident's pages: bills, import, authorizations, and the personal account."""

from flask import Blueprint

bp = Blueprint("resident", __name__)

from wallet.resident import (  # noqa: E402,F401  (routes register on import)  # noqa: E402,F401  (routes register on import)
    authorizations,
    authorize,
    bills,
    confirm,
    data_rights,  # noqa: E402,F401  (routes register on import)
    imports,
    ledger,
    notices,
    receipt_check,
    reminders,
    shares,
    views,
)
