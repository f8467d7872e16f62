"""``flask fiscal …``: database set-up and demo data for the 全国财政电子票据网络（模拟）."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from fiscal_stub.extensions import db

cli = AppGroup("fiscal", help="全国财政电子票据网络（模拟） 管理命令")


@cli.command("init-db")
def init_db() -> None:
    """Create this stub's tables (a simulator: its schema is rebuilt, not migrated)."""
    db.create_all()
    click.echo("fiscal database ready")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Load the demo data when the database is empty."""
    click.echo("no demo data yet")
