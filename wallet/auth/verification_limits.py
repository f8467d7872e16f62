"""Request rate limits on verification: per client on the public page, per resident on import.

They sit in front of the per-bill daily count (``wallet.services.check_counts``): these stop
one client from checking many bills, that one stops many clients from checking one bill.
Limits are read from config at request time, so a deployment tunes them without code.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from common.translatable import N_, shown
from wallet.extensions import limiter
from wallet.refusals import Refusal
from wallet.scan.five_elements import FIELDS

CHECK_TOO_OFTEN = N_("查验太频繁了。为防止票据信息被批量查询，同一网络每分钟、每天可查验的次数有限，请稍后再试。")
IMPORT_TOO_OFTEN = N_("核验太频繁了，请稍后再导入。如需导入很多票据，登录后票据夹会自动归集您名下的电子票据。")


def _only_the_form() -> bool:
    """Opening the empty status page costs nothing; only a check (of five elements or a snapshot) counts."""
    return request.method == "GET" and not any(name in request.args for name in (*FIELDS, "snapshot"))


def _resident_key() -> str:
    if current_user.is_authenticated:
        return f"resident:{current_user.id}"
    return get_remote_address()


def check_limit(view: Callable[..., Any]) -> Callable[..., Any]:
    """Per client address, for the public status page."""
    return limiter.limit(
        lambda: current_app.config["CHECK_RATE_LIMIT"],
        key_func=get_remote_address,
        error_message=CHECK_TOO_OFTEN,
        exempt_when=_only_the_form,
    )(view)


def import_limit(view: Callable[..., Any]) -> Callable[..., Any]:
    """Per resident, shared by every way of verifying a bill for import."""
    return limiter.shared_limit(
        lambda: current_app.config["IMPORT_RATE_LIMIT"],
        scope="bill-import",
        key_func=_resident_key,
        error_message=IMPORT_TOO_OFTEN,
    )(view)


def rate_refusal(error: RateLimitExceeded) -> Refusal:
    return Refusal("rate_limited", shown(str(error.description)), 429)


def retry_after() -> dict[str, str]:
    """The Retry-After header for the limit just exceeded (seconds until its window resets)."""
    current = limiter.current_limit
    if current is None:
        return {}
    reset_at = float(current.window[0])
    return {"Retry-After": str(max(1, math.ceil(reset_at - time.time())))}
