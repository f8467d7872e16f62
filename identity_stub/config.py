"""Settings of the 蒙速办 实名登录（模拟）; docs/configuration.md lists the same names."""
from __future__ import annotations

from common.settings import Setting, as_bool, sqlite_url

SETTINGS: list[Setting] = [
    Setting("SQLALCHEMY_DATABASE_URI", "IDP_DATABASE_URL", lambda: sqlite_url("idp"),
            "SQLAlchemy URL of this stub's own database"),
    Setting("SECRET_KEY", "IDP_SECRET_KEY", "dev-only-idp-secret-key",
            "signs this stub's session cookies and CSRF tokens", secret=True),
    Setting("FRAME_ANCESTORS", "IDP_FRAME_ANCESTORS", "'self'",
            "CSP frame-ancestors of this stub's pages"),
    Setting("SESSION_COOKIE_SECURE", "IDP_SECURE_COOKIES", False,
            "send cookies over HTTPS only", cast=as_bool),
]
