"""The shared HTTP session: one per service and process, retrying only what is safe, within its time."""
from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from common.http import session_for


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with the server's ``status`` and notes method and client port."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.client_address[1]))  # type: ignore[attr-defined]
        status, headers = self.server.reply  # type: ignore[attr-defined]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.seen, httpd.reply = [], (200, {})  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def url_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/x"


def test_one_session_per_service_reuses_its_connection(server):
    http = session_for("test-reuse", retries=1, backoff=0)
    assert session_for("test-reuse", retries=1, backoff=0) is http
    assert session_for("test-other", retries=1, backoff=0) is not http
    for _ in range(3):
        assert http.get(url_of(server), timeout=5).status_code == 200
    ports = {port for _, port in server.seen}
    assert len(server.seen) == 3 and len(ports) == 1, "the three calls shared one pooled connection"


def test_a_503_is_retried_on_get_but_not_on_post(server):
    server.reply = (503, {})
    http = session_for("test-retry", retries=2, backoff=0.01)
    assert http.get(url_of(server), timeout=5).status_code == 503
    assert [method for method, _ in server.seen] == ["GET"] * 3
    server.seen.clear()
    assert http.post(url_of(server), json={"a": 1}, timeout=5).status_code == 503
    assert [method for method, _ in server.seen] == ["POST"], "a POST may have taken effect: never sent twice"


def test_no_retry_starts_after_the_total_timeout(server):
    server.reply = (503, {"Retry-After": "2"})
    http = session_for("test-deadline", retries=3, backoff=0, total_timeout=0.5)
    started = time.monotonic()
    assert http.get(url_of(server), timeout=5).status_code == 503
    assert len(server.seen) == 1 and time.monotonic() - started < 1


def test_a_refused_connection_is_retried_even_for_post(caplog):
    """Nothing was sent, so trying again cannot do anything twice."""
    http = session_for("test-refused", retries=2, backoff=0.01)
    with pytest.raises(requests.ConnectionError, match="Max retries exceeded"):
        http.post(f"http://127.0.0.1:{closed_port()}/x", timeout=2)
    assert sum("Retrying" in record.getMessage() for record in caplog.records) == 2


def test_shared_sessions_keep_no_cookies(server):
    server.reply = (200, {"Set-Cookie": "session=abc; Path=/"})
    http = session_for("test-cookies", retries=0)
    http.get(url_of(server), timeout=5)
    assert len(http.cookies) == 0


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


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
