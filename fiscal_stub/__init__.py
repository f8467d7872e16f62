"""全国财政电子票据网络（模拟）: a real HTTP service the wallet reaches only through its public interface."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from common.app_factory import bind_part_basics, new_part_app
from fiscal_stub import models  # noqa: F401  (every table known before create_all)
from fiscal_stub.api import bp as api_bp
from fiscal_stub.cli import cli
from fiscal_stub.config import SETTINGS, check_platform_tokens
from fiscal_stub.console import bp as console_bp
from fiscal_stub.extensions import csrf, db
from fiscal_stub.supervision import clock


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = new_part_app(__name__, SETTINGS, test_config, session_cookie="fiscal_session")
    check_platform_tokens(app.config)
    bind_part_basics(app, db, csrf, cli, part="fiscal", same_site="Strict")
    app.register_blueprint(api_bp)
    app.register_blueprint(console_bp)
    clock.install(app)
    return app
