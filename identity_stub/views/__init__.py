"""The stub's pages and protocol endpoints, all on one blueprint named ``idp``."""

from flask import Blueprint

from identity_stub.language import set_page_locale

bp = Blueprint("idp", __name__)
bp.before_request(set_page_locale)

from identity_stub.views import authorize, discovery, endpoints, login  # noqa: E402,F401  (routes register on import)
