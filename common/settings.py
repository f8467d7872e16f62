"""Configuration from environment variables, with development defaults that refuse to run outside development.

Each part declares its settings once (name, default, whether it is a secret); the same
declaration feeds the app config, the refusal of dev secrets outside development, and
docs/configuration.md. The failure mode is closed: a machine where nobody set ``APP_ENV``
runs as production, so a forgotten variable stops the start instead of serving real data
under secrets printed in this repository.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEV_SECRET_MARK = "dev-only-"
# Only these relax the production safeguards, and only when named explicitly.
DEVELOPMENT_ENVS = frozenset({"development", "test"})
# A form is refused as expired this long after its page was shown, unless a part is told otherwise.
CSRF_MAX_AGE_SECONDS = 8 * 3600


@dataclass(frozen=True)
class Setting:
    """One configuration value: read from ``env`` (if set) into ``key``."""

    key: str
    env: str
    default: Any
    help: str
    secret: bool = False
    cast: Callable[[str], Any] = str


def app_env(environ: Mapping[str, str] | None = None) -> str:
    """The deployment environment from ``APP_ENV``; unset or empty counts as ``production`` (fail closed)."""
    return (os.environ if environ is None else environ).get("APP_ENV", "").strip() or "production"


def is_development(env_name: str) -> bool:
    """Whether development defaults (``dev-only-`` secrets, cookies over plain HTTP) are allowed."""
    return env_name in DEVELOPMENT_ENVS


def local_origin() -> str:
    """``http://HOST:PORT``: where ``make run`` serves all three parts on one machine.

    Every default URL (the wallet's own, the identity provider's discovery document, the
    fiscal network's API, the redirect URIs registered for the wallet) hangs off it, so
    serving on another port needs no other setting. A wildcard bind address is no place
    a browser can go, so the URLs name the loopback address instead.
    """
    host = os.environ.get("HOST") or "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:
        host = "127.0.0.1"
    return f"http://{host}:{os.environ.get('PORT') or '5000'}"


def local_url(path: str = "") -> Callable[[], str]:
    """A default for a URL setting: ``path`` under :func:`local_origin`, read when settings load."""
    return lambda: local_origin() + path


def sqlite_url(name: str) -> str:
    INSTANCE_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / name}.db"


def as_bool(raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def web_settings(prefix: str, part: str, owner: str) -> list[Setting]:
    """The settings every part that serves pages declares, under its own variable ``prefix``.

    One declaration keeps the three parts' database, cookie, framing and form-expiry rules
    from drifting apart; ``part`` names its SQLite file and development secret, ``owner``
    says whose they are in the help text ("the wallet's", "this stub's").
    """
    return [
        Setting(
            "SQLALCHEMY_DATABASE_URI",
            f"{prefix}_DATABASE_URL",
            lambda: sqlite_url(part),
            f"SQLAlchemy URL of {owner} own database",
        ),
        Setting(
            "SECRET_KEY",
            f"{prefix}_SECRET_KEY",
            f"{DEV_SECRET_MARK}{part}-secret-key",
            f"signs {owner} session cookies and CSRF tokens",
            secret=True,
        ),
        Setting(
            "FRAME_ANCESTORS",
            f"{prefix}_FRAME_ANCESTORS",
            "'self'",
            f"CSP frame-ancestors: origins allowed to embed {owner} pages",
        ),
        Setting(
            "SESSION_COOKIE_SECURE",
            f"{prefix}_SECURE_COOKIES",
            None,
            "send cookies over HTTPS only; unset means on unless APP_ENV is development or test",
            cast=as_bool,
        ),
        Setting(
            "WTF_CSRF_TIME_LIMIT",
            f"{prefix}_CSRF_MAX_AGE_SECONDS",
            CSRF_MAX_AGE_SECONDS,
            "a form is refused as expired this many seconds after its page was shown",
            cast=int,
        ),
    ]


class InsecureConfiguration(click.ClickException, RuntimeError):
    """A development value met outside development.

    A ``ClickException`` so ``flask`` prints the message alone and exits 1, and a
    ``RuntimeError`` so gunicorn does the same while loading the app; both happen before
    any request is served.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(set(names))
        listed = "\n".join(f"  {name}" for name in self.names)
        super().__init__(
            "refusing to start: APP_ENV is not development or test (unset counts as production), "
            f"and these settings still hold development values (dev-only-...), which are public:\n{listed}\n"
            "Set each of them in the environment to a secret of your own, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))' "
            "(docs/deploy.md lists what production sets), "
            "or, on a development machine only, set APP_ENV=development."
        )


def development_values(settings: list[Setting], values: Mapping[str, Any]) -> list[str]:
    """Environment names of the settings whose value is (or contains) a ``dev-only-`` default."""
    return sorted(s.env for s in settings if DEV_SECRET_MARK in str(values[s.key]))


def resolve(settings: list[Setting], test_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Resolve settings without judging them: explicit test config beats the environment, which beats the default.

    A setting whose value stays ``None`` follows ``APP_ENV``: cookies are ``Secure``
    everywhere but in development and test, so a deployment cannot forget to turn it on.
    """
    env_name = (test_config or {}).get("APP_ENV") or app_env()
    values: dict[str, Any] = {}
    for s in settings:
        raw = os.environ.get(s.env)
        value = s.cast(raw) if raw is not None else s.default
        values[s.key] = value() if callable(value) else value
    values.update(test_config or {})
    values["APP_ENV"] = env_name
    if values.get("SESSION_COOKIE_SECURE") is None:
        values["SESSION_COOKIE_SECURE"] = not is_development(env_name)
    return values


def load(settings: list[Setting], test_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Resolved settings, refused outside development while any still holds a development value."""
    values = resolve(settings, test_config)
    weak = [] if is_development(values["APP_ENV"]) else development_values(settings, values)
    if weak:
        raise InsecureConfiguration(weak)
    return values


def require_real_values(parts: Iterable[tuple[list[Setting], Mapping[str, Any] | None]]) -> None:
    """Check several parts at once, so one refusal names every setting to fix, not the first part's only."""
    weak: list[str] = []
    for settings, test_config in parts:
        values = resolve(settings, test_config)
        if not is_development(values["APP_ENV"]):
            weak += development_values(settings, values)
    if weak:
        raise InsecureConfiguration(weak)
