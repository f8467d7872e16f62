"""``flask idp …``: database set-up and demo data for the 蒙速办 实名登录（模拟）."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from identity_stub.extensions import db

cli = AppGroup("idp", help="蒙速办 实名登录（模拟） 管理命令")


@cli.command("init-db")
def init_db() -> None:
    """Create this stub's tables (a simulator: its schema is rebuilt, not migrated)."""
    db.create_all()
    click.echo("idp database ready")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load the demo data when the database is empty."""
    click.echo("no demo data yet")
