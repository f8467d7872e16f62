"""``flask fiscal …``: database set-up, demo and generated data, key rotation, lock expiry."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from common.timeutil import utcnow
from fiscal_stub.demo import DEMO_SEED, generate, seed_demo
from fiscal_stub.extensions import db
from fiscal_stub.reference.provinces import BY_CODE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.keys import rotate_key
from fiscal_stub.services.status import expire_lapsed_locks

cli = AppGroup("fiscal", help="全国财政电子票据网络（模拟） 管理命令")


@cli.command("init-db")
def init_db() -> None:
    """Create this stub's tables (a simulator: its schema is rebuilt, not migrated)."""
    db.create_all()
    click.echo("fiscal database ready")


@cli.command("seed-demo")
@click.option("--seed", default=DEMO_SEED, show_default=True, help="generator seed (same seed, same data)")
def seed_demo_command(seed: int) -> None:
    """Load provinces, keys, issuing units and every persona's bills when the database is empty."""
    db.create_all()
    click.echo(seed_demo(seed=seed))


@cli.command("generate")
@click.option("--people", type=click.IntRange(1, 10_000_000), required=True, help="how many residents")
@click.option("--bills-per-person", type=click.IntRange(1, 10_000), required=True, help="bills for each")
@click.option("--seed", default=DEMO_SEED, show_default=True, help="generator seed (same seed, same data)")
def generate_command(people: int, bills_per_person: int, seed: int) -> None:
    """Generate residents with bills across provinces, types and years."""
    db.create_all()
    count = generate(people, bills_per_person, seed)
    click.echo(f"fiscal: generated {count} bills for {people} people")


@cli.command("rotate-key")
@click.option("--province", required=True, help="GB/T 2260 province code, e.g. 15")
def rotate_key_command(province: str) -> None:
    """Add a new current signing key; older keys stay published and keep verifying."""
    if province not in BY_CODE:
        raise click.BadParameter("expected a two-digit GB/T 2260 province code such as 15", param_hint="--province")
    try:
        key = rotate_key(db.session, province, utcnow())
    except FiscalError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"fiscal: province {province} now signs with {key.kid}")


@cli.command("expire-locks")
def expire_locks_command() -> None:
    """Record the lapse of every expired lock, so feed followers hear of it."""
    click.echo(f"fiscal: {expire_lapsed_locks(db.session, utcnow())} lapsed locks released")
