"""Load on the production layout: the wallet under gunicorn on PostgreSQL, residents and a unit at once.

The system runs as production runs it: the wallet alone in gunicorn (2 sync workers, the
settings of gunicorn.conf.py), a collection worker following the change feed beside it,
the identity provider and the fiscal network on a server of their own, every part on its
own temporary PostgreSQL database. The data: one resident with 2,000 bills who browses
and authorizes; 25 other residents whose bills (about 20 each) wait in the insurer's inbox
to be locked and reimbursed. wrk then drives the mix of bench/load_mix.lua (8 connections,
20 s) on loopback; a hello route on the same server gives the ceiling to compare with.

The seeding collects every bill already, so it also stores the change feed's end as the
worker's cursor, and the mix starts only once the worker has started and stands at the
feed's end: the window measures the wallet's requests, not the worker starting up or
replaying the seeded feed.

Figures: load_rps, load_p50_ms, load_p99_ms, load_errors (status >= 400, socket errors,
and any answer that sends a signed-in user to a login page), load_hello_rps,
load_vs_hello, what the mix completed (authorizations, locks, feedbacks), and the CPU
milliseconds the wallet's workers spent per mixed request (load_wallet_cpu_ms) beside the
same for the hello route (load_hello_cpu_ms), with the mix's split between the wallet,
its PostgreSQL backends, the fiscal stub, the collection worker and wrk. Needs PostgreSQL
(``BENCH_POSTGRES_URL``, default the local server); about a minute. With
``BENCH_LOAD_PROFILE=<file>`` py-spy samples the wallet's workers during the mix into
``<file>`` (raw collapsed stacks; ``python -m bench.profile_top <file>`` ranks them), and with
``BENCH_LOAD_PROFILE_WORKER=<file>`` the collection worker likewise.
"""

from __future__ import annotations

import logging
import os
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
import requests
from sqlalchemy import select

from bench import cpu_time
from bench.harness import ROOT, build_system, figure, free_port, gunicorn, temp_dir, threaded_server, wrk
from common.money import yuan
from common.timeutil import SHANGHAI, utcnow
from fiscal_stub.demo import seed_people
from fiscal_stub.generator.identity import make_people
from wallet import policy
from wallet.auth.accounts import activate_account
from wallet.auth.identity import LOA_FACE, VerifiedIdentity
from wallet.clients.fiscal import FiscalClient
from wallet.demo import demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.models import Bill, Resident
from wallet.models.claim import Claim
from wallet.models.unit import Unit
from wallet.services.authorizations import Confirmation, authorize_bills
from wallet.services.follower import FEED, feed_cursor
from wallet.services.sync import sync_person

BILLS = 2000
CLAIM_RESIDENTS = 25
CLAIM_BILLS = 20
MIX_SECONDS = 20
HELLO_SECONDS = 8
CONNECTIONS = 8
THREADS = 2
WEB_WORKERS = 2
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PLATFORM_TOKEN = "dev-only-platform-token-nm"
CATCH_UP_SECONDS = 120
AGENT = "bench-load"
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
MIX_LINE = re.compile(r"^mix (\w+) (\d+)$", re.M)
RATE_LINE = re.compile(r"Requests/sec:\s+([\d.]+)")


@dataclass
class Scenario:
    resident_id: int
    unit_id: int
    unit_username: str
    bills: list[int]
    fresh: list[int]
    claims: list[tuple[int, str]]
    filters: list[str]
    data: dict[str, object] = field(default_factory=dict)


def database_name(part: str) -> str:
    return f"bench_load_{os.getpid()}_{part}"


