"""The resident's pages: bills, import, authorizations, and the personal account."""

from flask import Blueprint

bp = Blueprint("resident", __name__)

# The holder of a page is decided before any other check of the blueprint runs (wallet.resident.holder).
from wallet.resident import holder  # noqa: E402,F401,I001  (registers first)
from wallet.resident import (  # noqa: E402,F401  (routes register on import)
    authorizations,
    authorize,
    bills,
    confirm,
    data_rights,
    family,
    imports,
    ledger,
    notices,
    receipt_check,
    reminders,
    shares,
    views,
)
