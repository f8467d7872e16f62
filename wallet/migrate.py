"""Alembic driven from the app: the wallet's schema is only ever changed by migrations."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from common.settings import PROJECT_ROOT
from wallet.extensions import db


def alembic_config() -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return cfg


def upgrade_database(revision: str = "head") -> None:
    """Bring the bound app's database to ``revision`` over the app's own engine."""
    cfg = alembic_config()
    with db.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
