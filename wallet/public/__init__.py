"""The public status page ``/check``: anyone may check a bill, without login, and sees no personal data.

Every bill's QR code encodes this page's URL with the five elements, so any phone camera
opens the right answer. Rate limited per client and per bill per day.
"""

from flask import Blueprint

bp = Blueprint("public", __name__)

from wallet.public import language, views, worker  # noqa: E402,F401  (routes register on import)
