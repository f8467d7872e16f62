"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import String

from wallet.extensions import db


def compare_type(context: MigrationContext, *columns_and_types: Any) -> bool | None:
    """Alembic's own comparison, except a VARCHAR's length on SQLite, which stores any length alike.

    Migrations that only lengthen a text column leave SQLite as it is (wallet's migrations say why);
    PostgreSQL, which enforces the length, is compared in full.
    """
    inspected, described = columns_and_types[-2:]
    if context.dialect.name == "sqlite" and isinstance(inspected, String) and isinstance(described, String):
        return type(inspected.as_generic()) is not type(described.as_generic())
    return None


def test_models_and_migrations_agree(wallet_app):
    with wallet_app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": compare_type})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"a model changed without a migration: {diff}"
