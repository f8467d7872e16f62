"""全国财政电子票据网络（模拟）: a real HTTP service the wallet reaches only through its public interface."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from common import settings
from common.database import engine_options
from common.health import health_blueprint
from common.web import harden
from fiscal_stub import models  # noqa: F401  (every table known before create_all)
from fiscal_stub.api import bp as api_bp
from fiscal_stub.cli import cli
from fiscal_stub.config import SETTINGS, check_platform_tokens
from fiscal_stub.console import bp as console_bp
from fiscal_stub.extensions import csrf, db


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(settings.PROJECT_ROOT / "templates"),
        static_folder=str(settings.PROJECT_ROOT / "static"),
    )
    app.config.update(settings.load(SETTINGS, test_config))
    check_platform_tokens(app.config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SESSION_COOKIE_NAME"] = "fiscal_session"
    register_extensions(app)
    register_blueprints(app)
    app.cli.add_command(cli)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    harden(app, csrf, same_site="Strict")


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(health_blueprint(db, "fiscal"))
    app.register_blueprint(api_bp)
    app.register_blueprint(console_bp)
