"""One ASGI server for everything on one port: the stream natively, every other path by the Flask app.

``make run`` and the test live server (``uvicorn asgi:app``: all three parts) and ``make
serve-prod`` (``wallet_server``: the wallet alone) use this: pages and stream share the
origin, the cookie and the port, with no balancer needed to route between them. The Flask
app runs in a2wsgi's thread pool exactly as under any WSGI server. A deployment behind a
balancer keeps the pages on gunicorn's sync workers and routes ``/live/stream`` to stream
servers of their own (``stream_server``; docs/deploy.md).
"""

from __future__ import annotations

import threading
import time

import uvicorn
from a2wsgi import WSGIMiddleware
from flask import Flask
from starlette.types import ASGIApp, Receive, Scope, Send

from wallet.live.stream import STREAM_PATH, stream_app

# Page requests may call another part of the same server over HTTP (the wallet calls the
# stubs): enough threads that such nested calls never wait on each other.
PAGE_THREADS = 32


class Front:
    """Route ``/live/stream`` (and the server's lifespan) to the stream app, all else to the pages."""

    def __init__(self, pages: Flask, wallet: Flask | None = None) -> None:
        self.stream = stream_app(wallet or pages)
        self.pages = WSGIMiddleware(pages, workers=PAGE_THREADS)  # type: ignore[arg-type]  # a Flask app is a WSGI callable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != STREAM_PATH:
            await self.pages(scope, receive, send)  # type: ignore[arg-type]  # a2wsgi's own scope types
        else:
            await self.stream(scope, receive, send)


def front(pages: Flask, wallet: Flask | None = None) -> ASGIApp:
    """The pages of ``pages`` (the combined app, or the wallet alone); the stream of ``wallet`` (or ``pages``)."""
    return Front(pages, wallet)


def wallet_server() -> ASGIApp:
    """The wallet's pages and stream on one port: ``uvicorn --factory wallet.live.front:wallet_server``."""
    import wallet

    return front(wallet.create_app())


def stream_server() -> ASGIApp:
    """The stream alone, where gunicorn serves the pages: ``uvicorn --factory wallet.live.front:stream_server``."""
    import wallet

    return stream_app(wallet.create_app())


def serve_in_thread(asgi_app: ASGIApp, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    """``asgi_app`` on uvicorn in a thread of this process, once it accepts connections: for the test
    live server, benchmarks and tools that drive the system from inside their own process."""
    config = uvicorn.Config(
        asgi_app, host="127.0.0.1", port=port, log_level="warning", access_log=False, timeout_graceful_shutdown=2
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the server on port {port} did not start")
        time.sleep(0.02)
    return server, thread


def stop_serving(server: uvicorn.Server, thread: threading.Thread) -> None:
    server.should_exit = True
    thread.join(timeout=15)
