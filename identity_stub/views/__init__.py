"""The stub's pages and protocol endpoints, all on one blueprint named ``idp``."""

from flask import Blueprint

bp = Blueprint("idp", __name__)

from identity_stub.views import authorize, discovery, endpoints, login  # noqa: E402,F401  (routes register on import)
