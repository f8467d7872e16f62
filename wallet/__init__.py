"""票据夹 · the wallet: personal and unit digital accounts, the finance console and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from common.app_factory import bind_part_basics, new_part_app
from wallet.api import bp as api_bp
from wallet.auth import bp as auth_bp
from wallet.auth import init_auth
from wallet.auth.areas import keep_users_in_their_area
from wallet.cli import cli
from wallet.config import SETTINGS
from wallet.extensions import csrf, db, limiter
from wallet.finance import bp as finance_bp
from wallet.language import set_page_locale
from wallet.migrate import alembic_config
from wallet.public import bp as public_bp
from wallet.public.shared import bp as shared_bp
from wallet.resident import bp as resident_bp
from wallet.resident.holder import add_member_rules
from wallet.resident.list_cache import init_list_cache
from wallet.templating import register_filters
from wallet.unit import bp as unit_bp


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = new_part_app(__name__, SETTINGS, test_config)
    bind_part_basics(app, db, csrf, cli, part="wallet", same_site="Lax", alembic_config=alembic_config)
    register_extensions(app)
    register_blueprints(app)
    return app


def register_extensions(app: Flask) -> None:
    init_auth(app)
    limiter.init_app(app)
    register_filters(app)
    init_list_cache(app)
    app.before_request(set_page_locale)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(resident_bp)
    add_member_rules(app)
    app.register_blueprint(auth_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(shared_bp)
    app.register_blueprint(unit_bp)
    app.register_blueprint(finance_bp)
    app.register_blueprint(api_bp)
    # After the areas' own checks: a closed resident account's session ends before this sends it anywhere.
    app.before_request(keep_users_in_their_area)
