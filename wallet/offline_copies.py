"""What the offline wallet's service worker (static/js/sw.js) may keep, and the order to forget it all.

The server decides, page by page, what a phone may keep for use without a network: a page is
kept only when its response names the signed-in resident's copy key in ``X-Offline-Copy``, which
only the bill list and a bill's page do, only for a resident, only for a whole page fetched by
GET (never an htmx fragment, never a unit's or the finance department's page, never a POST
answer). The worker keeps each resident's pages under that key and drops another resident's
when it sees a new key, so one person's bills are never shown to the next.

Signing out or closing the account answers with ``Clear-Site-Data``: the browser then drops
every cache, the worker and the site's storage (htmx's page history included) for the wallet's
origin; the first page after it also tells the worker to forget (static/js/offline.js), for a
browser that ignores the header.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec

from flask import current_app, make_response, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from wallet.models.resident import Resident

HEADER = "X-Offline-Copy"
FORGET = '"cache", "storage"'
P = ParamSpec("P")


def copy_key(resident_id: int) -> str:
    """An opaque key per resident (a cache name must not carry the id itself), the same in every process."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"offline-copy:%d" % resident_id, hashlib.sha256).hexdigest()[:20]


def signed_in_resident() -> Resident | None:
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return user if isinstance(user, Resident) else None


def offline_copy(view: Callable[P, ResponseReturnValue]) -> Callable[P, Response]:
    """Let the worker keep this page for the signed-in resident: a whole page, by GET, answered 200."""

    @wraps(view)
    def marked(*args: P.args, **kwargs: P.kwargs) -> Response:
        # Read before the view: a view that records something commits, which expires the resident,
        # and reading the id afterwards would load the resident again.
        resident = signed_in_resident()
        resident_id = resident.id if resident is not None else None
        response = make_response(view(*args, **kwargs))
        if (
            request.method == "GET"
            and response.status_code == 200
            and not request.headers.get("HX-Request")
            and resident_id is not None
        ):
            response.headers[HEADER] = copy_key(resident_id)
        return response

    return marked


def forget_this_browser(response: ResponseReturnValue) -> Response:
    """Ask the browser to drop every cached page, the worker and stored data of the wallet's origin."""
    answer = make_response(response)
    answer.headers["Clear-Site-Data"] = FORGET
    return answer
