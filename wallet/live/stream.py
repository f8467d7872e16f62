"""``GET /live/stream``: the resident's open page learns of every change over Server-Sent Events.

An idle stream is one socket, one small task and one ``Watch`` in the hub — no thread and
no database connection — so one process holds thousands. The event id is the resident's
change sequence: a browser reconnecting sends it back as ``Last-Event-ID`` (or the page's
``?seq=`` on its first connect) and gets ``billsChanged`` at once if the sequence moved
meanwhile, so a reconnect, a server restart or a network change loses nothing.

The stream answers only the session the pages answer: the cookie is read by the wallet's
own session interface, timeouts and session protection included (401 otherwise), and only
same-origin requests are served.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from flask import Flask
from flask_login import current_user
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from wallet.auth.sessions import enforce_timeouts
from wallet.live.hub import Hub, Watch
from wallet.models.resident import Resident

STREAM_PATH = "/live/stream"
# Where the session is checked as if for the poll: the wallet's before-request rules apply to it.
POLL_PATH = "/live"
HEARTBEAT_SECONDS = 15.0
RETRY_MILLISECONDS = 2000
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    # nginx and similar proxies pass the stream through unbuffered when told so.
    (b"x-accel-buffering", b"no"),
]


def signed_in_resident(wallet: Flask, scope: Scope) -> int | None:
    """The resident whose session the request carries, by the rules the pages apply; None when none holds."""
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    client = scope.get("client") or ("", 0)
    with wallet.test_request_context(POLL_PATH, headers=headers, environ_base={"REMOTE_ADDR": client[0]}):
        enforce_timeouts()
        user = current_user._get_current_object()
        return user.id if isinstance(user, Resident) and user.is_authenticated else None


def same_origin(scope: Scope) -> bool:
    """Refuse what a browser marks as sent from another site; a same-origin EventSource sends no Origin."""
    headers = dict(scope["headers"])
    site = headers.get(b"sec-fetch-site")
    if site is not None and site != b"same-origin":
        return False
    origin, host = headers.get(b"origin"), headers.get(b"host", b"")
    return origin is None or origin.split(b"://", 1)[-1] == host


def seen_sequence(scope: Scope) -> int | None:
    """What the page last saw: ``Last-Event-ID`` on a reconnect, else the ``seq`` it was rendered with."""
    header = dict(scope["headers"]).get(b"last-event-id", b"").decode("latin-1")
    if header.isdigit():
        return int(header)
    for pair in scope.get("query_string", b"").decode("latin-1").split("&"):
        key, _, value = pair.partition("=")
        if key == "seq" and value.isdigit():
            return int(value)
    return None


def event(name: str, data: str, event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {data}\n\n".encode()


class Stream:
    """The ASGI endpoint: one long response per open page."""

    def __init__(self, wallet: Flask, hub: Hub) -> None:
        self.wallet, self.hub = wallet, hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "GET":
            await refuse(send, 405, "请求方式不受支持")
            return
        if not same_origin(scope):
            await refuse(send, 403, "不允许跨站订阅")
            return
        resident_id = await asyncio.to_thread(signed_in_resident, self.wallet, scope)
        if resident_id is None:
            await refuse(send, 401, "请先使用蒙速办实名登录。")
            return
        watch = self.hub.open(resident_id)
        left = asyncio.create_task(wait_for_disconnect(receive, watch))
        try:
            await self.serve(watch, seen_sequence(scope), send)
        except OSError:
            pass  # the browser went away mid-write; it reconnects with Last-Event-ID
        finally:
            left.cancel()
            self.hub.close(watch)

    async def serve(self, watch: Watch, seen: int | None, send: Send) -> None:
        current = await self.hub.current(watch.resident_id)
        sent = current if seen is None else seen
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        # The retry hint, then "ready": the page knows the stream really flows (a buffering proxy would hold it).
        await body(send, f"retry: {RETRY_MILLISECONDS}\n\n".encode() + event("ready", str(current)))
        while not watch.closed:
            watch.woken.clear()
            seq = self.hub.latest.get(watch.resident_id, sent)
            if seq != sent:
                await body(send, event("billsChanged", str(seq), seq))
                sent = seq
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(HEARTBEAT_SECONDS):
                    await watch.woken.wait()
                continue
            await body(send, b": heartbeat\n\n")


async def wait_for_disconnect(receive: Receive, watch: Watch) -> None:
    message: Message = {}
    while message.get("type") != "http.disconnect":
        message = await receive()
    watch.closed = True
    watch.woken.set()


async def body(send: Send, chunk: bytes) -> None:
    await send({"type": "http.response.body", "body": chunk, "more_body": True})


async def refuse(send: Send, status: int, message: str) -> None:
    text = message.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(text)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})


def stream_app(wallet: Flask) -> Starlette:
    """The stream endpoint alone, with the hub running for the life of the server."""
    hub = Hub(wallet, wallet.config.get("LIVE_REDIS_URL", ""))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        async with hub.running():
            yield {}

    return Starlette(routes=[Route(STREAM_PATH, Stream(wallet, hub))], lifespan=lifespan)
