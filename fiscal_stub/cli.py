"""``flask fiscal …``: database set-up, demo and generated data, key rotation, lock expiry."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from common.settings import is_development
from common.timeutil import utcnow
from fiscal_stub.demo import DEMO_SEED, generate, seed_demo
from fiscal_stub.extensions import db
from fiscal_stub.models import IssuingUnit
from fiscal_stub.models.accounts import ISSUING_MODES
from fiscal_stub.reference.provinces import BY_CODE
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.services.keys import rotate_key
from fiscal_stub.services.status import expire_lapsed_locks
from fiscal_stub.supervision.accounts import create_officer, open_account
from fiscal_stub.supervision.audit import Actor
from fiscal_stub.supervision.demo import demo_device, seed_supervision_demo
from fiscal_stub.supervision.rule_table import ensure_default_rules
from fiscal_stub.supervision.ukey_device import UKeyDevice
from fiscal_stub.supervision.ukeys import serial_of

cli = AppGroup("fiscal", help="全国财政电子票据网络（模拟） 管理命令")


@cli.command("init-db")
def init_db() -> None:
    """Create this stub's tables (a simulator: its schema is rebuilt, not migrated)."""
    db.create_all()
    click.echo("fiscal database ready")


@cli.command("seed-demo")
@click.option("--seed", default=DEMO_SEED, show_default=True, help="generator seed (same seed, same data)")
def seed_demo_command(seed: int) -> None:
    """Load provinces, keys, issuing units and every persona's bills when the database is empty;
    in development, also the supervision demo (unit accounts, a finance officer) when there is none."""
    db.create_all()
    click.echo(seed_demo(seed=seed))
    if added := ensure_default_rules(db.session, utcnow()):
        click.echo(f"fiscal: loaded the default rule table ({added} rules)")
    if is_development(current_app.config["APP_ENV"]):
        click.echo(seed_supervision_demo(db.session, utcnow()))


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


@cli.command("add-officer")
@click.option("--username", required=True, help="the finance officer's login name")
@click.option("--name", required=True, help="name or department shown in the audit trail")
@click.password_option(help="at least 8 characters, letters and digits")
def add_officer_command(username: str, name: str, password: str) -> None:
    """Create a finance department (财政部门) login for the supervision console."""
    try:
        create_officer(db.session, username, name, password, utcnow())
    except FiscalError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"fiscal: finance officer {username} created")


@cli.command("open-account")
@click.option("--unit", "unit_code", required=True, help="the issuing unit's credit code")
@click.option("--admin", required=True, help="the bill administrator's name")
@click.option("--phone", required=True, help="the administrator's mobile phone (SMS codes go there)")
@click.option("--mode", type=click.Choice(sorted(ISSUING_MODES)), default="online", show_default=True)
@click.password_option(help="at least 8 characters, letters and digits")
def open_account_command(unit_code: str, admin: str, phone: str, mode: str, password: str) -> None:
    """Open an issuing unit's console account for its bill administrator."""
    unit = db.session.get(IssuingUnit, unit_code)
    if unit is None:
        raise click.BadParameter("no issuing unit with this code", param_hint="--unit")
    try:
        open_account(db.session, unit, admin, phone, password, mode, Actor.system(), utcnow())
    except FiscalError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"fiscal: account opened for {unit.name}")


@cli.command("ukey-new")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="where to keep the key")
def ukey_new_command(out: Path) -> None:
    """Simulate a new UKey: write its private key to a file, print its serial and public key to register."""
    device = UKeyDevice.new()
    out.write_bytes(device.private_pem())
    out.chmod(0o600)
    click.echo(f"serial: {serial_of(bytes.fromhex(device.public_hex()))}")
    click.echo(device.public_pem(), nl=False)


@cli.command("ukey-sign")
@click.option("--unit", "unit_code", required=True, help="the unit logging in")
@click.option("--challenge", required=True, help="the challenge the console shows")
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="a key from ukey-new")
@click.option("--demo", is_flag=True, help="sign with the demo unit's UKey (development only)")
def ukey_sign_command(unit_code: str, challenge: str, key: Path | None, demo: bool) -> None:
    """Simulate a UKey signing the console's login challenge; prints the signature to paste."""
    if demo and not is_development(current_app.config["APP_ENV"]):
        raise click.UsageError("--demo keys exist only in development")
    if key is None and not demo:
        raise click.UsageError("give --key or --demo")
    device = demo_device(unit_code) if demo else UKeyDevice.from_pem(key.read_bytes() if key else b"")
    click.echo(f"serial: {serial_of(bytes.fromhex(device.public_hex()))}")
    click.echo(f"signature: {device.sign(unit_code, challenge)}")
