"""From a unit's action to the resident's live channel, with the wallet under two gunicorn processes.

A resident's page polls ``/live`` (here every 20 ms, from its own thread) while a signed-in
unit user locks and then reimburses authorized bills over HTTP. Each sample is the time from
sending the unit's request to the first poll that reports the change; the two processes share
nothing but the database, so a change made in one must reach a poll served by the other.

Figures: ``propagation_p50_ms`` and ``propagation_p95_ms`` (goal: p95 ≤ 1000 ms).
"""

from __future__ import annotations

import re
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial

import pyotp
import requests
from sqlalchemy import select

from bench.harness import ROOT, build_system, figure, free_port, gunicorn, p95, temp_dir, threaded_server
from common.personas import load_personas
from common.timeutil import SHANGHAI, utcnow
from fiscal_stub.demo import issue_demo_bill, seed_network
from wallet.auth.accounts import activate_account
from wallet.auth.identity import LOA_FACE, LOA_SMS, VerifiedIdentity
from wallet.clients.fiscal import FiscalClient
from wallet.demo import demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.models import Bill, Claim, Resident, Unit
from wallet.services.authorizations import Confirmation, authorize_bills
from wallet.services.sync import sync_person

BILLS = 20  # each is locked, then reimbursed: 40 actions
PLATFORM_TOKEN = "dev-only-platform-token-nm"
POLL_SECONDS = 0.02
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SEQ = re.compile(r"seq=(\d+)")


def prepare(tmp: str, port: int) -> tuple[int, list[int]]:
    """A resident with fresh bills collected and authorized to the demo insurer; returns ids."""
    system = build_system(tmp, port)
    wallet_app, fiscal_app = system.extensions["parts"]["wallet"], system.extensions["parts"]["fiscal"]
    p1 = load_personas()[0]
    with fiscal_app.app_context():
        seed_network()
        for i in range(BILLS):
            issue_demo_bill(p1.id_number, p1.name, amount=50000 + i * 100)
    with wallet_app.app_context():
        rid = activate_account(
            VerifiedIdentity(
                sub="bench-p1", name=p1.name, id_number=p1.id_number, acr=LOA_SMS, auth_time=0, id_token=""
            ),
            "2026-01",
        ).id
    with threaded_server(system, port) as url, wallet_app.app_context():
        sync_person(rid, p1.id_number, FiscalClient(f"{url}/fiscal/api/v1", PLATFORM_TOKEN, timeout=60))
        seed_demo_units()
        insurer = db.session.scalars(select(Unit.id).where(Unit.credit_code == demo_unit("insurer").credit_code)).one()
        bills = db.session.scalars(select(Bill.id).where(Bill.resident_id == rid, Bill.total >= 50000)).all()
        receipt = authorize_bills(
            db.session.get_one(Resident, rid),
            insurer,
            list(bills),
            "BENCH",
            "",
            secrets.token_urlsafe(18),
            Confirmation(LOA_FACE, utcnow()),
        )
        claims = db.session.scalars(select(Claim.id).where(Claim.receipt_id == receipt.id)).all()
    return rid, list(claims)


def csrf_of(page: str) -> str:
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError("the page carries no CSRF token")
    return match.group(1)


def unit_session(url: str) -> tuple[requests.Session, str]:
    unit = demo_unit("insurer")
    http = requests.Session()
    token = csrf_of(http.get(f"{url}/unit/login", timeout=10).text)
    http.post(
        f"{url}/unit/login",
        data={"csrf_token": token, "username": unit.username, "password": unit.password},
        timeout=10,
    )
    token = csrf_of(http.get(f"{url}/unit/login/code", timeout=10).text)
    done = http.post(
        f"{url}/unit/login/code",
        data={"csrf_token": token, "code": pyotp.TOTP(unit.totp_secret).now()},
        allow_redirects=False,
        timeout=10,
    )
    assert done.status_code == 302, done.text
    return http, csrf_of(http.get(f"{url}/unit/", timeout=10).text)


def current_seq(resident: requests.Session, url: str) -> int:
    body = resident.get(f"{url}/live?seq=-1", timeout=10).text
    match = SEQ.search(body)
    if match is None:
        raise RuntimeError("the live endpoint answered without a change sequence")
    return int(match.group(1))


def measure(url: str, resident: requests.Session, act: Callable[[], requests.Response]) -> float:
    """Milliseconds from sending the unit's request to the first poll that sees the change."""
    seen = current_seq(resident, url)
    ready, seen_at = threading.Event(), [0.0]

    def poll() -> None:
        ready.set()
        while True:
            if resident.get(f"{url}/live?seq={seen}", timeout=10).status_code == 200:
                seen_at[0] = time.perf_counter()
                return
            time.sleep(POLL_SECONDS)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    ready.wait()
    started = time.perf_counter()
    response = act()
    assert response.status_code == 303, response.text[:300]
    poller.join(timeout=10)
    assert seen_at[0], "the live channel never reported the change"
    return (seen_at[0] - started) * 1000


def main() -> None:
    with temp_dir() as tmp:
        rid, claims = prepare(tmp, free_port())
        port = free_port()
        env = {"BENCH_DB_DIR": tmp, "BENCH_PORT": str(port), "PYTHONPATH": str(ROOT)}
        with gunicorn("bench.bench_app:app", port, env, workers=2) as server:
            resident = requests.Session()
            assert resident.get(f"{server.url}/__bench_login/{rid}", timeout=10).text == "ok"
            unit, token = unit_session(server.url)
            samples = []
            for claim in claims:
                samples.append(
                    measure(
                        server.url,
                        resident,
                        partial(
                            unit.post,
                            f"{server.url}/unit/claims/{claim}/lock",
                            data={"csrf_token": token},
                            allow_redirects=False,
                            timeout=30,
                        ),
                    )
                )
                now = datetime.now(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
                samples.append(
                    measure(
                        server.url,
                        resident,
                        partial(
                            unit.post,
                            f"{server.url}/unit/claims/{claim}/feedback",
                            allow_redirects=False,
                            timeout=30,
                            data={
                                "csrf_token": token,
                                "amount": "100.00",
                                "serial": f"BENCH-{claim}",
                                "voucher": f"V-{claim}",
                                "time": now,
                            },
                        ),
                    )
                )
    figure("propagation_p50_ms", statistics.median(samples), "ms")
    figure("propagation_p95_ms", p95(samples), "ms")


if __name__ == "__main__":
    main()
