"""Who is calling: a provincial platform or an issuing unit's system, by bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import current_app, g, request

from fiscal_stub.services.errors import FiscalError

P = ParamSpec("P")
R = TypeVar("R")


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _unauthorized() -> FiscalError:
    return FiscalError(401, "unauthorized", "缺少或无效的访问令牌，请在 Claim 头中提供 Bearer 令牌。")


def platform_required(view: Callable[P, R]) -> Callable[P, R]:
    """Sets ``g.platform`` to the calling platform's province code."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        presented = bearer_token()
        for token, province in current_app.config["PLATFORM_TOKEN_MAP"].items():
            if presented and hmac.compare_digest(presented.encode(), token.encode()):
                g.platform = province
                return view(*args, **kwargs)
        raise _unauthorized()

    return wrapper


def issuer_token_matches(presented: str) -> bool:
    expected = current_app.config["ISSUER_TOKEN"]
    return bool(presented) and hmac.compare_digest(presented.encode(), expected.encode())


def issuer_required(view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not issuer_token_matches(bearer_token()):
            raise _unauthorized()
        return view(*args, **kwargs)

    return wrapper
