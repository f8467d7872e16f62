"""``/live/stream`` over HTTP: only a valid session gets a stream; a change made while a page was away
arrives at once when it reconnects with ``Last-Event-ID``; and with Redis fan-out a change made once
reaches the open streams of every stream server."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
import requests
import urllib3
from sqlalchemy import select

import wallet
from tests.support.environment import redis_reachable, redis_url
from tests.support.live_server import free_port
from tests.wallet.authorization.fixtures import as_unit, claimable, grant, resident_id_of
from wallet.extensions import db
from wallet.live import hub, wakeups
from wallet.live import stream as endpoint
from wallet.live.front import serve_in_thread, stop_serving
from wallet.live.stream import stream_app
from wallet.live.wakeups import CHANNEL
from wallet.models import SyncState
from wallet.services import activity
from wallet.services.reimbursement import lock_claim

READ_SECONDS = 20  # a bound on a test that went wrong, not a timing check


class Stream:
    """An open stream as the test client's session, read event by event."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        self.lines = response.iter_lines(decode_unicode=True)

    def next_event(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for line in self.lines:
            if not line:
                if "event" in fields:
                    return fields
                continue
            if line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        raise AssertionError(f"the stream ended after {fields}")


@pytest.fixture
def as_resident(resident_client, wallet_app) -> dict[str, str]:
    """The cookie and user agent of the signed-in test client: the session the stream must accept."""
    agent = resident_client.get("/live?seq=0").request.user_agent.string
    name = wallet_app.config["SESSION_COOKIE_NAME"]
    cookie = resident_client.get_cookie(name)
    assert cookie is not None
    return {"Cookie": f"{name}={cookie.value}", "User-Agent": agent}


@pytest.fixture
def authorization(resident_client, wallet_app, demo_units) -> int:
    rid = resident_id_of(wallet_app)
    return grant(wallet_app, rid, demo_units["insurer"], claimable(wallet_app, rid, 1))[0]


def seq_now(wallet_app) -> int:
    with wallet_app.app_context():
        seq = db.session.scalar(select(SyncState.change_seq))
        assert seq is not None
        return seq


@contextmanager
def opened(url: str, headers: dict[str, str], **query: int) -> Iterator[Stream]:
    with requests.get(f"{url}/live/stream", headers=headers, params=query, stream=True, timeout=READ_SECONDS) as r:
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith("text/event-stream")
        yield Stream(r)


def test_only_a_valid_session_of_the_same_origin_gets_a_stream(system, as_resident, resident_client, wallet_app):
    url = f"{system.url}/live/stream"
    refused = {
        "no session": {},
        "forged session": {**as_resident, "Cookie": as_resident["Cookie"][:-6] + "AAAAAA"},
        "another browser": {**as_resident, "User-Agent": "another-browser/1.0"},
        "another site": {**as_resident, "Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"},
    }
    for case, headers in refused.items():
        answer = requests.get(url, headers=headers, timeout=READ_SECONDS)
        assert answer.status_code == (403 if case == "another site" else 401), case
        assert "text/event-stream" not in answer.headers.get("Content-Type", ""), case

    with opened(system.url, as_resident) as stream:
        ready = stream.next_event()
        assert ready == {"retry": "2000", "event": "ready", "data": str(seq_now(wallet_app))}

    with resident_client.session_transaction() as session:
        session["login_at"] = 1  # older than any absolute session lifetime
    name = wallet_app.config["SESSION_COOKIE_NAME"]
    expired = {**as_resident, "Cookie": f"{name}={resident_client.get_cookie(name).value}"}
    assert requests.get(url, headers=expired, timeout=READ_SECONDS).status_code == 401


def test_a_phone_that_moved_to_another_network_gets_its_stream_back(system, as_resident):
    """The reconnect after Wi-Fi gave way to mobile data comes from another address (here 127.0.0.2)."""
    moved = urllib3.PoolManager(source_address=("127.0.0.2", 0), retries=False)
    answer = moved.request(
        "GET", f"{system.url}/live/stream", headers=as_resident, preload_content=False, timeout=READ_SECONDS
    )
    try:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/event-stream")
        lines = (line.decode().strip() for line in answer)
        said = [line for line in itertools.takewhile(lambda line: not line.startswith("data:"), lines) if line]
        assert said == ["retry: 2000", "event: ready"]
    finally:
        answer.release_conn()


def test_a_change_arrives_on_the_open_stream_and_after_a_reconnect_nothing_is_missed(
    system, as_resident, authorization, wallet_app, monkeypatch
):
    # As if the change were made by another process: the stream server learns of it from the
    # database alone (NOTIFY on PostgreSQL, its own reads on SQLite), not from this process's commit.
    monkeypatch.setattr(wakeups, "_local_wakers", [])
    before = seq_now(wallet_app)
    with opened(system.url, as_resident, seq=before) as stream:
        assert stream.next_event()["event"] == "ready"
        as_unit(wallet_app, "insurer", lock_claim, authorization)
        changed = stream.next_event()
    after = seq_now(wallet_app)
    assert changed == {"id": str(after), "event": "billsChanged", "data": str(after)} and after > before

    # Away (the stream closed), the unit's feedback lands; the page comes back with the last id it saw.
    with wallet_app.app_context():
        activity.announce(resident_id_of(wallet_app))
        db.session.commit()
    with opened(system.url, {**as_resident, "Last-Event-ID": str(after)}, seq=before) as stream:
        assert stream.next_event()["event"] == "ready"
        missed = stream.next_event()
    assert missed == {"id": str(after + 1), "event": "billsChanged", "data": str(after + 1)}


def test_an_idle_stream_carries_heartbeats_for_the_proxies_on_the_way(system, as_resident, monkeypatch):
    monkeypatch.setattr(endpoint, "HEARTBEAT_SECONDS", 0.2)
    with opened(system.url, as_resident) as idle:
        assert idle.next_event()["event"] == "ready"
        assert next(line for line in idle.lines if line) == ": heartbeat"


@pytest.fixture
def fan_out(system, wallet_app, database_urls, monkeypatch) -> Iterator[list[str]]:
    """Two stream servers of their own, woken by Redis alone (their periodic re-read is pushed out of reach)."""
    url = redis_url()
    assert redis_reachable(url), f"Redis does not answer at {url} (make test starts it; or set TEST_REDIS_URL)"
    listening = redis.Redis.from_url(url)
    before = dict(listening.pubsub_numsub(CHANNEL))[CHANNEL.encode()]
    monkeypatch.setattr(hub, "REREAD_SECONDS", 3600.0)
    monkeypatch.setattr(wakeups, "wake_here", lambda _waker: lambda: None)
    monkeypatch.setitem(wallet_app.config, "LIVE_REDIS_URL", url)
    config = {k: wallet_app.config[k] for k in ("APP_ENV", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")}
    servers = []
    for _ in range(2):
        app = wallet.create_app({**config, "LIVE_REDIS_URL": url})
        port = free_port()
        servers.append((f"http://127.0.0.1:{port}", *serve_in_thread(stream_app(app), port)))
    deadline = time.monotonic() + READ_SECONDS
    while dict(listening.pubsub_numsub(CHANNEL))[CHANNEL.encode()] < before + 2:
        assert time.monotonic() < deadline, "the stream servers did not subscribe"
        time.sleep(0.05)
    yield [base for base, _server, _thread in servers]
    for _base, server, thread in servers:
        stop_serving(server, thread)


def test_with_redis_a_change_made_once_reaches_the_streams_of_two_stream_servers(
    fan_out, as_resident, authorization, wallet_app
):
    before = seq_now(wallet_app)
    with opened(fan_out[0], as_resident, seq=before) as first, opened(fan_out[1], as_resident, seq=before) as second:
        assert first.next_event()["event"] == second.next_event()["event"] == "ready"
        as_unit(wallet_app, "insurer", lock_claim, authorization)
        seen = [first.next_event(), second.next_event()]
    after = seq_now(wallet_app)
    assert seen == [{"id": str(after), "event": "billsChanged", "data": str(after)}] * 2


def test_a_sequence_that_starts_again_lower_still_wakes_its_streams(wallet_app):
    """A resident id reused after an account was closed starts its sequence at zero again."""
    server = hub.Hub(wallet_app)
    watch = server.open(7)
    assert server._note(7, 40) == 40 and watch.woken.is_set()
    watch.woken.clear()
    assert server._note(7, 3) == 3 and watch.woken.is_set(), "the new account's sequence is followed"
    watch.woken.clear()
    assert server._note(7, 3) == 3 and not watch.woken.is_set(), "an unchanged sequence wakes nobody"
    assert server._note(7, 4) == 4 and watch.woken.is_set()
