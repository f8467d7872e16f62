"""Settings of the 全国财政电子票据网络（模拟）; docs/configuration.md lists the same names."""
from __future__ import annotations

from typing import Any

from common.settings import CSRF_MAX_AGE_SECONDS, Setting, as_bool, sqlite_url

DEV_PLATFORM_TOKENS = "15:dev-only-platform-token-nm,11:dev-only-platform-token-bj"

SETTINGS: list[Setting] = [
    Setting("SQLALCHEMY_DATABASE_URI", "FISCAL_DATABASE_URL", lambda: sqlite_url("fiscal"),
            "SQLAlchemy URL of this stub's own database"),
    Setting("SECRET_KEY", "FISCAL_SECRET_KEY", "dev-only-fiscal-secret-key",
            "signs this stub's session cookies and CSRF tokens", secret=True),
    Setting("FRAME_ANCESTORS", "FISCAL_FRAME_ANCESTORS", "'self'",
            "CSP frame-ancestors of this stub's pages"),
    Setting("SESSION_COOKIE_SECURE", "FISCAL_SECURE_COOKIES", None,
            "send cookies over HTTPS only; unset means on unless APP_ENV is development or test",
            cast=as_bool),
    Setting("WTF_CSRF_TIME_LIMIT", "FISCAL_CSRF_MAX_AGE_SECONDS", CSRF_MAX_AGE_SECONDS,
            "a form is refused as expired this many seconds after its page was shown", cast=int),
    Setting("PLATFORM_TOKENS", "FISCAL_PLATFORM_TOKENS", DEV_PLATFORM_TOKENS,
            "bearer tokens of the provincial platforms, as province:token pairs separated by commas",
            secret=True),
    Setting("ISSUER_TOKEN", "FISCAL_ISSUER_TOKEN", "dev-only-issuer-token",
            "bearer token of issuing units' systems, also the issuer console's password", secret=True),
    Setting("LOCK_TTL_SECONDS", "FISCAL_LOCK_TTL_SECONDS", 7 * 24 * 3600,
            "how long a lock lasts when the locking unit names no period", cast=int),
    Setting("MAX_CONTENT_LENGTH", "FISCAL_MAX_UPLOAD_BYTES", 10 * 1024 * 1024,
            "largest request body (layout files to verify), in bytes", cast=int),
]


def platform_tokens(raw: str) -> dict[str, str]:
    """``"15:tok,11:tok2"`` → ``{"tok": "15", "tok2": "11"}`` (token → province)."""
    tokens: dict[str, str] = {}
    for pair in raw.split(","):
        province, sep, token = pair.strip().partition(":")
        if not sep or len(province) != 2 or not province.isdigit() or not token:
            raise ValueError(f"FISCAL_PLATFORM_TOKENS: expected province:token, got {pair.strip()!r}")
        tokens[token] = province
    return tokens


def check_platform_tokens(config: dict[str, Any]) -> None:
    """Parse the tokens once at start-up, so a malformed list stops the start rather than a platform's call.

    Development tokens outside development are refused with every other development value
    by ``common.settings.load``.
    """
    config["PLATFORM_TOKEN_MAP"] = platform_tokens(config["PLATFORM_TOKENS"])
