"""What the suite needs from the machine, and a clear refusal when CI lacks any of it."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class Component:
    name: str
    present: bool
    remedy: str


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_reachable(url: str | None = None) -> bool:
    import psycopg

    try:
        with psycopg.connect(url or postgres_admin_url(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)


def redis_reachable(url: str | None = None) -> bool:
    """Whether the Redis the live channel's fan-out tests publish through answers."""
    import redis

    try:
        return bool(redis.Redis.from_url(url or redis_url(), socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


def chromium_present(path: str = CHROMIUM) -> bool:
    return os.access(path, os.X_OK)


def cjk_font_present() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


def components(database: str) -> list[Component]:
    found = [
        Component("chromium", chromium_present(), "apt-get install chromium"),
        Component("CJK font", cjk_font_present(), "apt-get install fonts-wqy-microhei"),
        Component(
            "Redis", redis_reachable(), f"apt-get install redis-server or set TEST_REDIS_URL (tried {redis_url()})"
        ),
    ]
    if database == "postgresql":
        found.append(
            Component(
                "PostgreSQL",
                postgres_reachable(),
                f"start PostgreSQL or set TEST_POSTGRES_URL (tried {postgres_admin_url()})",
            )
        )
    return found


def missing_report(found: list[Component]) -> str:
    """Empty when everything is present; otherwise one line per missing component."""
    return "\n".join(f"missing required component: {c.name} — {c.remedy}" for c in found if not c.present)
