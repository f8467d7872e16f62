"""A tiny local HTTP server answering from a script, for testing what a client sends and retries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Script:
    """``replies`` are used in turn, the last one for ever; ``seen`` holds (method, path, client port)."""

    replies: list[tuple[int, dict[str, str], bytes]] = field(default_factory=lambda: [(200, {}, b"{}")])
    seen: list[tuple[str, str, int]] = field(default_factory=list)
    url: str = ""

    def answer(self) -> tuple[int, dict[str, str], bytes]:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse shows in the client ports
    script: Script

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.script.seen.append((self.command, self.path, self.client_address[1]))
        status, headers, body = self.script.answer()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def scripted_server(script: Script) -> Iterator[Script]:
    handler = type("ScriptedHandler", (_Handler,), {"script": script})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    script.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield script
    finally:
        httpd.shutdown()
        httpd.server_close()
