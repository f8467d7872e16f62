"""``flask wallet …``: database set-up and demo data for the wallet."""

from __future__ import annotations

import threading

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from wallet.demo import seed_demo_data
from wallet.migrate import upgrade_database
from wallet.services import wallet_api_keys
from wallet.worker import Worker

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


@cli.command("rotate-api-key")
def rotate_api_key() -> None:
    """Give the unit API a new key pair; the previous one stays published and accepted."""
    keys = wallet_api_keys.rotate()
    click.echo(
        f"current: enc {keys.enc[0].kid}, sig {keys.sig[0].kid}; "
        f"still accepted: {', '.join(str(k.kid) for k in keys.enc[1:] + keys.sig[1:]) or 'none'}"
    )


@cli.command("work")
@click.option("--poll", default=0.25, show_default=True, help="seconds to wait when there is nothing to do")
def work(poll: float) -> None:
    """Run the collection worker: queued syncs, the network's change feed and the sweep, until stopped."""
    run_worker(Worker(the_app(), poll), "collection worker")


@cli.command("follow")
@click.option("--poll", default=0.25, show_default=True, help="seconds to wait when there is nothing to do")
def follow(poll: float) -> None:
    """Follow the network's change feed (and sweep) only; ``work`` also runs the queued syncs."""
    run_worker(Worker(the_app(), poll, run_syncs=False), "change-feed follower")


def the_app() -> Flask:
    """The application itself rather than the proxy, which only answers inside this command's context."""
    return current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask


def run_worker(worker: Worker, name: str) -> None:
    stop = threading.Event()
    click.echo(f"{name} running (Ctrl-C stops it)")
    try:
        worker.run(stop)
    except KeyboardInterrupt:
        stop.set()
