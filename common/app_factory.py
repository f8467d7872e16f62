"""What every part's app factory does the same way, so the three parts cannot drift apart.

Each part is its own Flask app over the project's one ``templates/`` and ``static/``
folders, configured from its declared settings, with its own database, CSRF, security
headers, error pages, health endpoints and ``flask`` command group.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import click
from alembic.config import Config
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from common import settings
from common.database import engine_options
from common.health import health_blueprint
from common.i18n import init_i18n
from common.kept_frame import init_kept_frame
from common.own_scripts import PartApp
from common.web import harden


def new_part_app(
    import_name: str,
    declared: list[settings.Setting],
    test_config: Mapping[str, Any] | None = None,
    *,
    session_cookie: str | None = None,
) -> Flask:
    """A configured app; ``session_cookie`` names its cookie where parts share one origin."""
    app = PartApp(
        import_name,
        template_folder=str(settings.PROJECT_ROOT / "templates"),
        static_folder=str(settings.PROJECT_ROOT / "static"),
    )
    app.config.update(settings.load(declared, test_config))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    if session_cookie:
        app.config["SESSION_COOKIE_NAME"] = session_cookie
    return app


def bind_part_basics(
    app: Flask,
    db: SQLAlchemy,
    csrf: CSRFProtect,
    cli: click.Group,
    *,
    part: str,
    same_site: str,
    alembic_config: Callable[[], Config] | None = None,
) -> None:
    """Database, hardening, ``/healthz`` and ``/readyz`` (``part`` names them), and the command group."""
    db.init_app(app)
    init_i18n(app)
    init_kept_frame(app)
    harden(app, csrf, same_site=same_site)
    app.register_blueprint(health_blueprint(db, part, alembic_config))
    app.cli.add_command(cli)
