"""``flask idp …``: database set-up, demo data and key rotation for the 蒙速办 实名登录（模拟）."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from identity_stub.extensions import db
from identity_stub.seed import seed_demo_data
from identity_stub.signing import rotate_signing_key

cli = AppGroup("idp", help="蒙速办 实名登录（模拟） 管理命令")


@cli.command("init-db")
def init_db() -> None:
    """Create this stub's tables (a simulator: its schema is rebuilt, not migrated)."""
    db.create_all()
    click.echo("idp database ready")


@cli.command("seed-demo")
def seed_demo() -> None:
    """Add the demo personas that are missing and (re-)register the wallet as a client."""
    click.echo(seed_demo_data())


@cli.command("rotate-key")
def rotate_key() -> None:
    """Start signing with a new key; the previous one stays published until its tokens expire."""
    row = rotate_signing_key()
    click.echo(f"idp now signs with key {row.kid} ({row.alg})")
