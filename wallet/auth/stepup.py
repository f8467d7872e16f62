"""``step_up_required``: sensitive actions need a recent face verification at 蒙速办.

Decorate a view with it (below the route decorator). A resident who has not passed face
verification (``urn:mengsuban:loa:3``) within ``STEP_UP_MAX_AGE_SECONDS`` is sent to the
provider to verify again and then brought back: to the same page for a GET, to the page
the form was on for anything else (so they submit it again, knowingly). API callers get
401 with ``code: "step_up_required"``; htmx requests get an ``HX-Redirect``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user, login_fresh

from common.translatable import N_, gettext
from common.web import wants_json
from wallet.auth.identity import LOA_FACE
from wallet.auth.sessions import ACR, VERIFIED_AT
from wallet.extensions import login_manager

STEP_UP_PROMPT = N_("此操作需要人脸核验，请完成核验后继续。")


def step_up_satisfied() -> bool:
    max_age = current_app.config["STEP_UP_MAX_AGE_SECONDS"]
    return (
        current_user.is_authenticated
        and login_fresh()
        and session.get(ACR) == LOA_FACE
        and time.time() - session.get(VERIFIED_AT, 0) <= max_age
    )


def _return_to() -> str:
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("resident.home")


def step_up_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if step_up_satisfied():
            return view(*args, **kwargs)
        target = url_for("auth.step_up", next=_return_to())
        if wants_json():
            return jsonify(ok=False, code="step_up_required", message=gettext(STEP_UP_PROMPT), step_up_url=target), 401
        if request.headers.get("HX-Request"):
            return "", 200, {"HX-Redirect": target}
        return redirect(target)

    return guarded
