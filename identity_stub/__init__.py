"""蒙速办 实名登录（模拟）: a real OpenID Connect provider the wallet reaches only through its public interface."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from common.app_factory import bind_part_basics, new_part_app
from identity_stub.cli import cli
from identity_stub.config import SETTINGS
from identity_stub.extensions import csrf, db
from identity_stub.server import config_oauth
from identity_stub.views import bp as idp_bp


def client_origins(config: Mapping[str, Any]) -> str:
    """Origins the stub's forms may end up at: login and logout redirect back to the wallet."""
    uris = f"{config['WALLET_REDIRECT_URIS']} {config['WALLET_POST_LOGOUT_REDIRECT_URIS']}".split()
    origins = {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, uris) if p.scheme and p.netloc}
    return " ".join(sorted(origins))


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = new_part_app(__name__, SETTINGS, test_config, session_cookie="idp_session")
    app.config["FORM_ACTION_EXTRA"] = client_origins(app.config)
    bind_part_basics(app, db, csrf, cli, part="idp", same_site="Lax")
    config_oauth(app)
    app.register_blueprint(idp_bp)
    return app