@contextmanager
def postgres_databases() -> Iterator[str]:
    """Three empty databases for this run; yields the URL template ``{part}`` fills in."""
    names = [database_name(part) for part in ("wallet", "idp", "fiscal")]
    try:
        admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        raise SystemExit(f"bench_load needs PostgreSQL at {ADMIN_URL} (make postgres-up): {exc}") from exc
    with admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/bench_load_{os.getpid()}_{{part}}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def collected(person, tag: str, client: FiscalClient) -> int:
    """Activate ``person``'s wallet and collect their bills over HTTP, signatures checked; returns the resident id."""
    identity = VerifiedIdentity(
        sub=f"bench-load-{tag}",
        name=person.name,
        id_number=person.id_number,
        acr=LOA_FACE,
        auth_time=int(time.time()),
        id_token="",
    )
    resident_id = activate_account(identity, "2026-01").id
    sync_person(resident_id, person.id_number, client)
    return resident_id


def authorizable(resident_id: int, unit: Unit) -> list[Bill]:
    actor = policy.ResidentActor(resident_id)
    return [
        b
        for b in db.session.scalars(select(Bill).where(Bill.resident_id == resident_id).order_by(Bill.id))
        if policy.decide(actor, "authorize", bill=b, target_unit=unit)
    ]


def seed(tmp: str) -> Scenario:
    """The browsing resident with a large wallet; the unit's claims authorized by many other residents."""
    port = free_port()
    system = build_system(tmp, port)
    parts = system.extensions["parts"]
    browsing, *claimants = make_people(1 + CLAIM_RESIDENTS, seed=11)
    with parts["fiscal"].app_context():
        seed_people([browsing], BILLS, seed=11)
        seed_people(claimants, CLAIM_BILLS, seed=12)
    with threaded_server(system, port) as url, parts["wallet"].app_context():
        seed_demo_units()
        unit = db.session.scalars(select(Unit).where(Unit.credit_code == demo_unit("insurer").credit_code)).one()
        client = FiscalClient(f"{url}/fiscal/api/v1", PLATFORM_TOKEN, timeout=60)
        resident_id = collected(browsing, "browsing", client)
        claims: list[tuple[int, str]] = []
        for n, person in enumerate(claimants):
            claimant = db.session.get_one(Resident, collected(person, str(n), client))
            held = {b.id: b for b in authorizable(claimant.id, unit)}
            authorize_bills(
                claimant, unit.id, list(held), "", "", f"bench-load-seed-{n:06d}", Confirmation(LOA_FACE, utcnow())
            )
            claims += [
                (a_id, yuan(policy.remaining(held[b_id])))
                for a_id, b_id in db.session.execute(
                    select(Claim.id, Claim.bill_id).where(Claim.resident_id == claimant.id)
                )
                if b_id is not None
            ]
        bills = db.session.scalars(select(Bill).where(Bill.resident_id == resident_id)).all()
        fresh = [b.id for b in authorizable(resident_id, unit)]
        random.Random(3).shuffle(fresh)
        year = max(b.issue_year for b in bills)
        kinds = sorted({b.type_key for b in bills})
        filters = [
            "/?" + urlencode(args)
            for args in (
                {"year": year},
                {"year": year - 1},
                {"type": kinds[0]},
                {"type": kinds[-1]},
                {"status": "reimbursable"},
                {"q": "医院"},
                {"year": year, "status": "reimbursable"},
            )
        ]
        skip_collected_feed(client)
        feedback_time = (utcnow() - timedelta(minutes=1)).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
        scenario = Scenario(
            resident_id,
            unit.id,
            demo_unit("insurer").username,
            [b.id for b in bills],
            fresh,
            claims,
            filters,
            {"time": quote(feedback_time)},
        )
    for part in parts.values():
        with part.app_context():
            part.extensions["sqlalchemy"].engine.dispose()
    return scenario


def skip_collected_feed(client: FiscalClient) -> None:
    """Store the feed's end as the worker's cursor: the seeding's syncs collected every bill it announces."""
    cursor = feed_cursor()
    while True:
        page = client.feed(cursor.cursor, limit=500)
        cursor.cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    db.session.commit()


def worker_cursor() -> str | None:
    with psycopg.connect(f"{ADMIN_URL.rsplit('/', 1)[0]}/{database_name('wallet')}") as conn:
        row = conn.execute("SELECT cursor FROM feed_cursors WHERE name = %s", (FEED,)).fetchone()
    return row[0] if row else None


