"""Collection and browsing for residents with 1,000 and 10,000 bills.

Figures: first sync over HTTP with signatures verified (vs. the raw verify + bulk insert
ceiling), list page and detail page throughput, kept and made afresh, the detail page of a bill
with an open authorization (each vs. a hello route on the same gunicorn), and server time
of the list and detail pages for a 10,000-bill resident. The kept list is also set beside a
signed-in hello (the session checked and the account read, no page): what part of its cost is
being signed in, which every page pays, and what part is the page. Last, a what-if: the signed-in
hello and the kept list again with the account remembered by the process instead of read on each
request (``bench.remembered_account_app``), each against its own hello.
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import requests
from sqlalchemy import select

from bench.bench_routes import add_bench_routes
from bench.harness import (
    ROOT,
    Gunicorn,
    build_system,
    figure,
    free_port,
    gunicorn,
    p95,
    temp_dir,
    threaded_server,
    wrk,
)
from common.timeutil import utcnow
from fiscal_stub.demo import seed_people
from fiscal_stub.generator.identity import make_people
from wallet import policy
from wallet.auth.accounts import activate_account
from wallet.auth.identity import LOA_FACE, VerifiedIdentity
from wallet.clients.fiscal import FiscalClient
from wallet.demo import demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.models import Bill, Resident, Unit
from wallet.resident.list_cache import EXTENSION
from wallet.services import bill_store
from wallet.services.authorizations import Confirmation, authorize_bills
from wallet.services.signatures import keyring, verify_bill
from wallet.services.sync import sync_person

SIZES = (1000, 10000)
WRK_SECONDS = 8
AUTHORIZED = 30  # open authorizations of the 10,000-bill resident; the detail page shows one of them


def activate(person, tag: str) -> int:
    identity = VerifiedIdentity(
        sub=f"bench-{tag}",
        name=person.name,
        id_number=person.id_number,
        acr="urn:mengsuban:loa:2",
        auth_time=0,
        id_token="",
    )
    return activate_account(identity, "2026-01").id


def fetch_all(client: FiscalClient, id_number: str) -> list[dict]:
    items, cursor = [], None
    while True:
        page = client.payer_bills(id_number, cursor, limit=1000)
        items += page["bills"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return items


def main() -> None:
    with temp_dir() as tmp:
        port = free_port()
        system = build_system(tmp, port)
        wallet_app, fiscal_app = system.extensions["parts"]["wallet"], system.extensions["parts"]["fiscal"]
        people = make_people(len(SIZES), seed=7)
        with fiscal_app.app_context():
            for person, size in zip(people, SIZES, strict=True):
                seed_people([person], size, seed=7)
        with threaded_server(system, port) as url:
            client = FiscalClient(f"{url}/fiscal/api/v1", "dev-only-platform-token-nm", timeout=60)
            residents = {}
            with wallet_app.app_context():
                for person, size in zip(people, SIZES, strict=True):
                    rid = activate(person, str(size))
                    started = time.perf_counter()
                    result = sync_person(rid, person.id_number, client)
                    elapsed = time.perf_counter() - started
                    assert result.collected == size, result
                    figure(f"sync_bills_per_s_{size}", size / elapsed, "bills/s")
                    residents[size] = rid
                items = fetch_all(client, people[-1].id_number)
                ceiling_person = make_people(3, seed=99)[-1]
                rid = activate(ceiling_person, "ceiling")
                keyring.clear()
                started = time.perf_counter()
                rows = []
                for item in items:
                    canonical, document = verify_bill(item, client)
                    rows.append(bill_store.bill_row(rid, canonical, document, item))
                for i in range(0, len(rows), 500):
                    bill_store.upsert_bills(rows[i : i + 500])
                    db.session.commit()
                figure("sync_ceiling_bills_per_s", len(items) / (time.perf_counter() - started), "bills/s")
            server_times(wallet_app, residents[10000])
            with wallet_app.app_context():
                shown = authorized_bill(residents[10000])
        load(tmp, residents[10000], shown)


def authorized_bill(resident_id: int) -> int:
    """Authorize some of the resident's bills to the demo insurer; the id of one of them."""
    seed_demo_units()
    unit = db.session.scalars(select(Unit).where(Unit.credit_code == demo_unit("insurer").credit_code)).one()
    actor = policy.ResidentActor(resident_id)
    bills = db.session.scalars(select(Bill).where(Bill.resident_id == resident_id).order_by(Bill.id))
    ids = [b.id for b in bills if policy.decide(actor, "authorize", bill=b, target_unit=unit)][:AUTHORIZED]
    resident = db.session.get_one(Resident, resident_id)
    authorize_bills(resident, unit.id, ids, "", "", "bench-collection", Confirmation(LOA_FACE, utcnow()))
    return ids[0]


def server_times(wallet_app, resident_id: int) -> None:
    """Time the list and detail views in-process: the server's own share of a request.

    ``list_p95_ms_10000`` is the first view after a change (nothing kept: the page, its
    counts and filter choices are all made); ``list_kept_p95_ms_10000`` is a view of an
    unchanged list, which a process answers from the page it kept.
    """
    add_bench_routes(wallet_app)
    client = wallet_app.test_client()
    assert client.get(f"/__bench_login/{resident_id}").status_code == 200
    rng = random.Random(5)
    with wallet_app.app_context():
        ids = db.session.scalars(select(Bill.id).where(Bill.resident_id == resident_id)).all()
        year = db.session.scalar(
            select(Bill.issue_year).where(Bill.resident_id == resident_id).order_by(Bill.issue_year.desc()).limit(1)
        )
    list_urls = ["/", "/?status=reimbursable", f"/?year={year}", "/?type=medical_outpatient", "/?q=医院"]
    kept = wallet_app.extensions[EXTENSION]
    runs: tuple[tuple[str, list[str], Callable[[], None] | None], ...] = (
        ("list_p95_ms_10000", list_urls, kept.clear),
        ("list_kept_p95_ms_10000", list_urls, None),
        ("detail_p95_ms_10000", [], None),
    )
    for name, urls, before_each in runs:
        samples = []
        for i in range(200):
            path = urls[i % len(urls)] if urls else f"/bills/{rng.choice(ids)}"
            if before_each:
                before_each()
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        figure(name, p95(samples), "ms")


