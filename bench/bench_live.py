"""From a unit's lock request to the change shown on the resident's open pages, in real headless Chromium.

The system runs as two web processes (uvicorn, pages and stream each, as ``make run`` serves
them) sharing one database. Several pages show the resident's authorizations, half served
by each process; a signed-in unit user locks authorized bills through the other process.
Each sample is the time from sending the lock request to a page's DOM showing the lock
(read in the page by a MutationObserver). It runs twice: with the pages on their stream,
and with EventSource removed so the pages fall back to the 1-second poll — the baseline.

Then one process is made to hold thousands of idle streams (raw asyncio sockets, another
resident's session) while a page still receives a change: ``live_idle_streams`` is how many
it held, ``live_stream_kb_per_conn`` what each cost it in resident memory, and
``live_idle_change_ms`` the slowest of a few changes reaching the page meanwhile.

``--db postgresql`` runs the same on PostgreSQL (``make bench`` runs SQLite).

Figures: ``live_browser_p95_ms`` (goal ≤ 300) beside ``live_browser_poll_p95_ms``;
``live_lock_answer_p50_ms``, the lock request's own answer time that every sample includes, and
``live_event_p95_ms``, from the lock request to ``billsChanged`` reaching the pushed page (the
rest is the section's re-fetch);
``live_idle_streams`` (goal ≥ 5,000 with the change within 300 ms), ``live_stream_kb_per_conn``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyotp
import requests
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import select
from starlette.types import ASGIApp

from bench.bench_load import postgres_databases
from bench.harness import ROOT, build_system, figure, free_port, p95, temp_dir, threaded_server
from common.personas import load_personas
from common.timeutil import utcnow
from fiscal_stub.demo import issue_demo_bill, seed_network
from wallet.auth.accounts import activate_account
from wallet.auth.identity import LOA_FACE, LOA_SMS, VerifiedIdentity
from wallet.clients.fiscal import FiscalClient
from wallet.demo import demo_unit, seed_demo_units
from wallet.extensions import db
from wallet.models import Bill, Claim, Resident, Unit
from wallet.services.authorizations import Confirmation, authorize_bills
from wallet.services.sync import sync_person

# Each sample locks a fresh authorized bill; one more lock, untimed, warms both processes up.
PUSHED_LOCKS = 24
POLLED_LOCKS = 8  # each waits up to a second: fewer, to keep the run short
PAGES = 4
IDLE_STREAMS = 5000
IDLE_CHANGES = 3
CONNECT_BATCH = 250
PLATFORM_TOKEN = "dev-only-platform-token-nm"
AGENT = "bench-live/1.0"
CHROMIUM = "/usr/bin/chromium"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# In the page: note the moment billsChanged reaches <body>, and the moment the count of "已锁定" chips
# reaches the wanted number.
OBSERVE = """(want) => {
  window.__seen = null;
  window.__event = null;
  document.body.addEventListener('billsChanged', () => { window.__event = window.__event || Date.now(); });
  const locked = () => [...document.querySelectorAll('[data-testid=auth-chip]')]
    .filter((c) => c.textContent.trim() === '已锁定').length;
  const check = () => {
    if (window.__seen === null && locked() >= want) { window.__seen = Date.now(); obs.disconnect(); }
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
  check();
}"""


def web_app() -> ASGIApp:
    """One web process of the bench: the system with the bench routes, pages and stream (uvicorn --factory)."""
    from bench.bench_app import app
    from wallet.live.front import front

    return front(app)


def prepare(tmp: str, port: int) -> tuple[int, int, list[int]]:
    """A resident with bills collected and authorized to the demo insurer, and a second resident; returns ids."""
    system = build_system(tmp, port)
    wallet_app, fiscal_app = system.extensions["parts"]["wallet"], system.extensions["parts"]["fiscal"]
    p1, p2 = load_personas()[:2]
    with fiscal_app.app_context():
        seed_network()
        for i in range(1 + PUSHED_LOCKS + POLLED_LOCKS + IDLE_CHANGES):
            issue_demo_bill(p1.id_number, p1.name, amount=50000 + i * 100)
    with wallet_app.app_context():
        rid, crowd = (
            activate_account(
                VerifiedIdentity(
                    sub=f"bench-{i}", name=p.name, id_number=p.id_number, acr=LOA_SMS, auth_time=0, id_token=""
                ),
                "2026-01",
            ).id
            for i, p in enumerate((p1, p2))
        )
    with threaded_server(system, port) as url, wallet_app.app_context():
        sync_person(rid, p1.id_number, FiscalClient(f"{url}/fiscal/api/v1", PLATFORM_TOKEN, timeout=60))
        seed_demo_units()
        insurer = db.session.scalars(select(Unit.id).where(Unit.credit_code == demo_unit("insurer").credit_code)).one()
        bills = db.session.scalars(select(Bill.id).where(Bill.resident_id == rid, Bill.total >= 50000)).all()
        receipt = authorize_bills(
            db.session.get_one(Resident, rid),
            insurer,
            list(bills),
            "",
            "",
            secrets.token_urlsafe(18),
            Confirmation(LOA_FACE, utcnow()),
        )
        claims = db.session.scalars(select(Claim.id).where(Claim.receipt_id == receipt.id)).all()
    return rid, crowd, list(claims)


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


@contextmanager
def web_process(port: int, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "bench.bench_live:web_app", "--port", str(port)]
    process = subprocess.Popen(cmd + ["--log-level", "warning", "--no-access-log"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def open_pages(browser: Browser, urls: list[str], rid: int, push: bool, count: int = PAGES) -> list[Page]:
    """``count`` pages of the resident's authorizations, spread over ``urls``, on their stream or polling."""
    pages = []
    for i in range(count):
        url = urls[i % len(urls)]
        context = browser.new_context(base_url=url, bypass_csp=True)  # for the waits below
        if not push:
            context.add_init_script("delete window.EventSource;")
        page = context.new_page()
        page.goto(f"/__bench_login/{rid}")
        page.goto("/authorizations")
        page.wait_for_function(f"document.getElementById('live').dataset.mode === '{'stream' if push else 'poll'}'")
        pages.append(page)
    return pages


@dataclass
class Sample:
    """Milliseconds from sending a lock to its answer, and to each page's event and shown change."""

    answered: float
    events: list[float]
    shown: list[float]


def lock_and_watch(unit: requests.Session, url: str, token: str, claim: int, pages: list[Page], want: int) -> Sample:
    """Lock ``claim`` and wait for every page to show ``want`` locked chips."""
    for page in pages:
        page.evaluate(OBSERVE, want)
    started = time.time() * 1000
    answer = unit.post(f"{url}/unit/claims/{claim}/lock", data={"csrf_token": token}, allow_redirects=False, timeout=30)
    sample = Sample(time.time() * 1000 - started, [], [])
    assert answer.status_code == 303, answer.text[:300]
    for page in pages:
        page.wait_for_function("window.__seen !== null", timeout=15000)
        seen, event = page.evaluate("[window.__seen, window.__event]")
        sample.shown.append(seen - started)
        sample.events.append(event - started)
    return sample


def resident_cookie(url: str, rid: int) -> str:
    http = requests.Session()
    assert http.get(f"{url}/__bench_login/{rid}", headers={"User-Agent": AGENT}, timeout=10).text == "ok"
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


class IdleCrowd:
    """Thousands of open, idle streams from raw sockets, held in a thread of their own until closed."""

    def __init__(self, port: int, cookie: str, count: int) -> None:
        self.request = (
            f"GET /live/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
            f"User-Agent: {AGENT}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
        self.port, self.count = port, count
        self.held = 0
        self.ready, self.stop = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=asyncio.run, args=(self._hold(),), daemon=True)

    async def _one(self) -> asyncio.StreamWriter | None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.write(self.request)
            await reader.readuntil(b"event: ready\n")
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return None
        return writer

    async def _hold(self) -> None:
        writers: list[asyncio.StreamWriter] = []
        while len(writers) < self.count:
            batch = await asyncio.gather(*(self._one() for _ in range(min(CONNECT_BATCH, self.count - len(writers)))))
            opened = [w for w in batch if w is not None]
            writers += opened
            if not opened:
                break
        self.held = len(writers)
        self.ready.set()
        while not self.stop.is_set():
            await asyncio.sleep(0.2)
        for writer in writers:
            writer.close()

    def __enter__(self) -> IdleCrowd:
        self.thread.start()
        self.ready.wait(timeout=120)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def resident_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def raise_file_limit() -> None:
    """Enough descriptors for the idle streams on both ends (the web processes inherit the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 2 * IDLE_STREAMS + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite", help="the database both share")
    backend = parser.parse_args().db
    raise_file_limit()
    with ExitStack() as databases:
        if backend == "postgresql":  # wake-ups then travel by NOTIFY between the processes
            os.environ["BENCH_DATABASE_URL_TEMPLATE"] = databases.enter_context(postgres_databases())
        measure()


def measure() -> None:
    with temp_dir() as tmp:
        ports = [free_port(), free_port()]
        rid, crowd, claims = prepare(tmp, ports[0])
        env = {**os.environ, "BENCH_DB_DIR": tmp, "BENCH_PORT": str(ports[0]), "PYTHONPATH": str(ROOT)}
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        with ExitStack() as stack, sync_playwright() as playwright:
            first, _second = (stack.enter_context(web_process(port, env)) for port in ports)
            unit, token = unit_session(urls[1])
            # The session is bound to the user agent, and a context's override does not reach the pages'
            # service worker: set for the whole browser, the worker's requests carry the same one.
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", f"--user-agent={AGENT}"]
            )
            samples: dict[bool, list[Sample]] = {True: [], False: []}
            locked = 1
            warming = open_pages(browser, urls, rid, push=True, count=2)
            lock_and_watch(unit, urls[1], token, claims[0], warming, locked)
            for page in warming:
                page.context.close()
            for push in (True, False):
                pages = open_pages(browser, urls, rid, push)
                for _ in range(PUSHED_LOCKS if push else POLLED_LOCKS):
                    locked += 1
                    samples[push].append(lock_and_watch(unit, urls[1], token, claims[locked - 1], pages, locked))
                for page in pages:
                    page.context.close()
            watched = open_pages(browser, urls[:1], rid, push=True, count=1)
            before = resident_kb(first.pid)
            with IdleCrowd(ports[0], resident_cookie(urls[0], crowd), IDLE_STREAMS) as idle:
                held_kb = resident_kb(first.pid) - before
                meanwhile = []
                for _ in range(IDLE_CHANGES):
                    locked += 1
                    meanwhile += lock_and_watch(unit, urls[1], token, claims[locked - 1], watched, locked).shown
            browser.close()
    pushed = [ms for sample in samples[True] for ms in sample.shown]
    polled = [ms for sample in samples[False] for ms in sample.shown]
    figure(
        "live_lock_answer_p50_ms", statistics.median(sample.answered for sample in samples[True] + samples[False]), "ms"
    )
    figure("live_event_p95_ms", p95([ms for sample in samples[True] for ms in sample.events]), "ms")
    figure("live_browser_p50_ms", statistics.median(pushed), "ms")
    figure("live_browser_p95_ms", p95(pushed), "ms")
    figure("live_browser_poll_p95_ms", p95(polled), "ms")
    figure("live_idle_streams", idle.held, "streams")
    figure("live_stream_kb_per_conn", held_kb / max(idle.held, 1), "KB")
    figure("live_idle_change_ms", max(meanwhile), "ms")


if __name__ == "__main__":
    main()
