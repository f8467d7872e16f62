"""The resident's pages: bills, import, authorizations, and the personal account."""
from flask import Blueprint

bp = Blueprint("resident", __name__)

from wallet.resident import bills, imports, views  # noqa: E402,F401  (routes register on import)
from wallet.resident import authorize, authorizations, confirm, notices, receipt_check  # noqa: E402,F401  (routes register on import)
from wallet.resident import data_rights  # noqa: E402,F401  (routes register on import)
