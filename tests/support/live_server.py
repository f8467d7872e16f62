"""The whole system on a real port, as ``make run`` serves it (uvicorn: the pages through a2wsgi's
threads, the live stream natively), so parts can call each other over HTTP and pages can stream."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from flask import Flask

from common.settings import Setting
from tests.support.cleanup import TableWrites
from wallet.live.front import front, serve_in_thread, stop_serving


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    app: Flask
    port: int
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = field(default=None, repr=False)
    writes: dict[str, TableWrites] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def parts(self) -> dict[str, Flask]:
        return self.app.extensions["parts"]

    def start(self) -> None:
        self.server, self.thread = serve_in_thread(front(self.app), self.port)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            stop_serving(self.server, self.thread)


def prepare_databases(parts: dict[str, Flask]) -> None:
    from wallet.migrate import upgrade_database

    with parts["wallet"].app_context():
        upgrade_database()
    for name in ("idp", "fiscal"):
        with parts[name].app_context():
            parts[name].extensions["sqlalchemy"].create_all()


@contextmanager
def running_system(configs: dict[str, dict[str, Any]], port: int) -> Iterator[LiveServer]:
    """The three parts built from ``configs``, their schemas in place, served on ``port`` until the block ends."""
    from app import build_app

    server = LiveServer(build_app(configs["wallet"], configs["idp"], configs["fiscal"]), port)
    for name, part in server.parts.items():  # watched from before the first statement
        with part.app_context():
            server.writes[name] = TableWrites(part.extensions["sqlalchemy"])
    prepare_databases(server.parts)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        for part in server.parts.values():
            with part.app_context():
                part.extensions["sqlalchemy"].engine.dispose()


def part_configs(base_url: str, urls: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Test configuration for each part: its own database, and the others reached through ``base_url``."""
    return {
        "wallet": {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": urls["wallet"],
            "WALLET_BASE_URL": base_url,
            "FISCAL_API_URL": f"{base_url}/fiscal/api/v1",
            "OIDC_DISCOVERY_URL": f"{base_url}/idp/.well-known/openid-configuration",
        },
        "idp": {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": urls["idp"],
            "WALLET_REDIRECT_URIS": f"{base_url}/auth/callback",
            "WALLET_POST_LOGOUT_REDIRECT_URIS": f"{base_url}/auth/logged-out",
        },
        "fiscal": {
            "APP_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": urls["fiscal"],
        },
    }


def production_values(settings: list[Setting]) -> dict[str, str]:
    """A value of its own for every setting whose default is a development one, as a deployment sets them."""
    values = {s.key: f"production-{s.env.lower()}-value" for s in settings if "dev-only-" in str(s.default)}
    if "PLATFORM_TOKENS" in values:
        values["PLATFORM_TOKENS"] = "15:production-platform-token"
    if "FISCAL_PLATFORM_TOKEN" in values:
        values["FISCAL_PLATFORM_TOKEN"] = "production-platform-token"
    return values
