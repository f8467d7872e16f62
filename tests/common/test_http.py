"""The shared HTTP session: one per service and process, retrying only what is safe, within its time."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
import requests

from common.http import session_for
from tests.support.live_server import free_port
from tests.support.scripted_server import Script, scripted_server

UNAVAILABLE: tuple[int, dict[str, str], bytes] = (503, {}, b"{}")


@pytest.fixture
def server() -> Iterator[Script]:
    with scripted_server(Script()) as script:
        yield script


def test_one_session_per_service_reuses_its_connection(server):
    http = session_for("test-reuse", retries=1, backoff=0)
    assert session_for("test-reuse", retries=1, backoff=0) is http
    assert session_for("test-other", retries=1, backoff=0) is not http
    for _ in range(3):
        assert http.get(f"{server.url}/x", timeout=5).status_code == 200
    ports = {port for _, _, port in server.seen}
    assert len(server.seen) == 3 and len(ports) == 1, "the three calls shared one pooled connection"


def test_a_503_is_retried_on_get_but_not_on_post(server):
    server.replies = [UNAVAILABLE]
    http = session_for("test-retry", retries=2, backoff=0.01)
    assert http.get(f"{server.url}/x", timeout=5).status_code == 503
    assert [method for method, _, _ in server.seen] == ["GET"] * 3
    server.seen.clear()
    assert http.post(f"{server.url}/x", json={"a": 1}, timeout=5).status_code == 503
    assert [method for method, _, _ in server.seen] == ["POST"], "a POST may have taken effect: never sent twice"


def test_a_get_that_stumbles_once_succeeds(server):
    server.replies = [UNAVAILABLE, (200, {}, b'{"ok": true}')]
    assert session_for("test-stumble", retries=2, backoff=0.01).get(f"{server.url}/x", timeout=5).json() == {"ok": True}
    assert len(server.seen) == 2


def test_no_retry_starts_after_the_total_timeout(server):
    server.replies = [(503, {"Retry-After": "2"}, b"{}")]
    http = session_for("test-deadline", retries=3, backoff=0, total_timeout=0.5)
    started = time.monotonic()
    assert http.get(f"{server.url}/x", timeout=5).status_code == 503
    assert len(server.seen) == 1 and time.monotonic() - started < 1


def test_a_refused_connection_is_retried_even_for_post(caplog):
    """Nothing was sent, so trying again cannot do anything twice."""
    http = session_for("test-refused", retries=2, backoff=0.01)
    with pytest.raises(requests.ConnectionError, match="Max retries exceeded"):
        http.post(f"http://127.0.0.1:{free_port()}/x", timeout=2)  # nothing listens there
    assert sum("Retrying" in record.getMessage() for record in caplog.records) == 2


def test_shared_sessions_keep_no_cookies(server):
    server.replies = [(200, {"Set-Cookie": "session=abc; Path=/"}, b"{}")]
    http = session_for("test-cookies", retries=0)
    http.get(f"{server.url}/x", timeout=5)
    assert len(http.cookies) == 0


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")  # the child only reads
def test_a_forked_process_makes_its_own_session():
    parent = session_for("test-fork")
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            mine = session_for("test-fork")
            os.write(writer, b"new" if mine is not parent and session_for("test-fork") is mine else b"old")
        finally:
            os._exit(0)
    os.close(writer)
    answer = os.read(reader, 8)
    os.close(reader)
    os.waitpid(child, 0)
    assert answer == b"new"
    assert session_for("test-fork") is parent, "the parent keeps its own"
