"""Settings of the 全国财政电子票据网络（模拟）; docs/configuration.md lists the same names."""
from __future__ import annotations

from common.settings import Setting, as_bool, sqlite_url

SETTINGS: list[Setting] = [
    Setting("SQLALCHEMY_DATABASE_URI", "FISCAL_DATABASE_URL", lambda: sqlite_url("fiscal"),
            "SQLAlchemy URL of this stub's own database"),
    Setting("SECRET_KEY", "FISCAL_SECRET_KEY", "dev-only-fiscal-secret-key",
            "signs this stub's session cookies and CSRF tokens", secret=True),
    Setting("FRAME_ANCESTORS", "FISCAL_FRAME_ANCESTORS", "'self'",
            "CSP frame-ancestors of this stub's pages"),
    Setting("SESSION_COOKIE_SECURE", "FISCAL_SECURE_COOKIES", False,
            "send cookies over HTTPS only", cast=as_bool),
]
