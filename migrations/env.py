"""Alembic environment for the wallet: uses the app's connection when driven from the app."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

import wallet.models  # noqa: F401  (registers every table on the metadata)
from common.columns import UTCDateTime
from wallet.extensions import db

config = context.config
target_metadata = db.metadata


def render_item(kind: str, obj: Any, _autogen: AutogenContext) -> str | Literal[False]:
    """Write ``UTCDateTime`` columns as the plain ``timestamptz`` they are in the schema.

    The conversion to UTC lives in the model, not in the table, so a migration needs
    no import of the application's column types.
    """
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    from wallet import create_app

    app = create_app()
    with app.app_context():
        with db.engine.begin() as conn:
            run_with(conn)