def load(db_dir: str, resident_id: int, detail_bill: int) -> None:
    """Each page beside the hello route measured on the same server just before it, so a machine
    shared with other work slows both alike (the ratios are the figures that carry over). Each
    also with the workers' CPU time per request, which other work on the machine barely moves."""
    port = free_port()
    env = {"BENCH_DB_DIR": db_dir, "BENCH_PORT": str(port), "PYTHONPATH": str(ROOT)}
    with gunicorn("bench.bench_app:app", port, env) as server:
        headers = {"Cookie": signed_in_cookie(server.url, resident_id), "User-Agent": "bench"}
        hello = measured(server, "/__hello", {})
        signed_in_hello = measured(server, "/__hello_signed_in", headers)
        listing = measured(server, "/", headers)
        detail_hello = measured(server, "/__hello", {})
        detail = measured(server, f"/bills/{detail_bill}", headers)
    # The same pages with nothing kept between requests: what every first view after a change costs.
    with gunicorn("bench.bench_app:app", port, {**env, "WALLET_LIST_CACHE_ENTRIES": "0"}) as server:
        headers = {"Cookie": signed_in_cookie(server.url, resident_id), "User-Agent": "bench"}
        unkept_hello = measured(server, "/__hello", {})
        unkept = measured(server, "/", headers)
        detail_unkept_hello = measured(server, "/__hello", {})
        detail_unkept = measured(server, f"/bills/{detail_bill}", headers)
    # What remembering the account between requests would buy (bench/remembered_account_app.py).
    with gunicorn("bench.remembered_account_app:app", port, env) as server:
        headers = {"Cookie": signed_in_cookie(server.url, resident_id), "User-Agent": "bench"}
        remembered_hello = measured(server, "/__hello", {})
        remembered_signed_in_hello = measured(server, "/__hello_signed_in", headers)
        remembered_list = measured(server, "/", headers)
    figure("hello_rps", hello[0], "req/s")
    figure("hello_cpu_ms", hello[1], "ms")
    figure("list_rps", listing[0], "req/s")
    figure("list_cpu_ms", listing[1], "ms")
    figure("list_vs_hello", listing[0] / hello[0], "ratio")
    # The second baseline: what being signed in costs any page (the session checked, the account read).
    figure("signed_in_hello_rps", signed_in_hello[0], "req/s")
    figure("signed_in_hello_cpu_ms", signed_in_hello[1], "ms")
    figure("signed_in_hello_vs_hello", signed_in_hello[0] / hello[0], "ratio")
    figure("list_vs_signed_in_hello", listing[0] / signed_in_hello[0], "ratio")
    figure("list_unkept_rps", unkept[0], "req/s")
    figure("list_unkept_cpu_ms", unkept[1], "ms")
    figure("list_unkept_vs_hello", unkept[0] / unkept_hello[0], "ratio")
    figure("detail_rps", detail[0], "req/s")
    figure("detail_cpu_ms", detail[1], "ms")
    figure("detail_vs_hello", detail[0] / detail_hello[0], "ratio")
    figure("detail_unkept_rps", detail_unkept[0], "req/s")
    figure("detail_unkept_cpu_ms", detail_unkept[1], "ms")
    figure("detail_unkept_vs_hello", detail_unkept[0] / detail_unkept_hello[0], "ratio")
    figure("remembered_signed_in_hello_cpu_ms", remembered_signed_in_hello[1], "ms")
    figure("remembered_signed_in_hello_vs_hello", remembered_signed_in_hello[0] / remembered_hello[0], "ratio")
    figure("remembered_list_cpu_ms", remembered_list[1], "ms")
    figure("remembered_list_vs_hello", remembered_list[0] / remembered_hello[0], "ratio")


def measured(server: Gunicorn, path: str, headers: dict[str, str]) -> tuple[float, float]:
    """Requests/s that wrk sustains on ``path``, and the workers' CPU milliseconds per request."""
    before = workers_cpu_s(server)
    rps = wrk(f"{server.url}{path}", seconds=WRK_SECONDS, headers=headers)
    return rps, (workers_cpu_s(server) - before) * 1000 / (rps * WRK_SECONDS)


def workers_cpu_s(server: Gunicorn) -> float:
    """User and system CPU seconds the server's worker processes have used (Linux ``/proc``)."""
    children = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, check=True
    ).stdout.split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def signed_in_cookie(url: str, resident_id: int) -> str:
    """The cookie a signed-in browser holds after its first page (with that page's CSRF secret in it)."""
    http = requests.Session()
    http.headers["User-Agent"] = "bench"  # the session is bound to it; wrk must send the same
    assert http.get(f"{url}/__bench_login/{resident_id}", timeout=10).text == "ok"
    assert http.get(f"{url}/", timeout=30).text.count("bill-card") >= 20
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


if __name__ == "__main__":
    main()
