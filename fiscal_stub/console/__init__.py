"""The issuer console: small HTML pages where an issuing unit issues, red-reverses and exchanges bills."""

from __future__ import annotations

from flask import Blueprint

from common.money import yuan

bp = Blueprint("fiscal_console", __name__)
bp.add_app_template_filter(yuan, "yuan")

from fiscal_stub.console import views  # noqa: E402,F401  (route module)
