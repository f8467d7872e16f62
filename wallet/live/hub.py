"""What one stream server knows: whose pages are open, each resident's last-read sequence, and what wakes them.

The database is read, never trusted to a message: a wake-up (PostgreSQL ``NOTIFY``, a Redis
message, or on SQLite the server's own timer) only names residents whose ``change_seq`` to
read again — in one batched query for all of them — and open streams follow what was read.
Besides the wake-ups every watched sequence is re-read every few seconds, so a lost
wake-up costs latency and never a change; and while any page is open the server runs the
wallet's own due-check (``authorizations.sweep``), so expiries and lapsed locks — changes
made by time alone — reach open pages as every other change does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

import psycopg
import redis
from flask import Flask
from redis import asyncio as aioredis
from sqlalchemy import Engine, select

from wallet.extensions import db
from wallet.live import wakeups
from wallet.live.wakeups import CHANNEL
from wallet.models.collection import SyncState
from wallet.services import authorizations

log = logging.getLogger(__name__)

# On SQLite nothing can wake the server: it reads the watched sequences this often.
SQLITE_WATCH_SECONDS = 0.05
# With PostgreSQL or Redis waking it: a safety net for a wake-up lost on the way.
REREAD_SECONDS = 5.0
# Time-driven changes reach an open page at most this late (plus the wake-up).
DUE_CHECK_SECONDS = 2.0
RECONNECT_SECONDS = 1.0
# Residents per read; stays under every backend's limit on bound parameters.
READ_BATCH = 900


@dataclass(eq=False)
class Watch:
    """One open stream, woken whenever its resident's sequence may have moved."""

    resident_id: int
    woken: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False


class Hub:
    """The open streams of this process and the tasks that keep their sequences current."""

    def __init__(self, wallet: Flask, redis_url: str = "") -> None:
        self.wallet = wallet
        with wallet.app_context():
            self.engine: Engine = db.engine
        self.redis_url = redis_url
        self.watches: dict[int, set[Watch]] = {}
        self.latest: dict[int, int] = {}
        self._pending: set[int] = set()
        self._dirty = asyncio.Event()

    # --- streams ----------------------------------------------------------------------------

    def open(self, resident_id: int) -> Watch:
        watch = Watch(resident_id)
        self.watches.setdefault(resident_id, set()).add(watch)
        return watch

    def close(self, watch: Watch) -> None:
        watchers = self.watches.get(watch.resident_id)
        if watchers is None:
            return
        watchers.discard(watch)
        if not watchers:
            del self.watches[watch.resident_id]
            self.latest.pop(watch.resident_id, None)

    async def current(self, resident_id: int) -> int:
        """The resident's sequence read now (on connect: what a reconnecting page missed is sent at once)."""
        seqs = await asyncio.to_thread(self._read, [resident_id])
        return self._note(resident_id, seqs.get(resident_id, 0))

    # --- wake-ups ---------------------------------------------------------------------------

    def wake(self, resident_ids: Iterable[int] | None = None) -> None:
        """Read these residents' sequences again soon (None: everyone watched here)."""
        self._pending.update(self.watches if resident_ids is None else resident_ids)
        self._dirty.set()

    def _note(self, resident_id: int, seq: int) -> int:
        """Keep the sequence just read and wake the resident's streams when it differs from the last one.

        Whatever was read last is kept, even a lower number: a resident's row can start again at
        zero (an account closed and another opened under the same id, a restored database), and
        a kept maximum would then hold back every change until the new count passed it. A read
        that finishes out of order costs at most one extra re-fetch on the page.
        """
        if resident_id in self.watches and seq != self.latest.get(resident_id):
            self.latest[resident_id] = seq
            for watch in self.watches[resident_id]:
                watch.woken.set()
        return seq

    def _read(self, resident_ids: list[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(resident_ids), READ_BATCH):
                batch = resident_ids[start : start + READ_BATCH]
                rows = conn.execute(
                    select(SyncState.resident_id, SyncState.change_seq).where(SyncState.resident_id.in_(batch))
                )
                found.update({rid: seq for rid, seq in rows})
        return found

    def _sweep(self) -> int:
        with self.wallet.app_context():
            return authorizations.sweep()

    # --- the server's tasks -----------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Hub]:
        """The hub's tasks for the life of the server (its ASGI lifespan)."""
        tasks = [self._refresher(), self._due_checks()]
        if self.redis_url:
            tasks += [self._listen_redis(), self._reread(REREAD_SECONDS)]
        elif self.engine.dialect.name == "postgresql":
            tasks += [self._listen_postgres(), self._reread(REREAD_SECONDS)]
        else:
            tasks.append(self._reread(SQLITE_WATCH_SECONDS))
        running = [asyncio.create_task(task) for task in tasks]
        loop = asyncio.get_running_loop()

        def wake_from_any_thread(residents: set[int]) -> None:
            loop.call_soon_threadsafe(self.wake, residents)

        forget = wakeups.wake_here(wake_from_any_thread)
        try:
            yield self
        finally:
            forget()
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    async def _refresher(self) -> None:
        """Read every resident woken since the last round in one query, and wake their streams."""
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            residents = [rid for rid in self._pending if rid in self.watches]
            self._pending.clear()
            if not residents:
                continue
            try:
                seqs = await asyncio.to_thread(self._read, residents)
            except Exception:  # noqa: BLE001  (a failed read is retried on the next round; the server stays up)
                log.exception("reading change sequences failed")
                await asyncio.sleep(RECONNECT_SECONDS)
                self.wake(residents)
                continue
            for rid, seq in seqs.items():
                self._note(rid, seq)

    async def _reread(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            if self.watches:
                self.wake()

    async def _due_checks(self) -> None:
        """While pages are open, record what time alone changed — the wallet's own sweep, as the worker runs it."""
        while True:
            await asyncio.sleep(DUE_CHECK_SECONDS)
            if not self.watches:
                continue
            try:
                await asyncio.to_thread(self._sweep)
            except Exception:  # noqa: BLE001  (the worker sweeps too; a failed round is retried on the next)
                log.exception("due-check failed")

    async def _listen_postgres(self) -> None:
        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.wake()  # whatever changed while nobody was listening
                    async for note in conn.notifies():
                        self.wake([int(note.payload)])
            except (psycopg.Error, OSError):
                log.warning("LISTEN %s lost; reconnecting", CHANNEL)
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen_redis(self) -> None:
        while True:
            client = aioredis.Redis.from_url(self.redis_url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.wake()  # whatever changed while nobody was subscribed
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            self.wake([int(message["data"])])
            except (redis.RedisError, OSError):
                log.warning("Redis subscription to %s lost; reconnecting", CHANNEL)
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                await client.aclose()
