"""Alembic environment for the wallet: uses the app's connection when driven from the app."""
from __future__ import annotations

from alembic import context

import wallet.models  # noqa: F401  (registers every table on the metadata)
from wallet.extensions import db

config = context.config
target_metadata = db.metadata


def run_with(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
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
