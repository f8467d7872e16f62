"""An idle change feed costs little: asked less often while it stays empty, and an empty page writes nothing.

The worker asks the network's feed at its poll pace while events come; each empty answer
doubles the wait before the next question, up to ``FEED_IDLE_MAX_SECONDS``, and the first
event brings the poll pace back. Queued syncs are still looked for every round.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.support.network import persona
from tests.support.statements import statements_sent
from tests.wallet.collection.test_follower import drain
from wallet.clients.fiscal import FiscalClient
from wallet.extensions import db
from wallet.identity_lookup import resident_for_id_number
from wallet.models import Bill
from wallet.services.follower import follow_once
from wallet.services.sync import sync_person
from wallet.worker import FEED_IDLE_MAX_SECONDS, Worker


@pytest.fixture
def quiet_feed(wallet_app, network, resident_id, fiscal_client) -> int:
    """A resident whose bills are collected, the feed followed to its end."""
    with wallet_app.app_context():
        sync_person(resident_id, persona("p1").id_number, fiscal_client)
        drain(fiscal_client)
    return resident_id


def feed_asked(monkeypatch) -> list[str | None]:
    """The cursors the worker asks the feed for, one per question."""
    asked: list[str | None] = []
    real = FiscalClient.feed

    def counting(self, cursor, limit=500):
        asked.append(cursor)
        return real(self, cursor, limit)

    monkeypatch.setattr(FiscalClient, "feed", counting)
    return asked


def idle_worker(wallet_app) -> Worker:
    worker = Worker(wallet_app, poll_seconds=0.25, run_syncs=False)
    worker.next_sweep = worker.next_publish = worker.next_remind = float("inf")  # only the feed is under test
    return worker


def test_an_idle_feed_is_asked_less_often_and_an_event_brings_the_poll_pace_back(
    wallet_app, network, quiet_feed, monkeypatch
):
    asked, worker = feed_asked(monkeypatch), idle_worker(wallet_app)
    waits = []
    for _ in range(6):
        worker.feed_backoff_until = 0.0  # the wait has passed: the feed is due
        assert worker.tick() is False
        waits.append(worker.feed_backoff_until - time.monotonic())
    assert len(asked) == 6
    assert waits == pytest.approx([0.25, 0.5, 1.0, 2.0, 2.0, 2.0], abs=0.1)
    assert FEED_IDLE_MAX_SECONDS == 2.0

    worker.tick()  # within the wait: the feed is not asked
    assert len(asked) == 6

    issued = network.issue("p1", amount=2468)
    worker.feed_backoff_until = 0.0
    assert worker.tick() is True
    assert worker.feed_backoff_until <= time.monotonic()  # events came: the next round asks again at once
    worker.tick()
    assert len(asked) == 8
    with wallet_app.app_context():
        found = db.session.scalar(select(Bill.id).where(Bill.code == issued["code"], Bill.number == issued["number"]))
        assert found is not None


def test_an_empty_feed_page_writes_nothing(wallet_app, quiet_feed, fiscal_client):
    with statements_sent(wallet_app) as seen, wallet_app.app_context():
        assert follow_once(fiscal_client, resident_for_id_number) == 0
    assert seen == [next(s for s in seen if "FROM feed_cursors" in s)], "one read of the cursor, no write"
