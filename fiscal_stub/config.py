"""Settings of the 全国财政电子票据网络（模拟）; docs/configuration.md lists the same names."""

from __future__ import annotations

from typing import Any

from common.settings import Setting, web_settings

DEV_PLATFORM_TOKENS = "15:dev-only-platform-token-nm,11:dev-only-platform-token-bj"

SETTINGS: list[Setting] = [
    *web_settings("FISCAL", "fiscal", "this stub's"),
    Setting(
        "PLATFORM_TOKENS",
        "FISCAL_PLATFORM_TOKENS",
        DEV_PLATFORM_TOKENS,
        "bearer tokens of the provincial platforms, as province:token pairs separated by commas",
        secret=True,
    ),
    Setting(
        "ISSUER_TOKEN",
        "FISCAL_ISSUER_TOKEN",
        "dev-only-issuer-token",
        "bearer token of issuing units' systems, also the issuer console's password",
        secret=True,
    ),
    Setting(
        "LOCK_TTL_SECONDS",
        "FISCAL_LOCK_TTL_SECONDS",
        7 * 24 * 3600,
        "how long a lock lasts when the locking unit names no period",
        cast=int,
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        "FISCAL_MAX_UPLOAD_BYTES",
        10 * 1024 * 1024,
        "largest request body (layout files to verify), in bytes",
        cast=int,
    ),
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
