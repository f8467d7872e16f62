"""Announcing a change to the stream servers: a wake-up naming the resident, never the data.

The change sequence (``sync_states.change_seq``) stays the truth; a wake-up only tells a
stream server which resident's sequence to read again. Two carriers:

- PostgreSQL ``NOTIFY`` sent inside the transaction that bumps the sequence: delivered on
  commit, dropped on rollback, so a wake-up never runs ahead of the change it announces.
- Stream servers in the committing process itself are told directly, right after the commit.
- Redis pub/sub, published by the same process right after its commit (``WALLET_LIVE_REDIS_URL``):
  for several database nodes or many stream servers, where one ``LISTEN`` per server on one
  primary no longer reaches everyone. A publish lost between commit and Redis costs only
  latency: every stream server re-reads the sequences of its open pages every few seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

import redis
from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

CHANNEL = "bills_changed"
_PENDING, _REDIS_URL = "live_wakeups", "live_redis_url"
log = logging.getLogger(__name__)
# Stream servers running in this process: told right after a commit here, before any carrier.
_local_wakers: list[Callable[[set[int]], None]] = []


def announce(session: Session, resident_id: int) -> None:
    """Wake the stream servers for ``resident_id`` once this transaction commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(CHANNEL, str(resident_id))))
    session.info.setdefault(_PENDING, set()).add(resident_id)
    url = current_app.config.get("LIVE_REDIS_URL")
    if url:
        session.info[_REDIS_URL] = url


def wake_here(waker: Callable[[set[int]], None]) -> Callable[[], None]:
    """Call ``waker`` (thread-safe) with the residents of every commit made in this process; returns the undo."""
    _local_wakers.append(waker)
    return lambda: _local_wakers.remove(waker)


@cache
def redis_client(url: str) -> redis.Redis:
    """One client (with its connection pool) per URL and process; short timeouts, as a wake-up may be lost."""
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    residents: set[int] = session.info.pop(_PENDING, set())
    url = session.info.pop(_REDIS_URL, None)
    if not residents:
        return
    for waker in list(_local_wakers):
        waker(residents)
    if not url:
        return
    try:
        with redis_client(url).pipeline(transaction=False) as pipe:
            for resident_id in residents:
                pipe.publish(CHANNEL, str(resident_id))
            pipe.execute()
    except redis.RedisError:
        log.warning("live wake-up not published to Redis; stream servers catch up on their next re-read")


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_REDIS_URL, None)
