"""Configuration from environment variables, with development defaults that refuse to run in production.

Each part declares its settings once (name, default, whether it is a secret); the same
declaration feeds the app config, the refusal of dev secrets outside development, and
docs/configuration.md.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
DEV_SECRET_MARK = "dev-only-"


@dataclass(frozen=True)
class Setting:
    """One configuration value: read from ``env`` (if set) into ``key``."""

    key: str
    env: str
    default: Any
    help: str
    secret: bool = False
    cast: Callable[[str], Any] = str


def app_env() -> str:
    """The deployment environment: ``development`` (default), ``test`` or ``production``."""
    return os.environ.get("APP_ENV", "development")


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


class InsecureConfiguration(RuntimeError):
    """Raised when a development default would be used outside development."""


def load(settings: list[Setting], test_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Resolve settings: explicit test config beats the environment, which beats the default."""
    env_name = (test_config or {}).get("APP_ENV", app_env())
    values: dict[str, Any] = {"APP_ENV": env_name}
    for s in settings:
        raw = os.environ.get(s.env)
        value = s.cast(raw) if raw is not None else s.default
        values[s.key] = value() if callable(value) else value
    values.update(test_config or {})
    if env_name == "production":
        weak = [s.env for s in settings if s.secret and str(values[s.key]).startswith(DEV_SECRET_MARK)]
        if weak:
            raise InsecureConfiguration(
                "production refuses development secrets; set: " + ", ".join(sorted(weak))
            )
    return values
