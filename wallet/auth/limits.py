"""Request rate limits in front of every way in: resident, unit and finance login, and the unit API.

Account lockout (``wallet.services.logins``) stops guessing one username's password; these stop one
client from hammering the login pages or the API at all. Limits are read from config at request
time, so a deployment tunes them without code; counts live in RATELIMIT_STORAGE_URI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, request
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address

from common.translatable import N_, shown
from common.web import render_error
from wallet.extensions import limiter

LOGIN_TOO_OFTEN = N_("登录尝试太频繁了，请过几分钟再试。")
API_TOO_OFTEN = "请求太频繁，请降低调用频率，稍后再试。"


def _only_reads() -> bool:
    """Opening a login form costs nothing; only submitting it counts (resident login is a GET: it counts)."""
    return request.method == "GET"


def login_limit(setting: str, scope: str, count_reads: bool = False) -> Callable[[Callable[..., Any]], Any]:
    """Per client address, shared by every step of one login (password and code pages)."""

    def decorate(view: Callable[..., Any]) -> Any:
        return limiter.shared_limit(
            lambda: current_app.config[setting],
            scope=scope,
            key_func=get_remote_address,
            error_message=LOGIN_TOO_OFTEN,
            exempt_when=None if count_reads else _only_reads,
        )(view)

    return decorate


def explain_login_limits(bp: Blueprint) -> None:
    """Show the limit's own message on ``bp``'s pages instead of the generic 429 page."""

    @bp.errorhandler(RateLimitExceeded)
    def too_many_logins(error: RateLimitExceeded) -> Any:
        return render_error(429, shown(str(error.description)))


def _api_caller_key() -> str:
    """The appId the caller names, with its address: a stranger quoting a unit's appId from
    elsewhere uses up only its own allowance, not the unit's."""
    app_id = request.headers.get("X-App-Id", "").strip()[:64]
    return f"{app_id}@{get_remote_address()}"


def limit_api(bp: Blueprint) -> None:
    """Every route of the API, counted per appId and client address."""
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=_api_caller_key, error_message=API_TOO_OFTEN)(
        bp
    )
