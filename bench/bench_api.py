"""The unit integration API: lock + feedback pairs per second, and the raw JOSE rate.

A unit with a few hundred authorized bills drives the API through the reference client
(encrypt, sign, send, verify and decrypt the reply) against gunicorn with 2 sync workers.
One client at a time: each API call makes the wallet call the fiscal network stub on the
same gunicorn, so a second concurrent caller could leave no worker free to answer it. The
envelope figure is a feedback payload encrypted (JWE, as the unit does) and decrypted (as the
wallet does), in-process, as the first version's envelope was measured; the signature figure is
the request's detached JWS made and verified (ES256), which the first version's HMAC cost
next to nothing — together, the ceiling the crypto alone would allow.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bench.harness import ROOT, build_system, figure, free_port, gunicorn, temp_dir, threaded_server
from clients.reference_client import WalletApiClient, encrypt, new_unit_keys, sign_request
from common.timeutil import utcnow
from fiscal_stub.demo import seed_people
from fiscal_stub.generator.identity import make_people
from wallet.api_crypto import jose
from wallet.auth.accounts import activate_account
from wallet.auth.identity import VerifiedIdentity
from wallet.clients.fiscal import FiscalClient
from wallet.demo import demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.models import Bill, Claim, Resident, UnitUser
from wallet.services import wallet_api_keys
from wallet.services.api_credentials import issue_app_key, register_unit_keys
from wallet.services.authorizations import Confirmation, authorize_bills
from wallet.services.sync import sync_person

BILLS = 400
SECONDS = 20.0
ENVELOPE_SECONDS = 3.0


def prepare_unit(system, url: str) -> tuple[str, str, str, list[int]]:
    """Collect a resident's bills, authorize the reimbursable ones to the demo insurer, wire up its API."""
    wallet_app, fiscal_app = system.extensions["parts"]["wallet"], system.extensions["parts"]["fiscal"]
    person = make_people(1, seed=23)[0]
    with fiscal_app.app_context():
        seed_people([person], BILLS, seed=23)
    client = FiscalClient(f"{url}/fiscal/api/v1", "dev-only-platform-token-nm", timeout=60)
    with wallet_app.app_context():
        identity = VerifiedIdentity(
            sub="bench-api",
            name=person.name,
            id_number=person.id_number,
            acr="urn:mengsuban:loa:2",
            auth_time=0,
            id_token="",
        )
        resident_id = activate_account(identity, "2026-01").id
        sync_person(resident_id, person.id_number, client)
        seed_demo_units()
        user = db.session.scalars(select(UnitUser).where(UnitUser.username == demo_unit("insurer").username)).one()
        issued = issue_app_key(user)
        private_jwks, public_jwks = new_unit_keys()
        register_unit_keys(user, public_jwks)
        bill_ids = list(
            db.session.scalars(
                select(Bill.id).where(
                    Bill.resident_id == resident_id,
                    Bill.issuance == "normal",
                    Bill.reimbursement == "unreimbursed",
                    Bill.total > 0,
                )
            )
        )
        authorize_bills(
            db.session.get_one(Resident, resident_id),
            user.unit_id,
            bill_ids,
            "BENCH",
            "",
            uuid.uuid4().hex,
            Confirmation("urn:mengsuban:loa:3", utcnow()),
        )
        claims = list(db.session.scalars(select(Claim.id).where(Claim.unit_id == user.unit_id).order_by(Claim.id)))
        return issued.app_id, issued.app_key, private_jwks, claims


PAYLOAD = {
    "amount": 128050,
    "serial": "YW20260306000001",
    "voucher": "PZ-2026-03-0001",
    "time": "2026-03-06T09:30:00+08:00",
}


def per_second(step: Callable[[], None]) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < ENVELOPE_SECONDS:
        step()
        done += 1
    return done / (time.perf_counter() - started)


def crypto_rates(wallet_app, private_jwks: str) -> tuple[float, float]:
    """(JWE encrypt + decrypt, detached JWS sign + verify) per second for one feedback request."""
    unit = WalletApiClient("http://bench.invalid", "bw0123456789abcdef", "app-key", private_jwks)
    with wallet_app.app_context():
        wallet_keys = wallet_api_keys.ring().by_kid("enc")
    recipient = next(iter(wallet_keys.values()))
    body = encrypt(PAYLOAD, recipient).encode()
    verify = {str(unit.signing_key.kid): unit.signing_key}

    def envelope() -> None:
        assert json.loads(jose.decrypt(encrypt(PAYLOAD, recipient), wallet_keys)) == PAYLOAD

    def signature() -> None:
        signed = sign_request(
            unit.signing_key,
            unit.app_id,
            "POST",
            "/api/v1/authorizations/1/feedback",
            body,
            int(time.time()),
            uuid.uuid4().hex,
        )
        jose.verify_detached(signed, body, verify)

    return per_second(envelope), per_second(signature)


def lock_feedback_rate(url: str, app_id: str, app_key: str, private_jwks: str, claims: list[int]) -> float:
    api = WalletApiClient(url, app_id, app_key, private_jwks, timeout=30)
    when = datetime.now(timezone(timedelta(hours=8))).replace(microsecond=0).isoformat()
    pairs, started = 0, time.perf_counter()
    for auth_id in claims:
        if time.perf_counter() - started > SECONDS:
            break
        locked = api.lock(auth_id)
        assert locked.ok, (locked.code, locked.message)
        paid = api.feedback(auth_id, 100, f"YW-BENCH-{auth_id}", f"PZ-BENCH-{auth_id}", when)
        assert paid.ok, (paid.code, paid.message)
        pairs += 1
    return pairs / (time.perf_counter() - started)


def main() -> None:
    with temp_dir() as tmp:
        seed_port = free_port()
        system = build_system(tmp, seed_port)
        with threaded_server(system, seed_port) as url:
            app_id, app_key, private_jwks, claims = prepare_unit(system, url)
        envelope, signature = crypto_rates(system.extensions["parts"]["wallet"], private_jwks)
        figure("envelope_seal_open_per_s", envelope, "ops/s")
        figure("request_sign_verify_per_s", signature, "ops/s")
        port = free_port()
        # The per-credential request limit (120 a minute by default) is lifted: this measures the API's own rate.
        env = {
            "BENCH_DB_DIR": tmp,
            "BENCH_PORT": str(port),
            "PYTHONPATH": str(ROOT),
            "WEB_ACCESS_LOG": "",
            "WALLET_API_RATE_LIMIT": "100000 per minute",
        }
        with gunicorn("bench.bench_app:app", port, env, workers=2) as server:
            rate = lock_feedback_rate(server.url, app_id, app_key, private_jwks, claims)
        figure("api_lock_feedback_per_s", rate, "ops/s")


if __name__ == "__main__":
    main()
