"""票据夹 · the wallet: personal and unit digital accounts, the finance console and the API."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from common import settings
from common.database import engine_options
from common.health import health_blueprint
from common.web import harden
from wallet.api import bp as api_bp
from wallet.auth import bp as auth_bp
from wallet.auth import init_auth
from wallet.auth.areas import keep_users_in_their_area
from wallet.cli import cli
from wallet.config import SETTINGS
from wallet.extensions import csrf, db, limiter
from wallet.finance import bp as finance_bp
from wallet.migrate import alembic_config
from wallet.public import bp as public_bp
from wallet.resident import bp as resident_bp
from wallet.resident.list_cache import init_list_cache
from wallet.templating import register_filters
from wallet.unit import bp as unit_bp


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(settings.PROJECT_ROOT / "templates"),
        static_folder=str(settings.PROJECT_ROOT / "static"),
    )
    app.config.update(settings.load(SETTINGS, test_config))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    harden(app, csrf, same_site="Lax")
    init_auth(app)
    limiter.init_app(app)
    register_filters(app)
    init_list_cache(app)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(health_blueprint(db, "wallet", alembic_config))
    app.register_blueprint(resident_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(unit_bp)
    app.register_blueprint(finance_bp)
    app.register_blueprint(api_bp)
    # After the areas' own checks: a closed resident account's session ends before this sends it anywhere.
    app.before_request(keep_users_in_their_area)


def register_commands(app: Flask) -> None:
    app.cli.add_command(cli)
