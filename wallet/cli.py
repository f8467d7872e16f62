"""``flask wallet …``: database set-up and demo data for the wallet."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from wallet.demo import seed_demo_data
from wallet.migrate import upgrade_database

cli = AppGroup("wallet", help="票据夹（钱包）管理命令")


@cli.command("init-db")
def init_db() -> None:
    """Create or upgrade the wallet's tables through Alembic migrations."""
    upgrade_database()
    click.echo("wallet database is at the latest migration")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load the wallet's demo data when the database is empty."""
    click.echo(seed_demo_data())
