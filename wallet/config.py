"""The wallet's settings; docs/configuration.md lists the same names (a test keeps them in step)."""
from __future__ import annotations

from common.settings import Setting, as_bool, sqlite_url

SETTINGS: list[Setting] = [
    Setting("SQLALCHEMY_DATABASE_URI", "WALLET_DATABASE_URL", lambda: sqlite_url("wallet"),
            "SQLAlchemy URL of the wallet database"),
    Setting("SECRET_KEY", "WALLET_SECRET_KEY", "dev-only-wallet-secret-key",
            "signs session cookies and CSRF tokens", secret=True),
    Setting("WALLET_BASE_URL", "WALLET_BASE_URL", "http://127.0.0.1:5000",
            "public base URL of the wallet (printed in QR codes and links)"),
    Setting("FISCAL_API_URL", "WALLET_FISCAL_API_URL", "http://127.0.0.1:5000/fiscal/api/v1",
            "base URL of the fiscal e-bill network API the wallet collects from"),
    Setting("FISCAL_PLATFORM_TOKEN", "WALLET_FISCAL_PLATFORM_TOKEN", "dev-only-platform-token-nm",
            "token the wallet presents to the fiscal network as the Inner Mongolia platform", secret=True),
    Setting("OIDC_DISCOVERY_URL", "WALLET_OIDC_DISCOVERY_URL",
            "http://127.0.0.1:5000/idp/.well-known/openid-configuration",
            "OpenID Connect discovery URL of the 蒙速办 identity provider"),
    Setting("FRAME_ANCESTORS", "WALLET_FRAME_ANCESTORS", "'self'",
            "CSP frame-ancestors: origins allowed to embed the wallet (add the 蒙速办 app's origin)"),
    Setting("MAX_CONTENT_LENGTH", "WALLET_MAX_UPLOAD_BYTES", 16 * 1024 * 1024,
            "largest request body accepted, in bytes (uploads above it get 413)", cast=int),
    Setting("SESSION_COOKIE_SECURE", "WALLET_SECURE_COOKIES", False,
            "send cookies over HTTPS only (set true behind TLS)", cast=as_bool),
]
