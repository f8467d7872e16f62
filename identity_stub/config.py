"""Settings of the 蒙速办 实名登录（模拟）; docs/configuration.md lists the same names."""

from __future__ import annotations

from common.settings import Setting, local_url, web_settings

SETTINGS: list[Setting] = [
    *web_settings("IDP", "idp", "this stub's"),
    Setting(
        "ISSUER", "IDP_ISSUER", "", "issuer identifier (public base URL); empty means the URL the stub is reached at"
    ),
    Setting(
        "SUBJECT_KEY",
        "IDP_SUBJECT_KEY",
        "dev-only-idp-subject-key",
        "keys the derivation of each person's stable `sub` from their ID number",
        secret=True,
    ),
    Setting(
        "WALLET_CLIENT_ID",
        "IDP_WALLET_CLIENT_ID",
        "bill-wallet",
        "client_id registered for the wallet by `flask idp seed-demo`",
    ),
    Setting(
        "WALLET_CLIENT_SECRET",
        "IDP_WALLET_CLIENT_SECRET",
        "dev-only-wallet-oidc-secret",
        "client secret registered for the wallet",
        secret=True,
    ),
    Setting(
        "WALLET_REDIRECT_URIS",
        "IDP_WALLET_REDIRECT_URIS",
        local_url("/auth/callback"),
        "the wallet's redirect URIs, space-separated, matched exactly",
    ),
    Setting(
        "WALLET_POST_LOGOUT_REDIRECT_URIS",
        "IDP_WALLET_POST_LOGOUT_REDIRECT_URIS",
        local_url("/auth/logged-out"),
        "where the wallet may send people after logout, space-separated, matched exactly",
    ),
    Setting("ID_TOKEN_LIFETIME", "IDP_ID_TOKEN_SECONDS", 600, "lifetime of ID tokens in seconds", cast=int),
    Setting(
        "ACCESS_TOKEN_LIFETIME",
        "IDP_ACCESS_TOKEN_SECONDS",
        600,
        "lifetime of access tokens (for userinfo) in seconds",
        cast=int,
    ),
    Setting(
        "KEY_RETENTION",
        "IDP_KEY_RETENTION_SECONDS",
        86400,
        "how long a rotated-out signing key stays in the JWKS (at least the ID token lifetime)",
        cast=int,
    ),
]