def wait_for_worker(stub_url: str, worker: subprocess.Popen[bytes]) -> float:
    """Wait until the collection worker has started and stands at the feed's end; returns the seconds
    it took. Its start (importing the app: a second or more of CPU on a busy machine) then falls
    before the window, which measures only its rounds."""
    client = FiscalClient(f"{stub_url}/fiscal/api/v1", PLATFORM_TOKEN, timeout=30)
    started = time.monotonic()
    assert worker.stdout is not None
    if b"running" not in worker.stdout.readline():  # printed once the app is made, before the first round
        raise RuntimeError("the collection worker did not start")
    while client.feed(worker_cursor(), limit=1)["events"]:
        if time.monotonic() - started > CATCH_UP_SECONDS:
            raise RuntimeError(f"the collection worker did not reach the feed's end in {CATCH_UP_SECONDS} s")
        time.sleep(0.5)
    return time.monotonic() - started


def postgres_backends() -> list[int]:
    """The server processes holding connections to this run's databases (the parts' pools)."""
    with psycopg.connect(ADMIN_URL) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname LIKE %s", (database_name("%"),)).fetchall()
    return [pid for (pid,) in rows]


def wrk_cpu_ms() -> float:
    """CPU milliseconds of every finished child so far (the wrk runs are the only ones that finish)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


@contextmanager
def profiled(pid: int, setting: str = "BENCH_LOAD_PROFILE") -> Iterator[None]:
    """With ``setting`` naming a file, py-spy samples ``pid`` and its workers meanwhile (raw stacks).

    Only while a worker holds the GIL: the samples show where its CPU goes. With
    ``BENCH_LOAD_PROFILE_WAITS=1`` they also count a worker waiting on PostgreSQL or the fiscal
    network (not idle between requests), which shows what the round trips cost.
    """
    target = os.environ.get(setting)
    if not target:
        yield
        return
    cmd = ["record", "--pid", str(pid), "--subprocesses", "--format", "raw", "--output", target]
    if not os.environ.get("BENCH_LOAD_PROFILE_WAITS"):
        cmd.append("--gil")
    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), *cmd], stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(2)  # SIGINT: py-spy writes what it sampled and exits
        spy.wait(timeout=60)


def signed_in(url: str, login_path: str, page: str) -> tuple[str, str]:
    """A session cookie and its CSRF token, bound (session protection) to the address and agent wrk uses."""
    http = requests.Session()
    http.headers["User-Agent"] = AGENT
    assert http.get(f"{url}{login_path}", timeout=30).text == "ok"
    token = CSRF.search(http.get(f"{url}{page}", timeout=30).text)
    assert token, f"{page} carries no CSRF token"
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies), token.group(1)


def lua(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(lua(v) for v in value) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {lua(v)}" for k, v in value.items()) + "}"
    return str(value)


def write_data(path: Path, scenario: Scenario, resident: tuple[str, str], unit: tuple[str, str]) -> None:
    data = {
        "threads": THREADS,
        "agent": AGENT,
        "unit_id": scenario.unit_id,
        "time": scenario.data["time"],
        "resident_cookie": resident[0],
        "resident_csrf": resident[1],
        "unit_cookie": unit[0],
        "unit_csrf": unit[1],
        "bills": scenario.bills,
        "fresh": scenario.fresh,
        "filters": scenario.filters,
        "claims": [{"id": i, "amount": amount} for i, amount in scenario.claims],
    }
    path.write_text(f"DATA = {lua(data)}\n", encoding="utf-8")


def run_mix(url: str, data_file: Path) -> tuple[float, dict[str, int]]:
    assert url.startswith("http://127.0.0.1:"), "load goes to loopback only"
    cmd = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{MIX_SECONDS}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "load_mix.lua"),
        f"{url}/",
        "--",
        str(data_file),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=MIX_SECONDS + 60, check=False)
    out = done.stdout
    rate = RATE_LINE.search(out)
    if done.returncode or not rate:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{out}\n{done.stderr}")
    return float(rate.group(1)), {name: int(value) for name, value in MIX_LINE.findall(out)}


@contextmanager
def collection_worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """The worker tier beside the web tier: it follows the feed the locks and feedbacks fill.

    Its one line on stdout says it has started (see :func:`wait_for_worker`)."""
    cmd = [sys.executable, "-m", "flask", "--app", "bench.load_app:create()", "wallet", "work", "--poll", "0.5"]
    process = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the seeding server's request lines
    with postgres_databases() as template, temp_dir() as tmp:
        os.environ["BENCH_DATABASE_URL_TEMPLATE"] = template
        started = time.perf_counter()
        scenario = seed(tmp)
        figure("load_seed_s", time.perf_counter() - started, "s")
        port, stub_port = free_port(), free_port()
        env = {
            "BENCH_DB_DIR": tmp,
            "BENCH_PORT": str(port),
            "BENCH_STUB_PORT": str(stub_port),
            "BENCH_DATABASE_URL_TEMPLATE": template,
            "PYTHONPATH": str(ROOT),
            "WEB_ACCESS_LOG": "",
        }
        stub_env = {**env, "BENCH_PORT": str(stub_port)}
        with (
            gunicorn("bench.bench_app:app", stub_port, stub_env, workers=2) as stub,
            gunicorn("bench.load_app:create()", port, env, workers=WEB_WORKERS) as web,
            collection_worker(env) as worker,
        ):
            resident = signed_in(web.url, f"/__bench_face_login/{scenario.resident_id}", "/")
            unit = signed_in(web.url, f"/__bench_unit_login/{scenario.unit_username}", "/unit/")
            data_file = Path(tmp) / "load_data.lua"
            write_data(data_file, scenario, resident, unit)
            figure("load_worker_catch_up_s", wait_for_worker(stub.url, worker), "s")
            wallet_pids = cpu_time.children(web.process.pid)
            groups = {
                "wallet": wallet_pids,
                "postgresql": postgres_backends(),
                "fiscal stub": cpu_time.children(stub.process.pid),
                "collection worker": [worker.pid],
            }
            before, wrk_before = cpu_time.snapshot(groups), wrk_cpu_ms()
            with profiled(web.process.pid), profiled(worker.pid, "BENCH_LOAD_PROFILE_WORKER"):
                rps, mix = run_mix(web.url, data_file)
                split = {**cpu_time.spent(before), "wrk": wrk_cpu_ms() - wrk_before}  # before py-spy is reaped
            before = cpu_time.snapshot({"wallet": wallet_pids})
            hello = wrk(f"{web.url}/__hello", seconds=HELLO_SECONDS, connections=CONNECTIONS)
            hello_cpu = cpu_time.spent(before)["wallet"]
    figure("load_rps", rps, "req/s")
    figure("load_p50_ms", mix["latency_p50_us"] / 1000, "ms")
    figure("load_p99_ms", mix["latency_p99_us"] / 1000, "ms")
    figure("load_errors", mix["errors_status"] + mix["errors_socket"] + mix["ok_to_login"], "requests")
    figure("load_hello_rps", hello, "req/s")
    figure("load_vs_hello", rps / hello, "ratio")
    figure("load_wallet_cpu_ms", split["wallet"] / (rps * MIX_SECONDS), "ms/request")
    figure("load_hello_cpu_ms", hello_cpu / (hello * HELLO_SECONDS), "ms/request")
    total = sum(split.values())
    print(
        f"# CPU during the mix, {total / MIX_SECONDS / 10:.0f} % of one core on average: "
        + ", ".join(f"{name} {ms / total:.0%}" for name, ms in split.items()),
        flush=True,
    )
    figure("load_authorizations", mix["ok_authorized"], "requests")
    figure("load_locks", mix["ok_locks_ok"], "requests")
    figure("load_feedbacks", mix["ok_done_feedback"], "requests")
    print(
        "# mix sent: " + ", ".join(f"{k[5:]} {v}" for k, v in sorted(mix.items()) if k.startswith("sent_")), flush=True
    )


if __name__ == "__main__":
    main()
